"""Geometry for the dashboard's server-rendered SVG charts (no JavaScript chart library).

Each function returns plain numbers for a template to draw; the figures themselves are
also printed in tables beside the charts, which serve as their text alternative.
"""

from __future__ import annotations

YEAR_CHART = {"width": 640, "height": 240, "left": 36, "right": 8, "top": 12, "bottom": 28}
BAR_ROW = 26


def y_of(pct: float, chart: dict) -> float:
    """The vertical position of a percentage (0 at the bottom, 100 at the top)."""
    inner = chart["height"] - chart["top"] - chart["bottom"]
    return round(chart["top"] + inner * (1 - pct / 100), 1)


def yearly_chart(series: list[dict]) -> dict:
    """Bars of compliance per year with the target drawn as a line over each year."""
    chart = dict(YEAR_CHART)
    slot = (chart["width"] - chart["left"] - chart["right"]) / max(len(series), 1)
    bars = []
    for index, point in enumerate(series):
        x = chart["left"] + index * slot
        value = point["compliance_pct"]
        top = y_of(value or 0, chart)
        bars.append(
            {
                "year": point["year"],
                "x": round(x + slot * 0.2, 1),
                "width": round(slot * 0.6, 1),
                "y": top,
                "height": round(y_of(0, chart) - top, 1),
                "value": value,
                "label_x": round(x + slot / 2, 1),
                "target_y": None if point["target_pct"] is None else y_of(point["target_pct"], chart),
                "target_x1": round(x, 1),
                "target_x2": round(x + slot, 1),
            }
        )
    grid = [{"pct": pct, "y": y_of(pct, chart)} for pct in (0, 25, 50, 75, 100)]
    return {**chart, "bars": bars, "grid": grid, "axis_y": y_of(0, chart)}


def unit_bars(
    rows: list[dict], target_pct: int | None, unassigned_name: str, width: int = 640, label_width: int = 200
) -> dict:
    """Horizontal bars of compliance per unit, with the target marked; stores with no unit get a named bar."""
    inner = width - label_width - 48
    bars = [
        {
            "name": row["unit_name"] or unassigned_name,
            "y": index * BAR_ROW,
            "width": round(inner * (row["compliance_pct"] or 0) / 100, 1),
            "value": row["compliance_pct"],
        }
        for index, row in enumerate(rows)
    ]
    target_x = None if target_pct is None else round(label_width + inner * target_pct / 100, 1)
    return {"width": width, "height": max(len(rows), 1) * BAR_ROW, "label_width": label_width, "bars": bars,
            "target_x": target_x}  # fmt: skip


def share_over_time(points: list[tuple[str, float | None]], width: int = 640, height: int = 160) -> dict:
    """A line of one store's eco share per survey, oldest first; surveys with nothing counted are skipped."""
    chart = {"width": width, "height": height, "left": 36, "right": 8, "top": 10, "bottom": 22}
    known = [(label, value) for label, value in points if value is not None]
    step = (width - chart["left"] - chart["right"]) / max(len(known) - 1, 1)
    dots = [
        {"x": round(chart["left"] + index * step, 1), "y": y_of(value, chart), "label": label, "value": value}
        for index, (label, value) in enumerate(known)
    ]
    grid = [{"pct": pct, "y": y_of(pct, chart)} for pct in (0, 50, 100)]
    return {**chart, "dots": dots, "grid": grid, "path": " ".join(f"{d['x']},{d['y']}" for d in dots)}


# Narrower than the yearly chart, so that its words stay readable at 360 px (the page caps its width).
PACE_CHART = {"width": 400, "height": 220, "left": 34, "right": 6, "top": 10, "bottom": 24}
PACE_LABELS = 10  # at most this many week numbers under the bars, so that they never overlap


def y_of_count(count: float, total: int, chart: dict) -> float:
    return y_of(100 * count / max(total, 1), chart)


def pace_chart(weeks: list, stores: int, today) -> dict:
    """Bars of the stores visited by the end of each week of a round so far (rounds.pace.Week), and the
    line of the even pace that visits them all by the last day, over every week; the week holding
    `today` is marked, and the weeks to come have no bar."""
    chart = dict(PACE_CHART)
    slot = (chart["width"] - chart["left"] - chart["right"]) / max(len(weeks), 1)
    every = -(-len(weeks) // PACE_LABELS)  # ceil: label one week in `every`
    bars, line = [], [(chart["left"], y_of(0, chart))]
    for index, week in enumerate(weeks):
        x = chart["left"] + index * slot
        top = y_of_count(week.visited_so_far, stores, chart)
        bars.append(
            {
                "week": week,
                "x": round(x + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": top,
                "height": round(y_of(0, chart) - top, 1),
                "label_x": round(x + slot / 2, 1),
                "labelled": index % every == 0,
                "current": week.starts_on <= today <= week.ends_on,
                "begun": week.starts_on <= today,
            }
        )
        line.append((round(x + slot, 1), y_of_count(week.even_pace, stores, chart)))
    counts = sorted({stores * quarter // 4 for quarter in range(5)})  # whole stores: 0, 1 and 2 for two stores
    grid = [{"count": count, "y": y_of_count(count, stores, chart)} for count in counts]
    points = " ".join(f"{x},{y}" for x, y in line)
    return {**chart, "bars": bars, "grid": grid, "pace": points, "axis_y": y_of(0, chart)}
