"""Every benchmark, one command: runs each script of bench/ and writes bench/RESULTS.md.

    python bench/suite.py            # about 14 minutes on 2 cores
    python bench/suite.py --quick    # fewer samples, to try the suite itself

Each figure stands beside the baseline it was measured with in the same run (these machines are
noisy: medians of several runs, and ratios, not lone absolute times). Needs the `bench` extra
for the comparison with pycasbin and JupyterHub: pip install -e ".[bench]"; the page in the
browser needs Playwright (Python), chromium at /usr/bin/chromium and the built labextension.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).parent


def steps(quick: bool) -> list[tuple[str, list[str]]]:
    q = quick
    return [
        (
            "check cost, 10 users",
            ["bench_checks.py", "--users", "10", "--batches", "5000" if q else "20000"],
        ),
        (
            "check cost, 1,000 users",
            ["bench_checks.py", "--users", "1000", "--batches", "5000" if q else "20000"],
        ),
        (
            "check cost, 10,000 users",
            [
                "bench_checks.py",
                "--users",
                "10000",
                "--memory",
                "--batches",
                "5000" if q else "20000",
            ],
        ),
        (
            "against the alternatives",
            ["bench_alternatives.py", "--requests", "5000" if q else "20000"],
        ),
        (
            "whole requests",
            ["bench_requests.py", "--seconds", "1" if q else "2", "--blocks", "2" if q else "3"],
        ),
        ("administration at scale", ["bench_admin.py", "--rounds", "20" if q else "100"]),
        ("tokens", ["bench_tokens.py", "--tokens", "30" if q else "90"]),
        (
            "access control page in the browser",
            ["bench_access_page.py", "--rounds", "2" if q else "5"],
        ),
        ("propagation", ["bench_propagation.py", "--samples", "10" if q else "30"]),
        (
            "many servers, one policy",
            ["bench_scaleout.py", "--servers", "5,10" if q else "5,10,20,50", "--changes", "10"],
        ),
        (
            "many servers through PgBouncer",
            ["bench_scaleout.py", "--servers", "5" if q else "5,20", "--changes", "10", "--pooler"],
        ),
        ("read-only collaborators", ["bench_rtc.py", "--messages", "5000" if q else "20000"]),
        (
            "sandbox",
            ["bench_sandbox.py", "--rounds", "6" if q else "20", "--loops", "5" if q else "15"]
            + ["--launches", "20" if q else "60"],
        ),
    ]


def machine() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory = next(
        (
            line.split()[1]
            for line in _read("/proc/meminfo").splitlines()
            if line.startswith("MemTotal")
        ),
        "0",
    )
    packages = ", ".join(
        f"{name} {_version(name)}"
        for name in ("jupyter_server", "jupyter-rbac", "SQLAlchemy", "casbin", "jupyterhub")
    )
    return [
        f"- Date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {cpu}, {os.cpu_count()} cores, {int(memory) / 1024 / 1024:.0f} GiB; {platform.platform()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; {packages}",
    ]


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def table(figures: list[dict]) -> list[str]:
    lines = [
        "| measurement | value | baseline (same run) | ratio | target |",
        "|---|---:|---|---:|---|",
    ]
    for f in figures:
        ratio = f"{f['ratio']:.2f}x" if f.get("ratio") is not None else ""
        baseline = (
            f"{f['baseline']}: {f['baseline_value']:,.3f}"
            if f.get("baseline") and f.get("baseline_value") is not None
            else ""
        )
        target = f"{f['target']}: **{'met' if f['met'] else 'missed'}**" if f.get("target") else ""
        note = f" ({f['note']})" if f.get("note") else ""
        lines.append(
            f"| {f['name']}{note} | {f['value']:,.3f} {f['unit']} | {baseline} | {ratio} | {target} |"
        )
    return lines


def _ratio(figure: dict) -> str:
    # a figure with no baseline (a page that never showed) has no ratio
    return f"{figure['ratio']:.2f}x, " if figure.get("ratio") is not None else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples (to try the suite)")
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args()

    started = time.monotonic()
    sections: list[tuple[str, list[dict], str]] = []
    for title, command in steps(args.quick):
        print(f"== {title}", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
            path = out.name
        step_started = time.monotonic()
        result = subprocess.run(
            [sys.executable, str(HERE / command[0]), *command[1:], "--json", path], check=False
        )
        took = time.monotonic() - step_started
        figures = json.loads(Path(path).read_text() or "[]") if result.returncode == 0 else []
        Path(path).unlink(missing_ok=True)
        status = (
            f"{took:.0f} s"
            if result.returncode == 0
            else f"failed (exit {result.returncode}) after {took:.0f} s"
        )
        sections.append((title, figures, status))
    elapsed = time.monotonic() - started

    lines = [
        "# jupyter-rbac benchmarks",
        "",
        f"Written by `python bench/suite.py{' --quick' if args.quick else ''}` in {elapsed / 60:.1f} minutes.",
        "",
        *machine(),
        "",
    ]
    missed = []
    for title, figures, status in sections:
        lines += [f"## {title}", "", f"`{status}`", ""]
        if figures:
            lines += [*table(figures), ""]
        missed += [
            f"{title}: {f['name']} ({_ratio(f)}target {f['target']})"
            for f in figures
            if f.get("target") and not f["met"]
        ]
    lines += ["## Targets missed", ""] + ([f"- {m}" for m in missed] or ["None."]) + [""]
    Path(args.output).write_text("\n".join(lines))
    print(f"wrote {args.output} in {elapsed / 60:.1f} minutes; {len(missed)} target(s) missed")
    return 0 if all("failed" not in status for _, _, status in sections) else 1


if __name__ == "__main__":
    sys.exit(main())
