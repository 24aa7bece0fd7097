"""The benchmark's figures (tas/benchmark/run.py): kept as JSON under benchmarks/, printed as
one table, and written into the README between its benchmark markers, with the machine they
were measured on and how they compare with issue 14's targets."""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from tas.benchmark.served import Load, Paired

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "benchmarks"
README = ROOT / "README.md"
MARKERS = ("<!-- benchmark: start -->", "<!-- benchmark: end -->")
MOST_TIMES_FLOOR = 5  # a page's median at most 5 times the floor's (the goal is 3)
MOST_STATEMENTS = 20


def result(
    backend: str,
    scale: float,
    made: dict[str, int],
    generated: float,
    timings: dict[tuple[str, str], Paired],
    counted: dict[tuple[str, str], int],
    floor: tuple[str, str],
    exported: dict[str, float],
    loaded: Load,
    memory: float,
    reminders: dict,
) -> dict:
    # Each page is compared with the floor timed turn about with it (served.timed); the floor's
    # own figure is the floor's median over the whole run.
    base = statistics.median(paired.floor.p50_ms for paired in timings.values())
    return {
        "database": backend,
        "scale": scale,
        "made": made,
        "generated_seconds": round(generated, 1),
        "floor": {"role": floor[0], "path": label(floor[1]), "p50_ms": round(base, 1)},
        "pages": [
            {
                "role": role,
                "path": label(path),
                "p50_ms": round(paired.page.p50_ms, 1),
                "p95_ms": round(paired.page.p95_ms, 1),
                "floor_p50_ms": round(paired.floor.p50_ms, 1),
                "times_floor": _times(paired.page.p50_ms, paired.floor.p50_ms),
                "statements": counted[(role, path)],
                "requests": paired.page.requests,
                "errors": paired.page.errors + paired.floor.errors,
            }
            for (role, path), paired in timings.items()
        ],
        "exports_seconds": {kind: round(seconds, 3) for kind, seconds in exported.items()},
        "load": {**asdict(loaded), "throughput": round(loaded.throughput, 1)},
        "worker_peak_mib": round(memory, 1),
        "reminder_pass": {**reminders, "seconds": round(reminders["seconds"], 2)},
    }


def _times(page_ms: float, floor_ms: float) -> float | None:
    return round(page_ms / floor_ms, 1) if floor_ms else None


def machine() -> str:
    return (
        f"{platform.node()}: {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def label(path: str) -> str:
    """A page's address as the figures keep it: no ids, and never a feed link's secret."""
    return re.sub(r"/feed/[^/]+\.ics", "/feed/….ics", re.sub(r"/\d+", "/<id>", path))


def table(results: list[dict]) -> str:
    heads = [f"{r['database']} ×{r['scale']:g}" for r in results]
    lines = [
        "| Page (median ms, × floor, statements) | " + " | ".join(heads) + " |",
        "|---|" + "---|" * len(results),
    ]
    keys = [(page["role"], page["path"]) for page in results[0]["pages"]]
    for n, (role, path) in enumerate(keys):
        cells = []
        for r in results:
            page = r["pages"][n]
            flag = " ⚠" if (page["times_floor"] or 0) > MOST_TIMES_FLOOR else ""
            cells.append(f"{page['p50_ms']} ({page['times_floor']}×{flag}, {page['statements']})")
        lines.append(f"| {role} {path} | " + " | ".join(cells) + " |")
    rows = {
        "p95 of the slowest page, ms": lambda r: max(p["p95_ms"] for p in r["pages"]),
        "year export .ics / .csv, s": lambda r: "{ics} / {spreadsheet}".format(
            **r["exports_seconds"]
        ),
        "reminder pass, s (emailed, left due)": lambda r: (
            "{seconds} ({emailed}, {left_due})".format(**r["reminder_pass"])
        ),
        "load: clients, req/s, p95 ms, errors": lambda r: "{} , {}, {}, {}".format(
            r["load"]["clients"],
            r["load"]["throughput"],
            round(r["load"]["timing"]["p95_ms"]),
            r["load"]["timing"]["errors"],
        ),
        "worker peak memory, MiB": lambda r: r["worker_peak_mib"],
        "data made in, s": lambda r: r["generated_seconds"],
    }
    for name, cell in rows.items():
        lines.append(f"| {name} | " + " | ".join(str(cell(r)) for r in results) + " |")
    return "\n".join(lines)


def publish(results: list[dict], folder: Path = FOLDER, readme_file: Path = README) -> Path:
    """Print the table, keep the figures, and put the table in the README."""
    stamp = datetime.now(UTC)
    text = table(results)
    where = f"Measured {stamp:%Y-%m-%d} on {machine()}."
    print(text)
    print(where)
    folder.mkdir(exist_ok=True)
    kept = folder / f"{stamp:%Y%m%dT%H%M%S}.json"
    kept.write_text(
        json.dumps(
            {"machine": machine(), "at": stamp.isoformat(), "results": results},
            indent=2,
            default=str,
        )
        + "\n"
    )
    readme = readme_file.read_text()
    start, end = MARKERS
    if start in readme and end in readme:
        before, rest = readme.split(start, 1)
        _, after = rest.split(end, 1)
        readme_file.write_text(f"{before}{start}\n{text}\n\n{where}\n{end}{after}")
    return kept
