"""The floor picture's geometry: the treemap fills the floor, door markers sit on zone edges."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaultdoor.console.layout import Rect, place_doors, treemap

BOUNDS = Rect(0, 0, 800, 480)


def _overlap(a: Rect, b: Rect) -> float:
    w = min(a.right, b.right) - max(a.x, b.x)
    h = min(a.bottom, b.bottom) - max(a.y, b.y)
    return max(w, 0) * max(h, 0)


@given(st.lists(st.floats(min_value=0.1, max_value=50), min_size=1, max_size=30))
def test_treemap_tiles_the_floor_with_proportional_areas(weights):
    rects = treemap(weights, BOUNDS)
    assert len(rects) == len(weights)
    total = sum(weights)
    for rect, weight in zip(rects, weights, strict=True):
        assert rect.x >= -1e-6 and rect.y >= -1e-6
        assert rect.right <= BOUNDS.right + 1e-6 and rect.bottom <= BOUNDS.bottom + 1e-6
        assert math.isclose(rect.w * rect.h, BOUNDS.w * BOUNDS.h * weight / total, rel_tol=1e-6)
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert _overlap(a, b) < 1e-3


def test_treemap_is_deterministic_and_keeps_the_callers_order():
    weights = [1, 3, 2, 2, 1]
    first = treemap(weights, BOUNDS)
    assert first == treemap(weights, BOUNDS)
    # The heaviest zone gets the biggest rectangle wherever it is in the list.
    areas = [r.w * r.h for r in first]
    assert areas.index(max(areas)) == 1


def test_treemap_edge_cases():
    assert treemap([], BOUNDS) == []
    assert treemap([5], BOUNDS) == [BOUNDS]
    with pytest.raises(ValueError, match="positive"):
        treemap([1, 0], BOUNDS)


def _on_edge(mark, rect: Rect) -> bool:
    on_x = rect.x - 0.1 <= mark.x <= rect.right + 0.1
    on_y = rect.y - 0.1 <= mark.y <= rect.bottom + 0.1
    touches = (
        math.isclose(mark.x, rect.x, abs_tol=0.1) or math.isclose(mark.x, rect.right, abs_tol=0.1)
        or math.isclose(mark.y, rect.y, abs_tol=0.1)
        or math.isclose(mark.y, rect.bottom, abs_tol=0.1)
    )
    return on_x and on_y and touches


def test_door_between_adjacent_zones_sits_on_their_shared_edge():
    rects = {"a": Rect(0, 0, 400, 480), "b": Rect(400, 0, 400, 480)}
    (mark,) = place_doors([("d1", "a", "b")], rects, BOUNDS)
    assert (mark.x, mark.y, mark.side) == (400, 240, "right")


def test_outside_door_sits_on_the_outer_wall_and_stairs_on_top():
    rects = {"a": Rect(0, 0, 400, 480), "b": Rect(400, 0, 400, 480)}
    outside, stairs = place_doors([("d1", "b", None), ("d2", "a", "elsewhere")], rects, BOUNDS)
    assert outside.y == 480 and outside.side == "bottom"  # the street side
    assert stairs.side == "top" and stairs.y == 0
    assert outside.via is None and stairs.via is None


def test_door_between_zones_that_do_not_touch_gets_a_connector():
    rects = {"a": Rect(0, 0, 200, 480), "m": Rect(200, 0, 400, 480), "b": Rect(600, 0, 200, 480)}
    (mark,) = place_doors([("d1", "b", "a")], rects, BOUNDS)
    assert (mark.x, mark.side) == (600, "left")
    assert mark.via == (200, 240)


def test_markers_at_the_same_spot_are_spread_along_the_edge():
    rects = {"a": Rect(0, 0, 400, 480), "b": Rect(400, 0, 400, 480)}
    marks = place_doors([("d1", "a", "b"), ("d2", "a", "b"), ("d3", "b", "a")], rects, BOUNDS)
    points = {(m.x, m.y) for m in marks}
    assert len(points) == 3
    assert all(m.x == 400 for m in marks)


@given(st.lists(st.floats(min_value=0.5, max_value=10), min_size=2, max_size=12), st.data())
def test_every_marker_lies_on_its_zones_edge(weights, data):
    rects = dict(zip((f"z{i}" for i in range(len(weights))), treemap(weights, BOUNDS),
                     strict=True))
    keys = sorted(rects)
    doors = []
    for n in range(data.draw(st.integers(1, 8))):
        here = data.draw(st.sampled_from(keys))
        other = data.draw(st.sampled_from([None, "upstairs", *keys]))
        if other != here:
            doors.append((f"d{n}", here, other))
    for (key, here, _other), mark in zip(doors, place_doors(doors, rects, BOUNDS), strict=True):
        assert mark.key == key
        assert _on_edge(mark, rects[here])
