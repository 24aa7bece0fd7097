"""A real gunicorn (2 workers, threaded) on this test's database, and browsers that talk to it
over HTTP at the same moment: the throttle must hold across processes (docs/security.md A3)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parents[2]
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(app, tmp_path: Path, workers: int = 2, threads: int = 4) -> Iterator[str]:
    """Serve the app with the production gunicorn settings on a free port; its base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "TAS_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "TAS_SECRET_KEY": TEST_SECRET,
        "TAS_BASE_URL": "https://tas.example.org",
        "TAS_INSTANCE_PATH": str(tmp_path / "instance"),
        "TAS_OUTBOX_DIR": str(tmp_path / "outbox"),
        "TAS_ENV": "development",
        # Each wrong password costs what it costs in production: a race has time to show.
        "TAS_PASSWORD_HASH_TIME_COST": "2",
        "TAS_PASSWORD_HASH_MEMORY_KIB": "16384",
        "TAS_PASSWORD_HASH_PARALLELISM": "1",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "gunicorn.conf.py",
        "--threads",
        str(threads),
        "--no-control-socket",
        "--access-logfile",
        "/dev/null",
        "wsgi:app",
    ]
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:  # not listening yet, or its workers are still starting
                pass
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


class Browser:
    """One browser: its own cookies, the sign-in page's CSRF token, then one form post."""

    def __init__(self, url: str):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirect(),
        )

    def open_sign_in(self) -> str:
        with self.opener.open(self.url + "/sign-in", timeout=30) as response:
            return CSRF_INPUT.search(response.read().decode()).group(1)

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str]]:
        body = urllib.parse.urlencode(fields).encode()
        try:
            with self.opener.open(self.url + path, data=body, timeout=60) as response:
                return response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def at_once(url: str, forms: list[dict[str, str]], path: str = "/sign-in") -> list[int]:
    """Post each form from its own browser, all released together; the status codes."""
    browsers = [Browser(url) for _ in forms]
    tokens = [browser.open_sign_in() for browser in browsers]
    barrier = threading.Barrier(len(forms))
    statuses: list[int | None] = [None] * len(forms)

    def send(index: int) -> None:
        barrier.wait()
        fields = {"csrf_token": tokens[index], **forms[index]}
        statuses[index] = browsers[index].post(path, fields)[0]

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return [status or 0 for status in statuses]
