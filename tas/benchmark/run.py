"""`make bench` (python -m tas.benchmark.run): the product measured at a district's size and a
region's (issue 14). For each database and scale: a fresh database, migrated and filled by
tas.benchmark.district; each page timed for the role that uses it (median and 95th percentile
of BENCH_REQUESTS requests, one after another, against gunicorn with two workers), with the
statements it runs and its ratio to the floor page (the signed-in base template, measured in
the same run); the coordinator's year exports; BENCH_CLIENTS clients at once for
BENCH_LOAD_SECONDS; one reminder pass; a worker's peak memory. tas.benchmark.report prints the
table and keeps the figures under benchmarks/.

Settings (environment): BENCH_TARGETS (default "postgresql:1,postgresql:10,sqlite:1"),
BENCH_REQUESTS (200), BENCH_CLIENTS (20), BENCH_LOAD_SECONDS (60)."""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, func, select

from tas import create_app
from tas.auth.feed_links import make_link
from tas.benchmark import district, report, served
from tas.benchmark.databases import throwaway_postgres
from tas.children.models import Child
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import LONDON, today
from tas.core.days import is_working_day
from tas.demo.data.partnership import DEMO_PASSWORD
from tas.extensions import db
from tas.jobs import run_pass
from tas.meetings.models import Meeting
from tas.organisations.models import User, link_worker_schools
from tas.outbox.models import OutboxMessage
from tas.plans.models import AgencyInvolvement

FLOOR = ("link worker", "/accessibility")


def setting(name: str, default: str) -> str:
    return os.environ.get(name, default)


@contextmanager
def database(backend: str, folder: Path) -> Iterator[str]:
    """A new, empty database for one run, dropped at its end."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
        return
    with throwaway_postgres("bench") as uri:
        yield uri


def settings(uri: str, folder: Path) -> dict[str, str]:
    return {
        "SQLALCHEMY_DATABASE_URI": uri,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "OUTBOX_DIR": str(folder / "outbox"),
        "BASE_URL": "https://tas.example.org",
    }


def pages_of(app: Flask) -> dict[str, tuple[str, list[str]]]:
    """Each role measured: (the account, its pages), chosen from the generated data."""
    with app.app_context():
        first = select(User.email).order_by(User.id).limit(1)
        worker = db.session.scalar(select(User).where(User.role == "link_worker").order_by(User.id))
        school = select(link_worker_schools.c.school_id).where(
            link_worker_schools.c.user_id == worker.id
        )
        child = db.session.scalar(select(Child.id).where(Child.school_id.in_(school)).limit(1))
        meeting = db.session.scalar(
            select(Meeting.id).where(Meeting.school_id.in_(school)).order_by(Meeting.id)
        )
        busiest_id = db.session.scalar(
            select(AgencyInvolvement.practitioner_id)
            .where(AgencyInvolvement.practitioner_id.is_not(None))
            .group_by(AgencyInvolvement.practitioner_id)
            .order_by(func.count().desc(), AgencyInvolvement.practitioner_id)
            .limit(1)
        )
        busiest = db.session.get(User, busiest_id)
        feed = make_link(busiest)
        coordinator = db.session.scalar(first.where(User.district_wide.is_(True)))
        dsl = db.session.scalar(first.where(User.role == "dsl"))
        return {
            "link worker": (
                worker.email,
                [
                    "/",
                    "/children",
                    f"/children/{child}",
                    "/requests",
                    "/meetings",
                    f"/meetings/{meeting}",
                    "/reviews",
                    "/flags",
                    "/accessibility",
                ],
            ),
            "practitioner": (
                busiest.email,
                ["/", "/children", "/meetings", f"/calendar/feed/{feed}.ics"],
            ),
            "coordinator": (coordinator, ["/", "/meetings", "/reviews", "/flags"]),
            "dsl": (dsl, ["/", "/children", "/meetings"]),
        }


def statements(app: Flask, pages: dict[str, tuple[str, list[str]]]) -> dict[tuple, int]:
    """How many SQL statements each page runs (in this process, one request each)."""
    counted: dict[tuple, int] = {}
    app.config["WTF_CSRF_ENABLED"] = False
    seen: list[str] = []

    def count(_connection, _cursor, statement, *_rest) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for role, (email, paths) in pages.items():
            client = app.test_client()
            client.post("/sign-in", data={"email": email, "password": DEMO_PASSWORD})
            for path in paths:
                seen.clear()
                client.get(path)
                counted[(role, path)] = len(seen)
    finally:
        event.remove(engine, "before_cursor_execute", count)
        app.config["WTF_CSRF_ENABLED"] = True
    return counted


def reminder_pass(app: Flask) -> dict:
    """One pass at the reminder hour of the next working day: how long, what it sent, and how
    many emails that were due are still waiting."""
    day = today()
    while not is_working_day(day, ENGLAND_AND_WALES):
        day += timedelta(days=1)
    moment = datetime.combine(day, datetime.min.time(), tzinfo=LONDON) + timedelta(hours=8)
    with app.app_context():
        started = time.perf_counter()
        counts = run_pass(moment)
        took = time.perf_counter() - started
        waiting = db.session.scalar(
            select(func.count()).where(
                OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= moment
            )
        )
    return {
        "seconds": took,
        "emailed": counts.emailed,
        "delivered": counts.delivered,
        "left_due": waiting,
    }


def exports(client, day) -> dict[str, float]:
    """The coordinator's export of the whole year, each format timed (median of five)."""
    first, last = day - timedelta(days=182), day + timedelta(days=182)
    query = {
        "starts_on": [str(first.day), str(first.month), str(first.year)],
        "ends_on": [str(last.day), str(last.month), str(last.year)],
    }
    found = {}
    for kind in ("ics", "spreadsheet"):
        times = []
        for _ in range(5):
            started = time.perf_counter()
            response = client.get("/meetings/export", params={**query, kind: "1"})
            times.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"the {kind} export answered {response.status_code}")
        found[kind] = sorted(times)[2]
    return found


def measure(backend: str, scale: float) -> dict:
    requests = int(setting("BENCH_REQUESTS", "200"))
    with tempfile.TemporaryDirectory() as temporary, database(backend, Path(temporary)) as uri:
        folder = Path(temporary)
        config = settings(uri, folder)
        app = create_app(dict(config))
        started = time.perf_counter()
        with app.app_context():
            upgrade()
            made = district.generate(scale, seed=1)
        generated = time.perf_counter() - started
        pages = pages_of(app)
        counted = statements(app, pages)
        env = {f"TAS_{key}": value for key, value in config.items()}
        env["TAS_INSTANCE_PATH"] = str(folder)
        with served.gunicorn(env) as (address, master):
            clients = {
                role: served.signed_in(address, email, DEMO_PASSWORD)
                for role, (email, _paths) in pages.items()
            }
            floor = (clients[FLOOR[0]], FLOOR[1])
            timings = {
                (role, path): served.timed(clients[role], path, floor, requests)
                for role, (_email, paths) in pages.items()
                for path in paths
            }
            exported = exports(clients["coordinator"], today())
            roles = list(pages)  # the load's clients take the roles in turn
            sessions = []
            for n in range(int(setting("BENCH_CLIENTS", "20"))):
                email, paths = pages[roles[n % len(roles)]]
                sessions.append((served.signed_in(address, email, DEMO_PASSWORD), paths))
            loaded = served.load(sessions, float(setting("BENCH_LOAD_SECONDS", "60")))
            memory = served.workers_peak_memory_mib(master)
            for client in [*clients.values(), *(client for client, _paths in sessions)]:
                client.close()
        reminders = reminder_pass(app)
        with app.app_context():
            db.engine.dispose()
    return report.result(
        backend,
        scale,
        made,
        generated,
        timings,
        counted,
        FLOOR,
        exported,
        loaded,
        memory,
        reminders,
    )


def main(folder: Path = report.FOLDER, readme: Path = report.README) -> Path:
    """Measure every target; the file the figures were kept in."""
    targets = setting("BENCH_TARGETS", "postgresql:1,postgresql:10,sqlite:1")
    results = []
    for target in targets.split(","):
        backend, scale = target.split(":")
        print(f"Measuring {backend} at scale {scale}...", flush=True)
        results.append(measure(backend, float(scale)))
    return report.publish(results, folder, readme)


if __name__ == "__main__":
    main()
