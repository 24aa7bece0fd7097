"""Browser fixtures: the app on a live server with the demo data, one Chromium per worker, and
helpers to sign in, run axe-core and save screenshots."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from tas import create_app
from tas.demo import loading as demo
from tas.extensions import db
from tests.conftest import BACKENDS, _postgres_database, test_config

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
# Debian's headless shell (package chromium-headless-shell, built from the same Chromium source):
# the same Blink without the desktop browser around it, which is how Playwright itself runs
# headless Chromium; a journey takes a third less time. The full browser where it is missing.
HEADLESS_SHELL = Path("/usr/bin/chromium-headless-shell")
CHROMIUM = HEADLESS_SHELL if HEADLESS_SHELL.exists() else Path("/usr/bin/chromium")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = demo.DEMO_PASSWORD


BROWSER_TESTS = Path(__file__).parent


def pytest_collection_modifyitems(items):
    """Every test in this folder is a browser test (`-m "not browser"` leaves them out). The
    journeys run on PostgreSQL too share one test process (`--dist loadgroup`): the demo loaded
    on PostgreSQL for a live server took 12 s in each process that needed one."""
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)
            callspec = getattr(item, "callspec", None)
            if callspec is not None and callspec.params.get("server") == "postgresql":
                item.add_marker(pytest.mark.xdist_group("browser-postgresql"))


@dataclass
class LiveServer:
    url: str
    app: Flask

    def __call__(self, path: str = "/") -> str:
        return self.url + path


def _read_whole(app: Flask):
    """The app, each response read whole before it is sent. Werkzeug's development server
    leaves a file response (a stylesheet, the favicon) open when Chromium drops the connection
    on leaving a page, and the ResourceWarning fails whichever test is running (-W error)."""

    def application(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return application


def _serve(app: Flask) -> Iterator[LiveServer]:
    """Serve the app on a free loopback port by a threaded Werkzeug server in a daemon thread."""
    server = make_server("127.0.0.1", 0, _read_whole(app), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=url, app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def _on(uri: str, folder: Path) -> Flask:
    """The app on this database, a copy of the worker's demo partnership (tests/conftest.py).

    Chromium keeps the stylesheet and scripts for an hour rather than asking again on every
    page (a fifth of a page's time here): they never change during a test run. The app's own
    setting (revalidate every time) is what production needs, since a release changes them."""
    return create_app(test_config(uri, folder, SEND_FILE_MAX_AGE_DEFAULT=3600))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, sqlite_demo_template) -> Iterator[LiveServer]:
    """The app with the demo partnership on a SQLite file of its own (one per pytest-xdist
    worker)."""
    folder = tmp_path_factory.mktemp("live-server")
    shutil.copy(sqlite_demo_template, folder / "tas.sqlite3")
    yield from _serve(_on(f"sqlite:///{folder / 'tas.sqlite3'}", folder))


@pytest.fixture
def untouched_live_server(tmp_path, sqlite_demo_template) -> Iterator[LiveServer]:
    """A live server of the test's own, on the demo partnership as loaded: for a test that needs
    the demo's lists as they were, not as the journeys before it on the worker left them."""
    shutil.copy(sqlite_demo_template, tmp_path / "tas.sqlite3")
    yield from _serve(_on(f"sqlite:///{tmp_path / 'tas.sqlite3'}", tmp_path))


@pytest.fixture(scope="session")
def live_server_postgresql(
    tmp_path_factory, worker_id, postgres_demo_template
) -> Iterator[LiveServer]:
    """The same on a PostgreSQL database this run creates and drops (one per worker)."""
    with _postgres_database("browser", worker_id, template=postgres_demo_template) as uri:
        yield from _serve(_on(uri, tmp_path_factory.mktemp("live-server-pg")))


@pytest.fixture
def server(request) -> LiveServer:
    """The live server a journey runs on: SQLite unless the journey is parametrised with
    `each_database`, which runs it once on each database (on its own demo partnership)."""
    backend = getattr(request, "param", "sqlite")
    if backend == "postgresql":
        request.node.user_properties.append(("database", "postgresql"))
        return request.getfixturevalue("live_server_postgresql")
    if backend == "untouched":
        return request.getfixturevalue("untouched_live_server")
    return request.getfixturevalue("live_server")


# A journey run on SQLite and on PostgreSQL: take `server` (not `live_server`) where the journey
# needs the app itself (a reminder pass, say); `open_page` opens pages on the same server.
each_database = pytest.mark.parametrize("server", BACKENDS, indirect=True)
# A test on a server of its own with the demo as loaded (`untouched_live_server`).
on_the_demo_as_loaded = pytest.mark.parametrize("server", ["untouched"], indirect=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, launched once per worker and shared by every browser test."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make assets does)")
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install chromium chromium-headless-shell")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--disable-gpu"])
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Watched:
    """A page, with the console errors and failed responses seen while it was open."""

    page: Page
    errors: list[str] = field(default_factory=list)

    def unexpected_errors(self, status: int | None = None) -> list[str]:
        """The errors seen, less the console's note of an error page's own status."""
        expected = f"Failed to load resource: the server responded with a status of {status} "
        return [e for e in self.errors if not (status and e.startswith(f"console: {expected}"))]


def _watch(page: Page) -> Watched:
    """Note console errors (CSP violations among them), script errors and failed subresources."""
    watched = Watched(page)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watched.errors.append(f"console: {message.text}")

    def on_page_error(error: Exception) -> None:
        watched.errors.append(f"page error: {error}")

    def on_response(response: Response) -> None:
        # An error page's own status is what its test expects; anything else failing is not.
        if response.status >= 400 and response.request.resource_type != "document":
            watched.errors.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("response", on_response)
    return watched


@pytest.fixture
def open_page(browser, server):
    """Open pages in fresh browser contexts; every context is closed after the test.

    `open_page(axe=True)` bypasses the app's CSP so that axe-core can be injected; without it
    the page runs under the real CSP."""
    contexts = []

    def opener(*, axe: bool = True, **options) -> Watched:
        options.setdefault("base_url", server.url)  # localhost for passkeys, which need a name
        context = browser.new_context(bypass_csp=axe, **options)
        if axe:
            # axe-core in every page of the context, sent to Chromium once: adding it to each
            # page checked took a fifth of a second a page.
            context.add_init_script(path=str(AXE))
        contexts.append(context)
        return _watch(context.new_page())

    yield opener
    for context in contexts:
        context.close()


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form, the way a person does."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def check_accessibility(page: Page) -> None:
    """Run axe-core on the page as it is now; fail listing every WCAG 2.2 A/AA violation."""
    # A click that follows a link returns once the navigation has started: axe run then met
    # the old document being torn down ("reading 'documentElement'" of null). Wait for the
    # new page to load, and run once more if it was still being swapped.
    for attempt in (1, 2):
        page.wait_for_load_state()
        try:
            violations = _axe_violations(page)
            break
        except PlaywrightError as error:
            if attempt == 2 or not _page_was_swapping(str(error)):
                raise
    assert not violations, f"axe-core violations on {page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in violations
    )


def _page_was_swapping(message: str) -> bool:
    return "documentElement" in message or "Execution context was destroyed" in message


def _axe_violations(page: Page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            // Only the violations are wanted: axe skips gathering every node that passed.
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return result.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ") + " :: " + n.failureSummary),
            }));
        }""",
        WCAG_TAGS,
    )


# Screenshots are for people to look at: CI (CI=true), where nobody does, skips them unless
# TAS_SCREENSHOTS=1 asks (they are a sixth of the browser tests' time).
SCREENSHOTS = os.environ.get("TAS_SCREENSHOTS") == "1" or os.environ.get("CI") != "true"


def screenshot(page: Page, name: str) -> None:
    """Save a full-page screenshot to test-artifacts/<name>.png for people to look at."""
    if not SCREENSHOTS:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    page.screenshot(path=str(ARTIFACTS / f"{slug}.png"), full_page=True)
