"""`dump_site` and `load_site` round-trip: any valid site survives export and re-import."""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine.sites import HASHER
from vaultdoor.engine import dump_site, load_site, model
from vaultdoor.engine.cards import CARD_LAYOUTS

ids = st.from_regex(r"[A-Za-z0-9._-]{1,12}", fullmatch=True).filter(lambda s: s != "outside")
names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() == s and s != "" and "\ufeff" not in s)
zone_names = ["Europe/London", "America/New_York", "Asia/Kolkata", "UTC"]
instants = st.datetimes(
    min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 1, 1), timezones=st.just(dt.UTC)
)


@st.composite
def sites(draw: st.DrawFn) -> model.Site:
    floor_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    floors = tuple(model.Floor(i, draw(names), draw(st.integers(-3, 40))) for i in floor_ids)
    zone_ids = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
    zones = []
    for zone_id in zone_ids:
        zones.append(
            model.Zone(
                id=zone_id,
                name=draw(names),
                floor=draw(st.sampled_from(floor_ids)),
                security=draw(st.sampled_from(model.SECURITY_LEVELS)),
                purpose=draw(st.sampled_from(model.PURPOSES)),
                phones=draw(st.sampled_from(["allowed", "forbidden"])),
                customer_data=draw(st.booleans()),
                requires_vetting=draw(st.booleans()),
                anti_passback=draw(st.sampled_from(model.ANTI_PASSBACK)),
                max_occupancy=draw(st.none() | st.integers(1, 500)),
                two_person=draw(st.booleans()),
                two_person_window_s=draw(st.integers(1, 600)),
            )
        )
    doors = []
    for door_id in draw(st.lists(ids, max_size=5, unique=True)):
        to_zone = draw(st.sampled_from(zones))
        sources = [z for z in ["outside", *zone_ids] if z != to_zone.id]
        modes = [
            m
            for m in model.DOOR_MODES
            if to_zone.security != "high" or m not in ("pin", "unlocked")
        ]
        doors.append(
            model.Door(
                door_id,
                draw(names),
                draw(st.sampled_from(sources)),
                to_zone.id,
                draw(st.sampled_from(modes)),
            )
        )
    holidays = tuple(
        model.Holiday(day, draw(names))
        for day in draw(st.lists(st.dates(dt.date(2020, 1, 1), dt.date(2035, 1, 1)), max_size=3))
    )
    schedule_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    schedules = []
    for schedule_id in schedule_ids:
        windows = []
        for _ in range(draw(st.integers(0, 3))):
            start = draw(st.integers(0, 1439))
            windows.append(
                model.Window(
                    draw(st.frozensets(st.integers(0, 6), min_size=1)),
                    start,
                    draw(st.integers(start + 1, 1440)),
                )
            )
        schedules.append(
            model.Schedule(schedule_id, tuple(windows), draw(st.sampled_from(["closed", "open"])))
        )
    level_ids = draw(st.lists(ids, max_size=4, unique=True))
    levels = tuple(
        model.AccessLevel(
            level_id,
            tuple(draw(st.lists(st.sampled_from(zone_ids), unique=True))),
            draw(st.sampled_from(schedule_ids)),
            draw(st.just("") | names),
        )
        for level_id in level_ids
    )
    roles = tuple(
        model.Role(
            role_id,
            tuple(draw(st.lists(st.sampled_from(level_ids), unique=True))) if level_ids else (),
            draw(st.just("") | names),
        )
        for role_id in draw(st.lists(ids, max_size=3, unique=True))
    )
    role_ids = [r.id for r in roles]
    used_cards: set[tuple[str, int, int]] = set()
    used_pins: set[str] = set()
    people = []
    for person_id in draw(st.lists(ids, max_size=5, unique=True)):
        cards = []
        for _ in range(draw(st.integers(0, 2))):
            fmt = draw(st.sampled_from(sorted(CARD_LAYOUTS)))
            layout = CARD_LAYOUTS[fmt]
            key = (
                fmt,
                draw(st.integers(0, layout.max_facility)),
                draw(st.integers(0, layout.max_number)),
            )
            if key in used_cards:
                continue
            used_cards.add(key)
            start = draw(st.none() | instants)
            until = draw(st.none() | instants)
            if start is not None and until is not None and start >= until:
                start, until = None, until
            cards.append(
                model.Card(
                    facility=key[1],
                    number=key[2],
                    format=fmt,
                    status=draw(st.sampled_from(model.CREDENTIAL_STATUSES)),
                    valid_from=start,
                    valid_until=until,
                )
            )
        pins = []
        pin = draw(st.none() | st.text(alphabet="0123456789", min_size=4, max_size=8))
        if pin is not None and pin not in used_pins:
            used_pins.add(pin)
            pins.append(model.Pin(HASHER.hash(pin)))
        vetting = model.Vetting(
            status=draw(st.sampled_from(model.VETTING_STATUSES)),
            completed=draw(st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1))),
            expires=draw(st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1))),
            findings=tuple(draw(st.lists(st.sampled_from(model.FINDINGS), unique=True))),
        )
        people.append(
            model.Person(
                id=person_id,
                name=draw(names),
                kind=draw(st.sampled_from(model.PERSON_KINDS)),
                status=draw(st.sampled_from(model.PERSON_STATUSES)),
                role=draw(st.none() | st.sampled_from(role_ids)) if role_ids else None,
                vetting=vetting,
                access_levels=tuple(draw(st.lists(st.sampled_from(level_ids), unique=True)))
                if level_ids
                else (),
                cards=tuple(cards),
                pins=tuple(pins),
                biometrics=tuple(
                    model.Biometric(True, draw(st.sampled_from(model.CREDENTIAL_STATUSES)))
                    for _ in range(draw(st.integers(0, 1)))
                ),
            )
        )
    return model.Site(
        id=draw(ids),
        name=draw(names),
        timezone=draw(st.sampled_from(zone_names)),
        floors=floors,
        zones=tuple(zones),
        doors=tuple(doors),
        holidays=holidays,
        schedules=tuple(schedules),
        access_levels=levels,
        roles=roles,
        people=tuple(people),
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sites())
def test_dump_then_load_gives_the_same_site(site: model.Site) -> None:
    text = yaml.safe_dump(dump_site(site), sort_keys=False, allow_unicode=True)
    assert load_site(text, pin_hasher=HASHER) == site


def test_example_round_trips_and_keeps_pins_hashed() -> None:
    from pathlib import Path

    source = (Path(__file__).parent / "data" / "example-site.yaml").read_text()
    site = load_site(source, pin_hasher=HASHER)
    text = yaml.safe_dump(dump_site(site), sort_keys=False)
    assert "4821" not in text
    assert "pin_hash: hmac-sha256$" in text
    assert load_site(text, pin_hasher=HASHER) == site
