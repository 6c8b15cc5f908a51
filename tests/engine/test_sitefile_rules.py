# ruff: noqa: E501 - the table of rules reads best one rule per line
"""One test per validation rule of site-format.md: a bad file, the path and the message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.engine.sites import HASHER, base, load, person, zone
from vaultdoor.engine import PinHasher, SiteValidationError

Change = Callable[[dict[str, Any]], None]


def issues_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(SiteValidationError) as caught:
        load(data)
    return [str(issue) for issue in caught.value.issues]


def _set(path: str, value: Any) -> Change:
    """A change that sets data[a][b]... (list indexes as numbers) to `value`."""

    def change(data: dict[str, Any]) -> None:
        keys: list[Any] = [int(k) if k.isdigit() else k for k in path.split("/")]
        target: Any = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


def _delete(path: str) -> Change:
    def change(data: dict[str, Any]) -> None:
        keys: list[Any] = [int(k) if k.isdigit() else k for k in path.split("/")]
        target: Any = data
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]

    return change


def _append(path: str, value: Any) -> Change:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for key in [int(k) if k.isdigit() else k for k in path.split("/")]:
            target = target[key]
        target.append(value)

    return change


def _card(index: int = 0, **fields: Any) -> Change:
    def change(data: dict[str, Any]) -> None:
        data["people"][index]["credentials"][0].update(fields)

    return change


def _pin(index: int, pin: Any) -> Change:
    return _set(f"people/{index}/credentials/1/pin", pin)


# (rule, change, the issue expected, as "path: message" or a prefix of it)
RULES: list[tuple[str, Change, str]] = [
    # top level
    ("version required", _delete("version"), "version: is required"),
    ("version is 1", _set("version", 2), "version: must be 1"),
    ("site required", _delete("site"), "site: is required"),
    ("people required", _delete("people"), "people: is required"),
    ("zones must be a list", _set("zones", {"lobby": 1}), "zones: must be a list"),
    (
        "unknown top-level key",
        _set("holiday", []),
        "holiday: unknown key; did you mean 'holidays'?",
    ),
    (
        "site keys",
        _set("site/time_zone", "UTC"),
        "site.time_zone: unknown key; did you mean 'timezone'?",
    ),
    (
        "timezone IANA",
        _set("site/timezone", "Mars/Olympus"),
        "site.timezone: unknown time zone 'Mars/Olympus'",
    ),
    (
        "timezone not a path",
        _set("site/timezone", "../../etc/passwd"),
        "site.timezone: '../../etc/passwd' is not an IANA time zone name",
    ),
    ("site id characters", _set("site/id", "north gate"), "site.id: 'north gate' is not an id"),
    ("ids are not true/false", _set("site/id", True), "site.id: must be an id"),
    # floors
    (
        "floor level integer",
        _set("floors/0/level", "ground"),
        "floors[0].level: must be a whole number",
    ),
    (
        "floor level not bool",
        _set("floors/0/level", True),
        "floors[0].level: must be a whole number",
    ),
    ("floor name required", _delete("floors/0/name"), "floors[0].name: is required"),
    (
        "duplicate floor id",
        _append("floors", {"id": "G", "name": "Again", "level": 1}),
        "floors[1].id: duplicate id 'G' (first declared at floors[0].id)",
    ),
    # zones
    ("outside is reserved", _set("zones/0/id", "outside"), "zones[0].id: 'outside' is reserved"),
    ("zone floor exists", _set("zones/0/floor", "roof"), "zones[0].floor: unknown floor 'roof'"),
    (
        "zone unknown key",
        _set("zones/1/anti_passbak", "hard"),
        "zones[1].anti_passbak: unknown key; did you mean 'anti_passback'?",
    ),
    (
        "security values",
        _set("zones/0/security", "secret"),
        "zones[0].security: must be one of public, standard, restricted, high",
    ),
    (
        "purpose values",
        _set("zones/0/purpose", "kitchen"),
        "zones[0].purpose: must be one of general, equipment, records, break, training",
    ),
    (
        "phones values",
        _set("zones/0/phones", "yes"),
        "zones[0].phones: must be one of allowed, forbidden",
    ),
    (
        "customer_data bool",
        _set("zones/0/customer_data", "maybe"),
        "zones[0].customer_data: must be true or false",
    ),
    (
        "requires_vetting bool",
        _set("zones/0/requires_vetting", 1),
        "zones[0].requires_vetting: must be true or false",
    ),
    (
        "anti_passback values",
        _set("zones/1/anti_passback", "strict"),
        "zones[1].anti_passback: must be one of none, soft, hard",
    ),
    (
        "max_occupancy positive",
        _set("zones/3/max_occupancy", 0),
        "zones[3].max_occupancy: must be positive",
    ),
    (
        "max_occupancy whole",
        _set("zones/3/max_occupancy", 2.5),
        "zones[3].max_occupancy: must be a whole number",
    ),
    (
        "two_person bool",
        _set("zones/2/two_person", "yes please"),
        "zones[2].two_person: must be true or false",
    ),
    (
        "window seconds positive",
        _set("zones/2/two_person_window_s", 0),
        "zones[2].two_person_window_s: must be positive",
    ),
    (
        "window seconds whole",
        _set("zones/2/two_person_window_s", 7.5),
        "zones[2].two_person_window_s: must be a whole number",
    ),
    ("duplicate zone id", _set("zones/1/id", "lobby"), "zones[1].id: duplicate id 'lobby'"),
    # doors
    ("door from exists", _set("doors/1/from", "attic"), "doors[1].from: unknown zone 'attic'"),
    (
        "door to exists",
        _set("doors/1/to", "ofice"),
        "doors[1].to: unknown zone 'ofice'; did you mean 'office'?",
    ),
    (
        "door to not outside",
        _set("doors/1/to", "outside"),
        "doors[1].to: a door cannot lead into 'outside'",
    ),
    ("door zones differ", _set("doors/1/to", "lobby"), "doors[1].to: must differ from 'from'"),
    (
        "door mode values",
        _set("doors/0/mode", "badge"),
        "doors[0].mode: must be one of card, card_and_pin",
    ),
    (
        "high zone no pin mode",
        _set("doors/2/mode", "pin"),
        "doors[2].mode: a door into the high-security zone 'vault' cannot have mode 'pin'",
    ),
    (
        "high zone not unlocked",
        _set("doors/2/mode", "unlocked"),
        "doors[2].mode: a door into the high-security zone 'vault' cannot have mode 'unlocked'",
    ),
    ("duplicate door id", _set("doors/1/id", "D-IN"), "doors[1].id: duplicate id 'D-IN'"),
    ("door name required", _delete("doors/0/name"), "doors[0].name: is required"),
    # holidays
    (
        "holiday real date",
        _set("holidays/0/date", "2026-02-30"),
        "holidays[0].date: '2026-02-30' is not a real date",
    ),
    (
        "holiday date format",
        _set("holidays/0/date", "25/12/2026"),
        "holidays[0].date: '25/12/2026' is not a date (YYYY-MM-DD)",
    ),
    ("holiday name required", _delete("holidays/0/name"), "holidays[0].name: is required"),
    # schedules
    (
        "window from before to",
        _set("schedules/1/windows/0/from", "21:00"),
        "schedules[1].windows[0].to: must be after 'from': a window never crosses midnight",
    ),
    (
        "window equal times",
        _set("schedules/1/windows/0/to", "07:00"),
        "schedules[1].windows[0].to: must be after 'from'",
    ),
    (
        "time HH:MM",
        _set("schedules/1/windows/0/from", "7:00"),
        "schedules[1].windows[0].from: '7:00' is not a time HH:MM",
    ),
    (
        "time range",
        _set("schedules/1/windows/0/to", "25:00"),
        'schedules[1].windows[0].to: \'25:00\' is not a time from "00:00" to "23:59" or "24:00"',
    ),
    (
        "24:00 only for to",
        _set("schedules/1/windows/0/from", "24:00"),
        'schedules[1].windows[0].from: \'24:00\' is not a time from "00:00" to "23:59"',
    ),
    (
        "24:01 never",
        _set("schedules/1/windows/0/to", "24:01"),
        "schedules[1].windows[0].to: '24:01' is not a time",
    ),
    (
        "time quoted",
        _set("schedules/1/windows/0/from", 420),
        "schedules[1].windows[0].from: must be a quoted string",
    ),
    (
        "day names",
        _set("schedules/1/windows/0/days", ["monday"]),
        "schedules[1].windows[0].days[0]: must be one of mon, tue, wed, thu, fri, sat, sun, not 'monday' (did you mean 'mon'?)",
    ),
    (
        "days not empty",
        _set("schedules/1/windows/0/days", []),
        "schedules[1].windows[0].days: must name at least one day",
    ),
    (
        "schedule holidays values",
        _set("schedules/1/holidays", "shut"),
        "schedules[1].holidays: must be one of closed, open",
    ),
    (
        "duplicate schedule id",
        _set("schedules/1/id", "always"),
        "schedules[1].id: duplicate id 'always'",
    ),
    ("windows required", _delete("schedules/0/windows"), "schedules[0].windows: is required"),
    # access levels and roles
    (
        "level zone exists",
        _append("access_levels/1/zones", "garden"),
        "access_levels[1].zones[2]: unknown zone 'garden'",
    ),
    (
        "level zone not outside",
        _append("access_levels/1/zones", "outside"),
        "access_levels[1].zones[2]: unknown zone 'outside'",
    ),
    (
        "level schedule exists",
        _set("access_levels/1/schedule", "weekends"),
        "access_levels[1].schedule: unknown schedule 'weekends'",
    ),
    (
        "level zones list",
        _set("access_levels/1/zones", "lobby"),
        "access_levels[1].zones: must be a list of zone ids",
    ),
    (
        "role level exists",
        _set("roles/0/access_levels", ["everywhere", "nowhere"]),
        "roles[0].access_levels[1]: unknown access level 'nowhere'",
    ),
    (
        "duplicate level id",
        _set("access_levels/2/id", "day"),
        "access_levels[2].id: duplicate id 'day'",
    ),
    # people
    ("person kind required", _delete("people/0/kind"), "people[0].kind: is required"),
    (
        "person kind values",
        _set("people/0/kind", "intern"),
        "people[0].kind: must be one of employee, contractor, visitor",
    ),
    (
        "person status values",
        _set("people/0/status", "away"),
        "people[0].status: must be one of active, suspended, terminated",
    ),
    ("person role exists", _set("people/0/role", "ceo"), "people[0].role: unknown role 'ceo'"),
    (
        "person levels exist",
        _set("people/4/access_levels", ["night"]),
        "people[4].access_levels[0]: unknown access level 'night'",
    ),
    ("duplicate person id", _set("people/1/id", "P1"), "people[1].id: duplicate id 'P1'"),
    (
        "vetting status values",
        _set("people/0/vetting/status", "ok"),
        "people[0].vetting.status: must be one of not_started, pending, cleared, adverse, expired",
    ),
    (
        "vetting dates",
        _set("people/0/vetting/expires", "soon"),
        "people[0].vetting.expires: 'soon' is not a date",
    ),
    (
        "vetting completed date",
        _set("people/0/vetting/completed", "2026-13-01"),
        "people[0].vetting.completed: '2026-13-01' is not a real date",
    ),
    (
        "finding categories",
        _set("people/0/vetting/findings", ["parking"]),
        "people[0].vetting.findings[0]: must be one of identity_theft, fraud, violent_crime, other",
    ),
    (
        "findings a list",
        _set("people/0/vetting/findings", "fraud"),
        "people[0].vetting.findings: must be a list",
    ),
    (
        "vetting keys",
        _set("people/0/vetting/expiry", "2029-01-01"),
        "people[0].vetting.expiry: unknown key; did you mean 'expires'?",
    ),
    # credentials
    (
        "credential type",
        _set("people/0/credentials/0/type", "badge"),
        "people[0].credentials[0].type: must be one of card, pin, biometric",
    ),
    (
        "credential type required",
        _delete("people/0/credentials/0/type"),
        "people[0].credentials[0].type: is required",
    ),
    (
        "card facility h10301",
        _card(facility=256),
        "people[0].credentials[0].facility: must be between 0 and 255",
    ),
    (
        "card number h10301",
        _card(number=65536),
        "people[0].credentials[0].number: must be between 0 and 65535",
    ),
    (
        "card facility h10304",
        _card(format="h10304", facility=65536),
        "people[0].credentials[0].facility: must be between 0 and 65535",
    ),
    (
        "card number h10304",
        _card(format="h10304", number=524288),
        "people[0].credentials[0].number: must be between 0 and 524287",
    ),
    (
        "card negative",
        _card(number=-1),
        "people[0].credentials[0].number: must be between 0 and 65535",
    ),
    (
        "card format values",
        _card(format="h10302"),
        "people[0].credentials[0].format: must be one of h10301, h10304",
    ),
    (
        "card status values",
        _card(status="stolen"),
        "people[0].credentials[0].status: must be one of active, lost, suspended, revoked",
    ),
    (
        "card duplicate",
        _card(1, number=1),
        "people[1].credentials[0]: card h10301 1:1 is already held by people[0].credentials[0] (P1)",
    ),
    (
        "card validity order",
        _card(valid_from="2026-02-01", valid_until="2026-01-01"),
        "people[0].credentials[0].valid_until: must be after valid_from",
    ),
    (
        "card validity equal",
        _card(valid_from="2026-01-01T08:00", valid_until="2026-01-01T08:00"),
        "people[0].credentials[0].valid_until: must be after valid_from",
    ),
    (
        "card validity format",
        _card(valid_from="next week"),
        "people[0].credentials[0].valid_from: 'next week' is not an ISO 8601 date-time",
    ),
    (
        "card unknown key",
        _card(expires="2027-01-01"),
        "people[0].credentials[0].expires: unknown key",
    ),
    ("pin too short", _pin(0, "123"), "people[0].credentials[1].pin: must be 4 to 8 digits"),
    ("pin too long", _pin(0, "123456789"), "people[0].credentials[1].pin: must be 4 to 8 digits"),
    ("pin digits only", _pin(0, "12a4"), "people[0].credentials[1].pin: must be 4 to 8 digits"),
    ("pin quoted", _pin(0, 4821), "people[0].credentials[1].pin: must be a quoted string"),
    (
        "pin unique at keypad sites",
        _pin(1, "1111"),
        "people[1].credentials[1].pin: the same PIN as people[0].credentials[1] (P1)",
    ),
    (
        "pin or hash",
        _set("people/0/credentials/1/pin_hash", HASHER.hash("1111")),
        "people[0].credentials[1]: give either pin or pin_hash, not both",
    ),
    (
        "pin hash key",
        _set(
            "people/0/credentials/1",
            {"type": "pin", "pin_hash": PinHasher(b"another-key-another-key-0123").hash("1111")},
        ),
        "people[0].credentials[1].pin_hash: PIN hash made with a different key",
    ),
    (
        "pin hash form",
        _set("people/0/credentials/1", {"type": "pin", "pin_hash": "md5$abc"}),
        "people[0].credentials[1].pin_hash: a PIN hash must look like hmac-sha256$<key id>$<hex>",
    ),
    (
        "pin required",
        _set("people/0/credentials/1", {"type": "pin"}),
        "people[0].credentials[1].pin: is required",
    ),
    (
        "biometric consent true",
        _set("people/0/credentials/2/consent", False),
        "people[0].credentials[2].consent: must be true",
    ),
    (
        "biometric consent yes",
        _set("people/0/credentials/2/consent", "yes"),
        "people[0].credentials[2].consent: must be true",
    ),
    (
        "biometric consent required",
        _delete("people/0/credentials/2/consent"),
        "people[0].credentials[2].consent: is required",
    ),
    (
        "biometric status",
        _set("people/0/credentials/2/status", "broken"),
        "people[0].credentials[2].status: must be one of active, lost, suspended, revoked",
    ),
]


@pytest.mark.parametrize(("change", "expected"), [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_rule(change: Change, expected: str) -> None:
    data = base()
    change(data)
    issues = issues_of(data)
    assert any(issue.startswith(expected) for issue in issues), issues


def test_base_site_is_valid() -> None:
    assert load(base()).id == "test"


def test_every_problem_is_reported_at_once() -> None:
    picked = [
        r
        for r in RULES
        if r[0]
        in {
            "timezone IANA",
            "zone unknown key",
            "door to exists",
            "window from before to",
            "card facility h10301",
            "pin too short",
            "biometric consent true",
            "role level exists",
        }
    ]
    data = base()
    for _, change, _ in picked:
        change(data)
    issues = issues_of(data)
    for _, _, expected in picked:
        assert any(issue.startswith(expected) for issue in issues), expected


def test_spec_example_path_and_message() -> None:
    data = base()
    person(data, "DAY")["credentials"][0]["facility"] = 300
    data["people"].insert(0, data["people"].pop(3))  # four people before the culprit
    data["people"].insert(3, data["people"].pop())
    assert "people[3].credentials[0].facility: must be between 0 and 255" in issues_of(data)


def test_shared_pins_are_fine_without_a_keypad_door() -> None:
    data = base()
    data["doors"] = [d for d in data["doors"] if d.get("mode") != "pin"]
    person(data, "P2")["credentials"][1]["pin"] = "1111"
    load(data)


def test_pin_hash_with_the_same_key_is_accepted() -> None:
    data = base()
    person(data, "P1")["credentials"][1] = {"type": "pin", "pin_hash": HASHER.hash("1111")}
    site = load(data)
    assert site.people[0].pins[0].pin_hash == HASHER.hash("1111")


def test_pin_hash_uniqueness_is_checked_too() -> None:
    data = base()
    person(data, "P2")["credentials"][1] = {"type": "pin", "pin_hash": HASHER.hash("1111")}
    assert any("the same PIN as" in issue for issue in issues_of(data))


def test_errors_never_echo_a_pin() -> None:
    data = base()
    _pin(1, "1111")(data)
    _pin(0, "98765432109")(data)
    text = "\n".join(issues_of(data))
    assert "1111" not in text and "98765432109" not in text


def test_numeric_ids_read_as_decimal_strings() -> None:
    data = base()
    data["floors"][0]["id"] = 1
    for item in data["zones"]:
        item["floor"] = 1
    data["people"][0]["id"] = 1001
    site = load(data)
    assert site.floors[0].id == "1"
    assert {z.floor for z in site.zones} == {"1"}
    assert site.people[0].id == "1001"


def test_a_number_id_and_its_string_are_duplicates() -> None:
    data = base()
    data["floors"] = [{"id": 1, "name": "A", "level": 0}, {"id": "1", "name": "B", "level": 1}]
    for item in data["zones"]:
        item["floor"] = "1"
    assert "floors[1].id: duplicate id '1' (first declared at floors[0].id)" in issues_of(data)


def test_defaults_follow_the_spec() -> None:
    site = load(base())
    zones = {z.id: z for z in site.zones}
    assert zones["lobby"].phones == "allowed"  # public
    assert zones["office"].phones == "forbidden"
    assert zones["vault"].requires_vetting  # high
    assert zones["records"].requires_vetting  # records purpose
    assert not zones["office"].requires_vetting
    assert zones["office"].two_person_window_s == 10
    assert zones["office"].max_occupancy is None
    data = base()
    zone(data, "office").update(customer_data=True, purpose="break")
    office = next(z for z in load(data).zones if z.id == "office")
    assert office.requires_vetting and office.phones == "allowed"
    data = base()
    zone(data, "office")["purpose"] = "equipment"
    assert next(z for z in load(data).zones if z.id == "office").requires_vetting


def test_null_max_occupancy_means_no_limit() -> None:
    data = base()
    zone(data, "cupboard")["max_occupancy"] = None
    cupboard = next(z for z in load(data).zones if z.id == "cupboard")
    assert cupboard.max_occupancy is None
