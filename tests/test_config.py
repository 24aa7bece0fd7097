"""Configuration: load order, the instance secret, production refusals and check-deploy."""

import os
import stat
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest
from sqlalchemy import text

from tas import config, create_app
from tas.extensions import db
from tests.conftest import test_config
from tests.production import STRONG_KEY, UNUSED_POSTGRES, production_settings

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def instance(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setenv("TAS_INSTANCE_PATH", str(folder))
    for key in list(os.environ):
        if key.startswith("TAS_") and key != "TAS_INSTANCE_PATH":
            monkeypatch.delenv(key)
    return folder


def test_a_secret_key_is_made_once_private_and_reused(instance):
    first = create_app()
    second = create_app()
    key_file = instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert not config.weak_secret_key(first.config["SECRET_KEY"])


def test_processes_racing_to_make_the_secret_key_agree_on_one(tmp_path):
    with ProcessPoolExecutor(max_workers=6, mp_context=get_context("spawn")) as pool:
        keys = set(pool.map(config.instance_secret_key, [tmp_path] * 24))
    assert len(keys) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_instance_config_then_environment_variables_override_defaults(instance, monkeypatch):
    (instance / "config.py").write_text(
        'PARTNERSHIP_NAME = "Instance Partnership"\nBASE_URL = "https://from-file.example"\n'
    )
    monkeypatch.setenv("TAS_BASE_URL", "https://from-env.example")
    monkeypatch.setenv("TAS_SESSION_IDLE_MINUTES", "20")
    app = create_app()
    assert app.config["PARTNERSHIP_NAME"] == "Instance Partnership"
    assert app.config["BASE_URL"] == "https://from-env.example"
    assert app.config["SESSION_IDLE_MINUTES"] == 20


def test_the_default_database_is_sqlite_in_the_instance_folder_in_wal_mode(instance):
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'tas.sqlite3'}"
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        db.session.remove()
        db.engine.dispose()


def test_development_cookies_are_not_secure_but_production_cookies_are(instance):
    assert create_app().config["SESSION_COOKIE_SECURE"] is False
    production = create_app(production_settings(SQLALCHEMY_DATABASE_URI=UNUSED_POSTGRES))
    assert production.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"SECRET_KEY": None}, "TAS_SECRET_KEY is not set"),
        ({"SECRET_KEY": "short"}, "TAS_SECRET_KEY is weak"),
        ({"SECRET_KEY": "a" * 64}, "TAS_SECRET_KEY is weak"),
        ({"DEBUG": True}, "Debug mode is on"),
        ({"BASE_URL": "http://tas.example.org"}, "TAS_BASE_URL must start with https://"),
        ({"SESSION_COOKIE_SECURE": False}, "TAS_SESSION_COOKIE_SECURE must be true"),
        ({"SQLALCHEMY_DATABASE_URI": None}, "The database is SQLite"),
        ({"TRUSTED_HOSTS": None}, "TAS_TRUSTED_HOSTS is not set"),
        ({"PROXY_FIX_X_FOR": 0}, "TAS_PROXY_FIX_X_FOR is 0"),
        ({"MAIL_SERVER": "smtp.example.org"}, "without encryption"),
    ],
)
def test_production_refuses_to_start_with_an_unsafe_setting(instance, settings, problem):
    safe = production_settings(SQLALCHEMY_DATABASE_URI=UNUSED_POSTGRES)
    with pytest.raises(RuntimeError, match=problem):
        create_app({**safe, **settings})
    assert not (instance / "secret_key").exists()  # production never invents a key


def _flask(args, instance: Path, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("TAS_", "FLASK_"))}
    environment.update(TAS_INSTANCE_PATH=str(instance), **env)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "tas", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_deploy_lists_every_problem(tmp_path):
    result = _flask(
        ["check-deploy"],
        tmp_path,
        TAS_ENV="production",
        TAS_SECRET_KEY="changeme",
        TAS_BASE_URL="http://tas.example.org",
        TAS_SESSION_COOKIE_SECURE="false",
        TAS_MAIL_SERVER="smtp.example.org",
    )
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("ERROR: ")]
    for words in (
        "TAS_SECRET_KEY is weak",
        "TAS_BASE_URL",
        "TAS_SESSION_COOKIE_SECURE",
        "TAS_TRUSTED_HOSTS is not set",
        "TAS_PROXY_FIX_X_FOR is 0",
        "TAS_PROXY_FIX_X_PROTO is 0",
        "without encryption",
        "The database is SQLite",
    ):
        assert any(words in line for line in errors), words
    assert "changeme" not in result.stdout  # the key itself is never shown


def test_a_production_server_refuses_to_start_with_a_weak_key(tmp_path):
    result = _flask(["routes"], tmp_path, TAS_ENV="production", TAS_SECRET_KEY="changeme")
    assert result.returncode != 0
    assert "refuses to start in production" in result.stderr


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_does_not(tmp_path):
    app = create_app(
        {
            "SECRET_KEY": STRONG_KEY,
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:9/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}


def test_the_apps_postgresql_connections_compile_no_plans(postgres_database, tmp_path):
    # JIT compiling the access checks' plans cost more than running them (tas/config.py).
    app = create_app(test_config(postgres_database, tmp_path))
    with app.app_context():
        assert db.session.scalar(text("SHOW jit")) == "off"
        db.session.remove()


def test_engine_options_keep_what_was_set_and_leave_sqlite_alone():
    options = {"connect_args": {"connect_timeout": 2, "options": "-c work_mem=8MB"}}
    made = config.engine_options("postgresql+psycopg://db/tas", options)
    assert made["connect_args"] == {"connect_timeout": 2, "options": "-c work_mem=8MB -c jit=off"}
    assert options["connect_args"]["options"] == "-c work_mem=8MB"
    assert config.engine_options("sqlite:///tas.sqlite3", options) == options
