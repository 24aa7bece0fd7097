"""Run the ical.js check (tests/ical/icaljs_check.mjs) over a batch of calendars: one node
process per batch. Needs node and `npm ci` (ical.js is pinned in package.json)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from icalendar import Calendar

SCRIPT = Path(__file__).with_name("icaljs_check.mjs")
ROOT = Path(__file__).resolve().parents[2]


def icaljs(calendars: list[tuple[str, str]]) -> list[dict]:
    """[{name, problems, starts}] for each (name, text), in order (SEQUENCE is compared with
    the objects before it in the batch)."""
    node = shutil.which("node")
    assert node, "node is needed for the ical.js check"
    assert (ROOT / "node_modules" / "ical.js").is_dir(), "run `npm ci` for the ical.js check"
    batch = json.dumps([{"name": name, "ics": text} for name, text in calendars])
    done = subprocess.run(
        [node, str(SCRIPT)], input=batch, capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def assert_icaljs_accepts(calendars: list[tuple[str, str]]) -> None:
    """No iTIP or time zone problem, and every DTSTART where icalendar puts it."""
    results = icaljs(calendars)
    assert [r["name"] for r in results] == [name for name, _ in calendars]
    problems = {r["name"]: r["problems"] for r in results if r["problems"]}
    assert problems == {}, problems
    for (name, text), result in zip(calendars, results, strict=True):
        assert result["starts"] == icalendar_starts(text), name


def icalendar_starts(text: str) -> dict[str, str]:
    starts = {}
    for event in Calendar.from_ical(text).events:
        start = event.start
        if isinstance(start, datetime):
            starts[str(event["UID"])] = start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        else:
            starts[str(event["UID"])] = start.isoformat()
    return starts
