"""Floor pictures: lays a floor's zones out as rectangles and places its doors between them.

The console has no floor plans, so the floor view draws an impression: a squarified treemap
(Bruls, Huizing and van Wijk, 2000) whose areas follow a weight per zone, and door markers on
the shared edge of the two zones a door joins. Pure Python and deterministic: the same zones
always give the same picture, so operators learn where things are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["DoorMark", "Rect", "place_doors", "treemap"]


@dataclass(frozen=True, slots=True)
class Rect:
    """An axis-aligned rectangle in picture units; (x, y) is the top-left corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def inset(self, by: float) -> Rect:
        """The rectangle shrunk by `by` on every side (never below zero size)."""
        by = min(by, self.w / 2, self.h / 2)
        return Rect(self.x + by, self.y + by, self.w - 2 * by, self.h - 2 * by)


@dataclass(frozen=True, slots=True)
class DoorMark:
    """Where a door is drawn: a point on a zone's edge and which side (for the label)."""

    key: str
    x: float
    y: float
    side: str  # top, bottom, left or right
    # For a door between zones of this floor that do not touch: the point on the other
    # zone's edge that a connector line runs to.
    via: tuple[float, float] | None = None


def treemap(weights: Sequence[float], bounds: Rect) -> list[Rect]:
    """Rectangles filling `bounds`, one per weight in the same order, with areas proportional
    to the weights and aspect ratios kept near 1 (squarified treemap).

    Weights must be positive; an empty list gives an empty layout.
    """
    if any(w <= 0 or not math.isfinite(w) for w in weights):
        raise ValueError("treemap weights must be positive finite numbers")
    if not weights:
        return []
    total = float(sum(weights))
    scale = bounds.w * bounds.h / total
    # Lay out biggest first (the algorithm's assumption), then return in the caller's order.
    order = sorted(range(len(weights)), key=lambda i: (-weights[i], i))
    areas = [weights[i] * scale for i in order]
    placed = _squarify(areas, bounds)
    result: list[Rect | None] = [None] * len(weights)
    for position, index in enumerate(order):
        result[index] = placed[position]
    return [r for r in result if r is not None]


def _worst(row: list[float], side: float) -> float:
    """The worst aspect ratio of a row of areas laid along a side of length `side`."""
    s = sum(row)
    return max(max(side * side * a / (s * s), (s * s) / (side * side * a)) for a in row)


def _squarify(areas: list[float], bounds: Rect) -> list[Rect]:
    rects: list[Rect] = []
    free = bounds
    remaining = list(areas)
    while remaining:
        side = min(free.w, free.h)
        row = [remaining.pop(0)]
        while remaining and _worst([*row, remaining[0]], side) <= _worst(row, side):
            row.append(remaining.pop(0))
        if not remaining:
            # The last row takes whatever is left exactly, so rounding never leaves a gap.
            rects.extend(_lay_row(row, free, fill=True))
            break
        rects.extend(_lay_row(row, free, fill=False))
        free = _rest(row, free)
    return rects


def _lay_row(row: list[float], free: Rect, *, fill: bool) -> list[Rect]:
    """Lay `row` along the shorter side of `free`."""
    s = sum(row)
    out: list[Rect] = []
    if free.w >= free.h:  # a column on the left
        thick = free.w if fill else s / free.h
        y = free.y
        for i, a in enumerate(row):
            h = free.bottom - y if i == len(row) - 1 else a / thick
            out.append(Rect(free.x, y, thick, h))
            y += h
    else:  # a row along the top
        thick = free.h if fill else s / free.w
        x = free.x
        for i, a in enumerate(row):
            w = free.right - x if i == len(row) - 1 else a / thick
            out.append(Rect(x, free.y, w, thick))
            x += w
    return out


def _rest(row: list[float], free: Rect) -> Rect:
    s = sum(row)
    if free.w >= free.h:
        thick = s / free.h
        return Rect(free.x + thick, free.y, free.w - thick, free.h)
    thick = s / free.w
    return Rect(free.x, free.y + thick, free.w, free.h - thick)


# --- doors ---------------------------------------------------------------------------------------

_EPS = 1e-6


def _shared_edge(a: Rect, b: Rect) -> tuple[float, float, str] | None:
    """The midpoint of the edge `a` shares with `b` and the side of `a` it is on, if any."""
    checks = (
        (abs(a.right - b.x) < _EPS, "right"),
        (abs(b.right - a.x) < _EPS, "left"),
        (abs(a.bottom - b.y) < _EPS, "bottom"),
        (abs(b.bottom - a.y) < _EPS, "top"),
    )
    for touching, side in checks:
        if not touching:
            continue
        if side in ("left", "right"):
            lo, hi = max(a.y, b.y), min(a.bottom, b.bottom)
            if hi - lo > _EPS:
                return (a.right if side == "right" else a.x), (lo + hi) / 2, side
        else:
            lo, hi = max(a.x, b.x), min(a.right, b.right)
            if hi - lo > _EPS:
                return (lo + hi) / 2, (a.bottom if side == "bottom" else a.y), side
    return None


def _toward(a: Rect, tx: float, ty: float) -> tuple[float, float, str]:
    """The point where the line from `a`'s centre to (tx, ty) leaves `a`."""
    dx, dy = tx - a.cx, ty - a.cy
    if abs(dx) < _EPS and abs(dy) < _EPS:
        return a.cx, a.y, "top"
    # Compare the slope with the rectangle's diagonal to find which side is crossed.
    if abs(dx) * a.h >= abs(dy) * a.w:
        side = "right" if dx > 0 else "left"
        x = a.right if dx > 0 else a.x
        y = a.cy + dy * (x - a.cx) / dx
    else:
        side = "bottom" if dy > 0 else "top"
        y = a.bottom if dy > 0 else a.y
        x = a.cx + dx * (y - a.cy) / dy
    return x, y, side


def _to_outside(a: Rect, bounds: Rect) -> tuple[float, float, str]:
    """A point on the side of `a` that lies on the building's outer wall, the street side
    (bottom) first; a zone inside the building gets its bottom edge."""
    if abs(a.bottom - bounds.bottom) < _EPS:
        return a.cx, a.bottom, "bottom"
    if abs(a.x - bounds.x) < _EPS:
        return a.x, a.cy, "left"
    if abs(a.right - bounds.right) < _EPS:
        return a.right, a.cy, "right"
    if abs(a.y - bounds.y) < _EPS:
        return a.cx, a.y, "top"
    return a.cx, a.bottom, "bottom"


def place_doors(
    doors: Sequence[tuple[str, str, str | None]],
    rects: dict[str, Rect],
    bounds: Rect,
    *,
    spacing: float = 24.0,
    label_spacing: float = 84.0,
) -> list[DoorMark]:
    """Markers for `doors`, given as (key, zone on this floor, other zone or None).

    The other zone is None for the outside (drawn on the building's outer wall); a zone
    missing from `rects` is on another floor (stairs, drawn on the top edge). Markers on the
    same spot are spread along their edge, by `label_spacing` along top and bottom edges
    (where their labels run side by side) and by `spacing` along left and right ones.
    """
    marks: list[DoorMark] = []
    taken: list[tuple[float, float]] = []
    for key, here, other in doors:
        a = rects[here]
        b = rects.get(other) if other is not None else None
        via = None
        if other is None:
            x, y, side = _to_outside(a, bounds)
        elif b is not None:
            shared = _shared_edge(a, b)
            if shared is not None:
                x, y, side = shared
            else:
                x, y, side = _toward(a, b.cx, b.cy)
                vx, vy, _ = _toward(b, a.cx, a.cy)
                via = (round(vx, 1), round(vy, 1))
        else:
            x, y, side = a.cx, a.y, "top"
        gap = label_spacing if side in ("top", "bottom") else spacing
        x, y = _spread(x, y, side, a, taken, gap)
        taken.append((x, y))
        marks.append(DoorMark(key, round(x, 1), round(y, 1), side, via))
    return marks


def _spread(
    x: float, y: float, side: str, a: Rect, taken: list[tuple[float, float]], spacing: float
) -> tuple[float, float]:
    """Move (x, y) along its edge of `a` until no earlier marker is within `spacing`."""
    along_x = side in ("top", "bottom")
    lo, hi = (a.x, a.right) if along_x else (a.y, a.bottom)
    start = x if along_x else y
    for step in range(40):
        # 0, +1, -1, +2, -2 ... spacings from the ideal spot, kept on the edge.
        offset = ((step + 1) // 2) * spacing * (1 if step % 2 else -1)
        pos = min(max(start + offset, lo), hi)
        px, py = (pos, y) if along_x else (x, pos)
        # Distance along the edge only for markers on this edge; others just must not touch.
        if all(
            (abs(px - tx) if along_x else abs(py - ty)) >= spacing - _EPS
            if (abs(py - ty) < _EPS if along_x else abs(px - tx) < _EPS)
            else math.hypot(px - tx, py - ty) >= min(spacing, 24.0) - _EPS
            for tx, ty in taken
        ):
            return px, py
    return x, y
