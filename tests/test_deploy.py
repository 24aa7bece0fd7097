"""Production fails closed (docs/security.md J45, issue 11 section 5): the environment's name, the
secret key's entropy, mail over TLS, PostgreSQL, trusted hosts and proxy hops."""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import pytest

from tas import create_app
from tas.config import Defaults
from tas.deployment import deployment_problems
from tas.secret_key import secret_key_weakness
from tests.production import UNUSED_POSTGRES, production_environment, production_settings

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def instance(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "instance"
    monkeypatch.setenv("TAS_INSTANCE_PATH", str(folder))
    for key in list(os.environ):
        if key.startswith("TAS_") and key != "TAS_INSTANCE_PATH":
            monkeypatch.delenv(key)
    return folder


def _production(**settings) -> dict:
    return production_settings(**{"SQLALCHEMY_DATABASE_URI": UNUSED_POSTGRES, **settings})


def _problems(**settings) -> list[str]:
    """What check-deploy says of the defaults with these production settings (as loaded: the
    session cookie is secure in production)."""
    defaults = {key: getattr(Defaults, key) for key in dir(Defaults) if key.isupper()}
    return deployment_problems(
        {**defaults, "SESSION_COOKIE_SECURE": True, **_production(**settings)}
    )


@pytest.mark.parametrize("env", ["development", "test", "production"])
def test_env_accepts_only_development_test_or_production(instance, env):
    app = create_app(_production(ENV=env))
    assert app.config["ENV"] == env


@pytest.mark.parametrize("env", ["prod", "Production", "PRODUCTION", "staging", "live", "", None])
def test_env_refuses_anything_else_with_a_clear_message(instance, env):
    with pytest.raises(RuntimeError, match="TAS_ENV must be development, test or production"):
        create_app(_production(ENV=env))


def test_env_from_the_environment_is_checked_too(instance, monkeypatch):
    monkeypatch.setenv("TAS_ENV", "prod")
    with pytest.raises(RuntimeError, match="not 'prod'"):
        create_app()


def test_make_run_refuses_demo_accounts_in_production(tmp_path):
    # -o: take the install and asset steps as done (this checkout has them), run the recipe.
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("TAS_", "FLASK_"))}
    environment.update(production_environment(TAS_INSTANCE_PATH=str(tmp_path)))
    result = subprocess.run(
        ["make", "-o", "install", "-o", "assets", "run"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Demo data is never loaded when TAS_ENV=production" in result.stderr
    # It stopped before migrating, loading or serving anything.
    assert "db upgrade" not in result.stdout
    assert "scheduler" not in result.stdout
    assert not (tmp_path / "outbox").exists()


def test_make_run_passes_the_demo_check_in_development(instance):
    app = create_app()
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo-data", "--check"])
    assert result.exit_code == 0
    assert "may be loaded here" in result.output


@pytest.mark.parametrize(
    "key",
    [
        "ThisIsMyProductionSecretKeyForTas2026!",  # the example: 249 bits at most
        "ThisIsMyProductionSecretKeyForTheTasCoordinatorService2026!",  # long enough, but words
        "correct-horse-battery-staple-tas-coordinator-2026-x",
        "test-only-secret-key-9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        "e9db4e17522c86cad627f163431edcc009d9347defb5610b9062dee359d84c",  # token_hex(31): 248 bits
        "Tk7Bg4vVg6xeNShEGvGlgXbeYZ81LCIBuDrMIy8atw",  # token_urlsafe(31): 42 characters, 252 bits
        # token_urlsafe(32), random, with a word a person added
        "6WZm3Psb160obz-Gnnz5fnli_rj2Az8nj-Xp8KNWF-sSafeguarding",
        "0123456789abcdef" * 4,  # 64 hex characters, no randomness
        "a" * 64,
        "changeme",
    ],
)
def test_secret_key_needs_256_bits(key):
    assert secret_key_weakness(key) is not None
    [problem] = [p for p in _problems(SECRET_KEY=key) if "TAS_SECRET_KEY" in p]
    assert "TAS_SECRET_KEY is weak" in problem
    assert key not in problem  # never echo the secret


@pytest.mark.parametrize(
    ("make_key", "size"),
    [
        (secrets.token_hex, 32),  # 64 hex characters
        (secrets.token_urlsafe, 32),  # 43 base64url characters
        (secrets.token_urlsafe, 48),  # what the README and instance_secret_key use
        (secrets.token_hex, 64),
    ],
)
def test_secret_key_from_a_random_source_passes(make_key, size):
    for _ in range(200):
        key = make_key(size)
        assert secret_key_weakness(key) is None, key


def test_three_chance_words_in_a_long_random_key_pass():
    # A token_urlsafe(48) key met in a test run: "IGOR", "What" and "Duel" by chance.
    key = "xuDHcmk_N0LwbUfvFzIGORWhatdswAAmod8s_EZKfrDuelJnNm00xFbVdLq73ond"
    assert secret_key_weakness(key) is None


def test_a_random_key_with_a_chance_repeat_passes():
    # token_hex(32) gave this key in a test run: "17f3f3" twice over is chance, not a person.
    assert (
        secret_key_weakness("17f3f317f3f35be7967a9da9c2f478f9c275940b46a0ab811f04434b71d04701")
        is None
    )


@pytest.mark.parametrize(
    "key",
    [
        "9d3e71c0a4b8" * 2 + "5be7967a9da9c2f478f9c275940b46a0ab811f04434b71d0",
        "0a1b2c" * 3 + "5be7967a9da9c2f478f9c275940b46a0ab811f04434b71d04701",
    ],
)
def test_a_key_repeating_what_it_has_already_said_is_weak(key):
    assert "repeat" in secret_key_weakness(key)


def test_the_development_key_made_in_the_instance_folder_passes(instance):
    app = create_app()
    assert secret_key_weakness(app.config["SECRET_KEY"]) is None


def test_check_deploy_fails_without_mail_tls():
    assert not [p for p in _problems(MAIL_SERVER=None) if "mail" in p.lower()]
    [problem] = _problems(MAIL_SERVER="smtp.example.org", MAIL_PORT=25)
    assert "without encryption" in problem
    assert _problems(MAIL_SERVER="smtp.example.org", MAIL_PORT=587, MAIL_USE_TLS=True) == []
    assert _problems(MAIL_SERVER="smtp.example.org", MAIL_PORT=465, MAIL_USE_SSL=True) == []
    [both] = _problems(MAIL_SERVER="smtp.example.org", MAIL_USE_TLS=True, MAIL_USE_SSL=True)
    assert "choose the one" in both


def test_check_deploy_fails_on_sqlite_in_production(tmp_path):
    [problem] = _problems(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'tas.sqlite3'}")
    assert "use PostgreSQL in production" in problem
    assert "database is locked" in problem  # why: one writer at a time
    assert "erase the audit log" in problem  # and no roles


def test_check_deploy_fails_without_trusted_hosts():
    [problem] = _problems(TRUSTED_HOSTS=None)
    assert "TAS_TRUSTED_HOSTS is not set" in problem
    [elsewhere] = _problems(TRUSTED_HOSTS=["other.example.org"])
    assert "does not include tas.example.org" in elsewhere
    assert _problems(TRUSTED_HOSTS=[".example.org"]) == []


def test_trusted_hosts_from_the_environment_as_json_turn_other_hosts_away(instance, monkeypatch):
    monkeypatch.setenv("TAS_TRUSTED_HOSTS", '["tas.example.org", "tas.example.net"]')
    app = create_app()
    assert app.config["TRUSTED_HOSTS"] == ["tas.example.org", "tas.example.net"]
    client = app.test_client()
    assert client.get("/healthz", base_url="https://tas.example.org").status_code == 200
    assert client.get("/healthz", base_url="https://tas.example.net").status_code == 200
    for host in ("evil.example", "tas.example.org.evil.example", "localhost"):
        for path in ("/healthz", "/sign-in"):
            response = client.get(path, headers={"Host": host})
            assert response.status_code == 400, host
            assert host not in response.get_data(as_text=True)


def test_trusted_hosts_as_plain_text_may_name_several(instance, monkeypatch):
    monkeypatch.setenv("TAS_TRUSTED_HOSTS", "tas.example.org, .tas.example.net")
    assert create_app().config["TRUSTED_HOSTS"] == ["tas.example.org", ".tas.example.net"]


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"PROXY_FIX_X_FOR": 0, "PROXY_FIX_X_PROTO": 0}, ["X_FOR is 0", "X_PROTO is 0"]),
        ({"PROXY_FIX_X_FOR": 2}, ["TAS_PROXY_FIX_X_FOR is 2"]),
        ({"PROXY_FIX_X_PROTO": 0}, ["TAS_PROXY_FIX_X_PROTO is 0"]),
        ({"REVERSE_PROXIES": 2}, ["X_FOR is 1", "X_PROTO is 1"]),
    ],
)
def test_check_deploy_fails_when_proxy_hops_do_not_match_the_deployment(settings, words):
    problems = _problems(**settings)
    assert len(problems) == len(words)
    for problem, expected in zip(problems, words, strict=True):
        assert expected in problem


def test_proxy_hops_may_follow_a_documented_other_deployment():
    two = {"REVERSE_PROXIES": 2, "PROXY_FIX_X_FOR": 2, "PROXY_FIX_X_PROTO": 2}
    assert _problems(**two) == []
    assert _problems(REVERSE_PROXIES=0, PROXY_FIX_X_FOR=0, PROXY_FIX_X_PROTO=0) == []


def test_the_documented_deployment_passes_every_setting_check():
    assert _problems() == []


@pytest.mark.parametrize("domain", [None, "", "partnership.example", "tas.invalid", "localhost"])
def test_check_deploy_fails_until_the_calendar_uid_domain_is_the_partnerships(domain):
    [problem] = _problems(CALENDAR_UID_DOMAIN=domain)
    assert "TAS_CALENDAR_UID_DOMAIN" in problem and "never change it" in problem
    assert _problems(CALENDAR_UID_DOMAIN="lscp.example-council.gov.uk") == []
