"""Geometry of the dashboard's bar charts, drawn as inline SVG by templates/manager/_charts.html.

Python computes where each bar goes; the template only places them. Colours come from CSS
classes (theme variables), numbers are written in the reader's locale, and every chart has its
numbers in a table beside it.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 34, 56
MAX_LABELS = 8


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    text: str


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    reference: tuple[float, str] | None = None
    baseline: float = 0
    left: float = LEFT
    right: float = 0
    empty: bool = True
    y_title: str = ""
    x_title: str = ""


def nice_ceiling(value: float) -> float:
    """A round top for the axis: 1, 2, 2.5, 5 or 10 times a power of ten."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def bar_chart(labels: Sequence[str], series: Sequence[Sequence[float | None]], *, y_title: str, x_title: str,
              number: Callable[[float], str], reference: tuple[float, str] | None = None,
              width: int = WIDTH, height: int = HEIGHT) -> Chart:
    """Grouped bars: one group per label, one bar per series; None draws nothing. `number` writes a
    value in the reader's locale (2,5 in Dutch)."""
    values = [v for s in series for v in s if v is not None]
    top = nice_ceiling(max(values + ([reference[0]] if reference else []), default=0))
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    baseline = TOP + plot_h
    chart = Chart(width, height, baseline=baseline, right=width - RIGHT, empty=not any(values),
                  y_title=y_title, x_title=x_title)
    groups = max(len(labels), 1)
    group_w = plot_w / groups
    bar_w = group_w * 0.8 / max(len(series), 1)
    label_every = max(1, math.ceil(len(labels) / MAX_LABELS))

    def y_of(value: float) -> float:
        return baseline - plot_h * value / top

    for i, label in enumerate(labels):
        x0 = LEFT + i * group_w + group_w * 0.1
        for s, values_of_series in enumerate(series):
            value = values_of_series[i]
            if value is None:
                continue
            y = y_of(value)
            chart.bars.append(Bar(round(x0 + s * bar_w, 1), round(y, 1), round(bar_w * 0.92, 1),
                                  round(baseline - y, 1), s, f"{label}: {number(value)}"))
        if i % label_every == 0:
            chart.x_labels.append((round(LEFT + (i + 0.5) * group_w, 1), label))
    for step in range(5):
        value = top * step / 4
        chart.y_ticks.append((round(y_of(value), 1), number(value)))
    if reference:
        chart.reference = (round(y_of(reference[0]), 1), reference[1])
    return chart
