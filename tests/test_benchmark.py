"""`make bench` (tas/benchmark/run.py), run small: every part measured and reported, the table
written into the README's benchmark section, and no secret or id in what is kept. What it
measures is read by people, never asserted here (speed is not a test's business)."""

from __future__ import annotations

import json
import re

from tas.benchmark import report, run

README = """# TAS Coordinator

Before.

<!-- benchmark: start -->
Not measured yet.
<!-- benchmark: end -->

After.
"""


def test_a_small_run_measures_every_part_and_writes_the_table(tmp_path, monkeypatch):
    for name, value in {
        "BENCH_TARGETS": "sqlite:0.05",
        "BENCH_REQUESTS": "3",
        "BENCH_CLIENTS": "2",
        "BENCH_LOAD_SECONDS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    readme = tmp_path / "README.md"
    readme.write_text(README)

    kept = run.main(folder=tmp_path / "benchmarks", readme=readme)

    figures = json.loads(kept.read_text())
    [result] = figures["results"]
    pages = {(page["role"], page["path"]): page for page in result["pages"]}
    assert ("practitioner", "/calendar/feed/….ics") in pages
    assert ("link worker", "/children/<id>") in pages
    for page in pages.values():
        assert page["errors"] == 0 and page["requests"] == 3
        assert 0 < page["statements"] <= report.MOST_STATEMENTS
        # Each page's ratio is to the floor timed turn about with it, as far as the figures'
        # rounding to 0.1 ms (and the ratio's to 0.1) allows.
        median, floor = page["p50_ms"], page["floor_p50_ms"]
        assert floor > 0.05
        lowest, highest = (median - 0.05) / (floor + 0.05), (median + 0.05) / (floor - 0.05)
        assert lowest - 0.05 <= page["times_floor"] <= highest + 0.05
    assert result["floor"]["path"] == "/accessibility"
    assert result["load"]["timing"]["errors"] == 0 and result["load"]["clients"] == 2
    assert result["reminder_pass"]["left_due"] == 0
    assert set(result["exports_seconds"]) == {"ics", "spreadsheet"}
    written = readme.read_text()
    assert written.startswith("# TAS Coordinator\n\nBefore.") and written.endswith("After.\n")
    assert "| link worker /children |" in written and "Not measured yet" not in written
    # The feed's secret link was asked for, and is kept nowhere.
    assert re.search(r"/feed/[A-Za-z0-9_\-]{43}", kept.read_text() + written) is None


def test_what_is_kept_names_no_record_and_no_feed_secret():
    assert report.label("/children/1234") == "/children/<id>"
    assert report.label("/calendar/feed/abcDEF_-123.ics") == "/calendar/feed/….ics"
    assert report.label("/meetings/7/calendar.ics") == "/meetings/<id>/calendar.ics"
