"""Whatever a site file contains, validation answers with a Site or with issues, never a crash."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine.sites import HASHER, base
from vaultdoor.engine import Site, SiteValidationError, compile_site, load_site, site_from_data

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["outside", "lobby", "07:00", "24:00", "1111", "card", "pin", "h10304"])
    | st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1))
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_sites_never_crash_validation(data: st.DataObject) -> None:
    site = base()
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        paths = _paths(site)
        path = data.draw(st.sampled_from(paths), label="path")
        site = _replace(site, path, data.draw(values, label="value"))
    try:
        result = site_from_data(site, pin_hasher=HASHER)
    except SiteValidationError as exc:
        assert exc.issues
        assert all(isinstance(issue.path, str) and issue.message for issue in exc.issues)
    else:
        assert isinstance(result, Site)
        zone_ids = {zone.id for zone in result.zones} | {"outside"}
        assert all({d.from_zone, d.to_zone} <= zone_ids for d in result.doors)
        assert all(set(level.zones) <= zone_ids for level in result.access_levels)
        compile_site(result)  # whatever validates also compiles


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_arbitrary_bytes_never_crash_loading(text: bytes) -> None:
    try:
        load_site(text, pin_hasher=HASHER)
    except SiteValidationError as exc:
        assert exc.issues


def test_invalid_utf8_and_bom() -> None:
    good = yaml.safe_dump(base()).encode()
    assert load_site(b"\xef\xbb\xbf" + good, pin_hasher=HASHER).id == "test"
    try:
        load_site(good.replace(b"Lobby", b"Lo\xff\xfeby"), pin_hasher=HASHER)
    except SiteValidationError as exc:
        assert "YAML" in str(exc.issues[0])
    else:
        raise AssertionError("invalid UTF-8 was accepted")
