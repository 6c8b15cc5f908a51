"""A realistic day of door swipes for the demo centre, in time order.

Pure Python. Each person follows the routine of their job (agents badge in, leave their phone in
the lockers, work the call floor with breaks; IT opens the vault two at a time; HR uses the
biometric reader), and the exceptions every centre has show up as the denials they cause.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from vaultdoor.demo.centre import CentrePlan

__all__ = ["day_of_swipes"]

Swipe = dict[str, Any]


class _Day:
    """Collects swipes for one person on one working day."""

    def __init__(self, rng: random.Random, person: dict[str, Any], start: dt.datetime) -> None:
        self.rng = rng
        self.person = person
        self.t = start
        self.swipes: list[Swipe] = []
        cards = [c for c in person["credentials"] if c["type"] == "card"]
        active = [c for c in cards if c.get("status", "active") == "active"]
        self.card = (active or cards)[0]
        pins = [c for c in person["credentials"] if c["type"] == "pin"]
        self.pin = pins[0]["pin"] if pins else None

    def wait(self, low: float, high: float) -> None:
        self.t += dt.timedelta(seconds=self.rng.uniform(low * 60, high * 60))

    def swipe(self, door: str, direction: str = "in", *, card: dict[str, Any] | None = None,
              **extra: Any) -> None:
        used = card or self.card
        swipe: Swipe = {"at": self.t.replace(microsecond=0), "door": door,
                        "direction": direction,
                        "card": {"format": used.get("format", "h10301"),
                                 "facility": used["facility"], "number": used["number"]}}
        swipe.update(extra)
        self.swipes.append(swipe)
        self.t += dt.timedelta(seconds=self.rng.uniform(4, 40))

    def keypad(self, door: str) -> None:
        self.swipes.append({"at": self.t.replace(microsecond=0), "door": door,
                            "direction": "in", "pin": self.pin})
        self.t += dt.timedelta(seconds=20)

    def through(self, door: str, minutes: tuple[float, float], **extra: Any) -> None:
        """In through a door, stay a while, come back out."""
        self.swipe(door, "in", **extra)
        self.wait(*minutes)
        self.swipe(door, "out")

    def arrive(self) -> None:
        self.swipe("D-MAIN")
        self.wait(0.5, 2)
        self.through("D-LOCKERS", (1, 3))  # phones stay in the lockers
        self.wait(0.5, 2)

    def leave(self) -> None:
        self.wait(0.5, 2)
        self.through("D-LOCKERS", (1, 3))
        self.wait(0.3, 1)
        self.swipe("D-MAIN", "out")


def _agent(day: _Day, floor: int, hours: float) -> None:
    door, brk = f"D-FLOOR-{floor}", f"D-BREAK-{floor}"
    day.arrive()
    day.swipe(door)
    end = day.t + dt.timedelta(hours=hours)
    for minutes in ((10, 15), (25, 40), (10, 15)):
        day.wait(80, 140)
        if day.t >= end:
            break
        day.through(brk, minutes)
    day.t = max(day.t, end) + dt.timedelta(minutes=day.rng.uniform(0, 20))
    day.swipe(door, "out")
    day.leave()


def _routine(day: _Day, routine: str, shift_start: dt.datetime) -> None:
    rng = day.rng
    if routine.startswith("day_floor") or routine.startswith("supervisor"):
        floor = int(routine[-1])
        _agent(day, floor, hours=rng.uniform(7.5, 9))
    elif routine.startswith("night_floor"):
        _agent(day, int(routine[-1]), hours=rng.uniform(8, 9.5))
    elif routine == "facilities":
        day.arrive()
        day.swipe("D-STAIRS-B")
        day.through("D-PLANT", (20, 90))
        day.swipe("D-STAIRS-B", "out")
        day.wait(120, 300)
        day.leave()
    elif routine == "hr":
        day.arrive()
        day.through("D-HR", (60, 180), biometric="match")
        day.wait(60, 200)
        day.leave()
    elif routine in {"it", "security", "contractor"}:
        day.arrive()
        if routine == "contractor":
            day.keypad("D-TRAINING") if day.pin else None
        day.wait(240, 420)
        day.leave()


def _vault_visit(rng: random.Random, first: _Day, second: _Day, at: dt.datetime) -> list[Swipe]:
    """Two IT engineers open the vault together (two-person rule, card and PIN)."""
    swipes: list[Swipe] = []
    for day, delay in ((first, 0), (second, rng.uniform(3, 9))):
        day.t = at + dt.timedelta(seconds=delay)
        day.swipe("D-STAIRS-B")
    first.t = second.t + dt.timedelta(seconds=30)
    second.t = first.t + dt.timedelta(seconds=rng.uniform(3, 9))  # inside the two-person window
    first.swipe("D-VAULT", pin=first.pin)
    second.swipe("D-VAULT", pin=second.pin)
    for day in (first, second):
        day.t = at + dt.timedelta(minutes=rng.uniform(35, 50))
        day.swipe("D-VAULT", "out")
        day.swipe("D-STAIRS-B", "out")
    for day in (first, second):
        swipes.extend(day.swipes)
        day.swipes.clear()
    return swipes


OFFICE_ROUTINES = frozenset({"it", "facilities", "hr", "security", "contractor"})


def _shift_start(rng: random.Random, routine: str, date: dt.date, tz: ZoneInfo
                 ) -> dt.datetime | None:
    """When this person's shift starts on `date`, or None when they are not on the rota."""
    weekend = date.weekday() >= 5
    if routine in OFFICE_ROUTINES and weekend:
        return None
    if weekend and rng.random() < 0.4:  # the weekend rota is lighter
        return None
    hour = 20.0 if routine.startswith("night") else 8.0
    return dt.datetime.combine(date, dt.time(0), tz) + dt.timedelta(hours=rng.gauss(hour, 0.35))


def day_of_swipes(plan: CentrePlan, now: dt.datetime, seed: int = 11) -> list[Swipe]:
    """The swipes of the shifts that began in the 24 hours before `now` (aware), up to `now`.

    Whole routines are kept or dropped by when they begin, so nobody leaves a zone the replay
    never saw them enter. `at` values are site-local ISO strings, as in a swipe file.
    """
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    tz = ZoneInfo(plan.site["site"]["timezone"])
    now_local = now.astimezone(tz)
    since = now_local - dt.timedelta(hours=24)
    people = {p["id"]: p for p in plan.site["people"]}
    it_staff = sorted(pid for pid, r in plan.routines.items() if r == "it")
    swipes: list[Swipe] = []

    def keep(day_swipes: list[Swipe]) -> None:
        if day_swipes and day_swipes[0]["at"] > since:
            swipes.extend(day_swipes)

    for date in (since.date(), now_local.date()):
        for person_id, routine in plan.routines.items():
            if plan.incidents.get(person_id, "lost_card") != "lost_card":
                continue  # they only show up as their incident
            start = _shift_start(rng, routine, date, tz)
            if start is None:
                continue
            day = _Day(rng, people[person_id], start)
            _routine(day, routine, start)
            keep(day.swipes)
        if len(it_staff) >= 2:
            first, second = (_Day(rng, people[p], since) for p in rng.sample(it_staff, 2))
            keep(_vault_visit(rng, first, second, dt.datetime.combine(date, dt.time(10, 30), tz)))
        swipes.extend(_incidents(rng, plan, dt.datetime.combine(date, dt.time(9), tz)))

    chosen = [s for s in swipes if since < s["at"] <= now_local]
    chosen.sort(key=lambda s: s["at"])
    for swipe in chosen:
        swipe["at"] = swipe["at"].astimezone(tz).replace(tzinfo=None).isoformat()
    return chosen


def _incidents(rng: random.Random, plan: CentrePlan, morning: dt.datetime) -> Iterator[Swipe]:
    """The denials of a normal day: who tries what they should not, and the odd bad read."""
    people = plan.site["people"]

    def card_of(person: dict[str, Any], index: int = 0) -> dict[str, Any]:
        card = [c for c in person["credentials"] if c["type"] == "card"][index]
        return {"format": card.get("format", "h10301"), "facility": card["facility"],
                "number": card["number"]}

    def at(minutes: float) -> dt.datetime:
        return morning + dt.timedelta(minutes=minutes + rng.uniform(0, 30))

    doors = {"inactive": "D-MAIN", "vetting": "D-FLOOR-1", "expired_badge": "D-MAIN"}
    for person in people:
        incident = plan.incidents.get(person["id"])
        if incident == "lost_card":  # the old badge, before they remember it was reported
            yield {"at": at(-30), "door": "D-MAIN", "card": card_of(person, 0)}
        elif incident is not None:
            yield {"at": at(rng.uniform(0, 90)), "door": doors[incident],
                   "card": card_of(person)}
    it = [p for p in people if p.get("role") == "it"]
    if it:
        yield {"at": at(45), "door": "D-VAULT", "card": card_of(it[0]), "pin": "000000"}
    agents = [p for p in people if p.get("role", "").startswith("agent-day")]
    if agents:
        # An agent who tries the vault stairs and the other floor.
        yield {"at": at(200), "door": "D-STAIRS-B", "card": card_of(agents[0])}
        yield {"at": at(260), "door": "D-FLOOR-2" if agents[1]["role"].endswith("1")
               else "D-FLOOR-1", "card": card_of(agents[1])}
    yield {"at": at(30), "door": "D-MAIN", "card": {"bits": 26, "data": "1513FC00"}}
    yield {"at": at(150), "door": "D-MAIN",
           "card": {"format": "h10301", "facility": 7, "number": rng.randrange(1, 60000)}}
    yield {"at": at(330), "door": "D-FIRE-1", "card": card_of(agents[2] if agents else people[0])}
    yield {"at": at(100), "door": "D-TRAINING", "pin": "999999"}
