"""Figures the benchmarks report: printed as they come, and (with `--json FILE`) saved for
bench/suite.py, which puts every script's figures in one table (bench/RESULTS.md)."""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass, field


@dataclass
class Figure:
    section: str
    name: str
    value: float
    unit: str
    baseline: str | None = None  # what the value is compared with, measured in the same run
    baseline_value: float | None = None
    target: str | None = None  # e.g. "ratio <= 25"
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline_value:
            return self.value / self.baseline_value
        return None


@dataclass
class Report:
    section: str
    figures: list[Figure] = field(default_factory=list)

    def add(self, name: str, value: float, unit: str, **extra) -> Figure:
        figure = Figure(self.section, name, value, unit, **extra)
        self.figures.append(figure)
        ratio = f"   {figure.ratio:8.2f}x {figure.baseline}" if figure.ratio is not None else ""
        target = (
            f"   target {figure.target}: {'met' if figure.met else 'MISSED'}"
            if figure.target
            else ""
        )
        print(f"  {name:62s} {value:12.3f} {unit}{ratio}{target}", flush=True)
        return figure

    def save(self, path: str | None) -> None:
        if path:
            rows = [{**asdict(f), "ratio": f.ratio} for f in self.figures]
            with open(path, "w") as out:
                json.dump(rows, out, indent=1)


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile (0.5 = median, 0.99 = p99) by nearest rank."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values)
