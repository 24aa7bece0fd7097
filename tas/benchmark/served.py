"""The app served as in production for the benchmark (tas/benchmark/run.py): gunicorn with two
workers on a free loopback port, people signed in through the sign-in form over HTTP, pages
timed one request after another, and many clients at once for the load test."""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], workers: int = 2) -> Iterator[tuple[str, int]]:
    """gunicorn serving wsgi:app on this database; (its address, its master's pid)."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--config",
        "python:tas.benchmark.gunicorn_settings",  # not production's gunicorn.conf.py
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "wsgi:app",
    ]
    # The command is made of constants and a port number, never of anything typed.
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL
    )
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{address}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                raise RuntimeError("gunicorn stopped while starting")
            time.sleep(0.1)
        yield address, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def workers_peak_memory_mib(master: int) -> float:
    """The largest peak resident memory (VmHWM) of the master's worker processes."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master) and "VmHWM" in fields:
            peaks.append(int(fields["VmHWM"].split()[0]) / 1024)
    return max(peaks, default=0.0)


def signed_in(address: str, email: str, password: str) -> httpx.Client:
    """A client signed in through the sign-in form, as a person's browser is."""
    client = httpx.Client(base_url=address, timeout=60)
    form = client.get("/sign-in")
    token = CSRF.search(form.text)
    if token is None:
        raise RuntimeError("the sign-in page has no form token")
    answer = client.post(
        "/sign-in", data={"csrf_token": token.group(1), "email": email, "password": password}
    )
    if answer.status_code != 302:
        raise RuntimeError(f"{email} could not sign in ({answer.status_code})")
    return client


@dataclass(frozen=True)
class Timing:
    p50_ms: float
    p95_ms: float
    requests: int
    errors: int


def summarise(seconds: list[float], errors: int = 0) -> Timing:
    ordered = sorted(seconds) or [0.0]
    p95 = statistics.quantiles(ordered, n=20)[-1] if len(ordered) >= 20 else ordered[-1]
    return Timing(statistics.median(ordered) * 1000, p95 * 1000, len(seconds), errors)


@dataclass(frozen=True)
class Paired:
    """A page's timing and the floor's, taken turn about over the same seconds."""

    page: Timing
    floor: Timing


def timed(
    client: httpx.Client,
    path: str,
    floor: tuple[httpx.Client, str],
    requests: int,
    warm_up: int = 10,
) -> Paired:
    """`requests` GETs of the page one after another (after a few to warm up), each followed by
    one of the floor. A shared machine's speed drifts from one minute to the next (up to
    twice as slow within an hour), so each page is compared with the floor as it was while the
    page was measured, not with one floor timed minutes before or after."""
    floor_client, floor_path = floor
    page_seconds: list[float] = []
    floor_seconds: list[float] = []
    page_errors = floor_errors = 0
    for n in range(warm_up + requests):
        took, ok = _one(client, path)
        floor_took, floor_ok = _one(floor_client, floor_path)
        page_errors += not ok
        floor_errors += not floor_ok
        if n >= warm_up:
            page_seconds.append(took)
            floor_seconds.append(floor_took)
    return Paired(summarise(page_seconds, page_errors), summarise(floor_seconds, floor_errors))


def _one(client: httpx.Client, path: str) -> tuple[float, bool]:
    started = time.perf_counter()
    response = client.get(path)
    return time.perf_counter() - started, response.status_code == 200


@dataclass(frozen=True)
class Load:
    clients: int
    seconds: float
    throughput: float
    timing: Timing


def load(sessions: list[tuple[httpx.Client, list[str]]], seconds: float) -> Load:
    """Every client asks for its pages in turn, all at once, for `seconds`."""
    stop = time.monotonic() + seconds
    results: list[tuple[float, bool]] = []
    lock = threading.Lock()

    def run(client: httpx.Client, paths: list[str]) -> None:
        n = 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                ok = client.get(paths[n % len(paths)]).status_code == 200
            except httpx.HTTPError:
                ok = False
            with lock:
                results.append((time.perf_counter() - started, ok))
            n += 1

    threads = [threading.Thread(target=run, args=session) for session in sessions]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.monotonic() - began
    errors = sum(1 for _, ok in results if not ok)
    timing = summarise([seconds for seconds, _ in results], errors)
    return Load(len(sessions), took, len(results) / took, timing)
