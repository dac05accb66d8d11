"""The line chart of an indicator's series (SVG drawn by the template): axes with ticks, the unit on
the value axis, one line per area. A series with fewer than two points gets no chart: a table says it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from web.formatting import vn_number

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 20, 52
TICKS = 5


@dataclass
class Chart:
    width: int
    height: int
    unit_label: str
    x_ticks: list[dict[str, Any]]
    y_ticks: list[dict[str, Any]]
    lines: list[dict[str, Any]] = field(default_factory=list)
    axis: dict[str, float] = field(default_factory=dict)


def unit_label(unit: str | None, scale: int | None) -> str:
    """How the value axis names its unit.

    >>> unit_label("percent", None), unit_label(None, 80), unit_label(None, None)
    ('Giá trị (%)', 'Điểm (thang 80)', 'Giá trị')
    """
    if unit == "percent":
        return "Giá trị (%)"
    if scale:
        return f"Điểm (thang {scale})"
    return "Giá trị"


def format_value(value: float | None, unit: str | None, scale: int | None) -> str:
    """A value as the documents write it: "89,58%", "43,9/80 điểm".

    >>> format_value(89.58, "percent", None), format_value(43.9, None, 80), format_value(None, None, None)
    ('89,58%', '43,9/80 điểm', '—')
    """
    if value is None:
        return "—"
    if unit == "percent":
        return f"{vn_number(value)}%"
    return f"{vn_number(value)}/{scale} điểm" if scale else vn_number(value)


def line_chart(rows: list[dict[str, Any]]) -> Chart | None:
    """A chart of rows {area, year, value, unit, scale}; None with fewer than two values."""
    points = [r for r in rows if r.get("value") is not None]
    if len(points) < 2:
        return None
    unit = next((r.get("unit") for r in points if r.get("unit")), None)
    scale = next((r.get("scale") for r in points if r.get("scale")), None)
    years = sorted({int(r["year"]) for r in points})
    top = _axis_top(max(r["value"] for r in points), unit, scale)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: int) -> float:
        return round(LEFT + (years.index(year) + 0.5) * plot_w / len(years), 1)

    def y(value: float) -> float:
        return round(TOP + plot_h - value / top * plot_h, 1)

    y_ticks = [{"y": y(top * i / TICKS), "label": vn_number(round(top * i / TICKS, 2))} for i in range(TICKS + 1)]
    x_ticks = [{"x": x(year), "label": str(year)} for year in years]
    lines = []
    for index, area in enumerate(sorted({r["area"] for r in points})):
        mine = sorted((r for r in points if r["area"] == area), key=lambda r: int(r["year"]))
        dots = [
            {
                "x": x(int(r["year"])),
                "y": y(r["value"]),
                "label": f"{area}, {r['year']}: {format_value(r['value'], unit, scale)}",
                "value": format_value(r["value"], unit, scale),
            }
            for r in mine
        ]
        lines.append({"area": area, "index": index % 6, "dots": dots, "path": " ".join(f"{d['x']},{d['y']}" for d in dots)})
    axis = {"left": float(LEFT), "right": float(WIDTH - RIGHT), "top": float(TOP), "bottom": float(TOP + plot_h)}
    return Chart(WIDTH, HEIGHT, unit_label(unit, scale), x_ticks, y_ticks, lines, axis)


def _axis_top(highest: float, unit: str | None, scale: int | None) -> float:
    """The top of the value axis: 100 for percentages, the scale for points, else a round number.

    >>> _axis_top(89.58, "percent", None), _axis_top(43.9, None, 80), _axis_top(7.3, None, None)
    (100.0, 80.0, 8.0)
    """
    if unit == "percent" and highest <= 100:
        return 100.0
    if scale and highest <= scale:
        return float(scale)
    magnitude = 10 ** math.floor(math.log10(highest)) if highest > 0 else 1
    return float(math.ceil(highest / magnitude) * magnitude)
