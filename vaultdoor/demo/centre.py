"""The demo contact centre as a site file: floors, zones, doors, shifts and a staff of N agents.

Pure Python (no Django): it builds the same YAML-shaped document an operator would write, so the
demo goes through exactly the validation and import path that real site files do. The staff is
generated from a seeded random source, so the same `--agents` and `--seed` give the same centre.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

__all__ = ["DEMO_SITE_ID", "CentrePlan", "build_centre"]

DEMO_SITE_ID = "harbourside"
STAFF_FACILITY = 42  # h10301 badges for employees
CONTRACTOR_FACILITY = 1042  # h10304 badges for contractors

# A paragraph of names reads better than a list of 48 quoted strings.
FIRST_NAMES = (  # noqa: SIM905
    "Aisha Ben Chloe Dev Elena Farid Grace Hamza Isla Jonah Kiran Leah Mateo Nadia Omar Priya "
    "Quinn Rosa Sami Tara Umar Vera Wen Xavier Yara Zane Amara Bilal Carys Dmitri Esme Felix "
    "Gita Hugo Imani Jasper Keira Luca Maya Noah Olu Pippa Rhys Sofia Tomasz Uma Viktor Wanjiru"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Shah Becker Okafor Kowalski Lin Rivera Morgan Hughes Patel Nowak Adeyemi Murphy Campbell "
    "Evans Khan Silva Novak Jensen Ahmed O'Brien Rossi Dubois Fischer Hassan Ivanova Jones Kaur "
    "Lewis Mensah Nguyen Owusu Price Quinn Reid Sato Taylor Usman Vance Walsh Yilmaz Zielinski"
).split()


@dataclass(frozen=True)
class CentrePlan:
    """Who works where, for the day generator: the site document plus each person's routine."""

    site: dict[str, Any]
    routines: dict[str, str]  # person id -> day_floor_1 | night_floor_2 | it | facilities | ...
    incidents: dict[str, str]  # person id -> inactive | vetting | lost_card | expired_badge


def _zones() -> list[dict[str, Any]]:
    return [
        {"id": "lobby", "name": "Reception lobby", "floor": "G", "security": "public"},
        {"id": "lockers", "name": "Phone lockers", "floor": "G", "phones": "allowed"},
        {"id": "training", "name": "Training room", "floor": "G", "purpose": "training"},
        {"id": "hr-records", "name": "HR records", "floor": "G", "security": "restricted",
         "purpose": "records"},
        {"id": "corridor-b", "name": "Basement corridor", "floor": "B"},
        {"id": "vault", "name": "Equipment vault", "floor": "B", "security": "high",
         "purpose": "equipment", "anti_passback": "hard", "max_occupancy": 4,
         "two_person": True, "two_person_window_s": 15},
        {"id": "plant", "name": "Plant room", "floor": "B", "security": "restricted",
         "purpose": "equipment"},
        {"id": "call-floor-1", "name": "Call floor 1", "floor": "1", "security": "restricted",
         "customer_data": True, "anti_passback": "soft", "max_occupancy": 220},
        {"id": "break-1", "name": "Break room 1", "floor": "1", "purpose": "break"},
        {"id": "call-floor-2", "name": "Call floor 2", "floor": "2", "security": "restricted",
         "customer_data": True, "anti_passback": "soft", "max_occupancy": 220},
        {"id": "break-2", "name": "Break room 2", "floor": "2", "purpose": "break"},
        {"id": "supervisors", "name": "Supervisors' office", "floor": "2",
         "security": "restricted", "customer_data": True},
    ]


def _doors() -> list[dict[str, Any]]:
    def door(id_: str, name: str, from_: str, to: str, mode: str = "card") -> dict[str, Any]:
        return {"id": id_, "name": name, "from": from_, "to": to, "mode": mode}

    return [
        door("D-MAIN", "Main entrance", "outside", "lobby"),
        door("D-LOCKERS", "Phone lockers", "lobby", "lockers"),
        door("D-TRAINING", "Training room keypad", "lobby", "training", "pin"),
        door("D-HR", "HR records", "lobby", "hr-records", "card_and_biometric"),
        door("D-STAIRS-B", "Basement stairs", "lobby", "corridor-b"),
        door("D-VAULT", "Vault door", "corridor-b", "vault", "card_and_pin"),
        door("D-PLANT", "Plant room", "corridor-b", "plant"),
        door("D-FLOOR-1", "Call floor 1", "lobby", "call-floor-1"),
        door("D-BREAK-1", "Break room 1", "call-floor-1", "break-1"),
        door("D-FLOOR-2", "Call floor 2", "lobby", "call-floor-2"),
        door("D-BREAK-2", "Break room 2", "call-floor-2", "break-2"),
        door("D-SUPERVISORS", "Supervisors' office", "call-floor-2", "supervisors"),
        door("D-FIRE-1", "Fire exit floor 1", "outside", "call-floor-1", "locked"),
        door("D-FIRE-2", "Fire exit floor 2", "outside", "call-floor-2", "locked"),
    ]


WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
ALL_DAYS = [*WEEKDAYS, "sat", "sun"]


def _schedules() -> list[dict[str, Any]]:
    return [
        {"id": "day-shift", "holidays": "closed", "windows": [
            {"days": ALL_DAYS, "from": "07:00", "to": "20:00"}]},
        {"id": "night-shift", "holidays": "open", "windows": [
            {"days": ALL_DAYS, "from": "19:00", "to": "24:00"},
            {"days": ALL_DAYS, "from": "00:00", "to": "07:30"}]},
        {"id": "office-hours", "holidays": "closed", "windows": [
            {"days": WEEKDAYS, "from": "08:00", "to": "18:30"}]},
        {"id": "always", "holidays": "open", "windows": [
            {"days": ALL_DAYS, "from": "00:00", "to": "24:00"}]},
    ]


def _access_levels() -> list[dict[str, Any]]:
    return [
        {"id": "building", "name": "Building common areas",
         "zones": ["lobby", "lockers", "training"], "schedule": "always"},
        {"id": "floor-1-day", "zones": ["call-floor-1", "break-1"], "schedule": "day-shift"},
        {"id": "floor-1-night", "zones": ["call-floor-1", "break-1"], "schedule": "night-shift"},
        {"id": "floor-2-day", "zones": ["call-floor-2", "break-2"], "schedule": "day-shift"},
        {"id": "floor-2-night", "zones": ["call-floor-2", "break-2"], "schedule": "night-shift"},
        {"id": "supervisors", "zones": ["call-floor-1", "break-1", "call-floor-2", "break-2",
                                        "supervisors"], "schedule": "always"},
        {"id": "it-vault", "zones": ["corridor-b", "vault"], "schedule": "always"},
        {"id": "plant", "zones": ["corridor-b", "plant"], "schedule": "always"},
        {"id": "hr-records", "zones": ["hr-records"], "schedule": "office-hours"},
    ]


def _roles() -> list[dict[str, Any]]:
    return [
        {"id": "agent-day-1", "name": "Agent, day, floor 1",
         "access_levels": ["building", "floor-1-day"]},
        {"id": "agent-day-2", "name": "Agent, day, floor 2",
         "access_levels": ["building", "floor-2-day"]},
        {"id": "agent-night-1", "name": "Agent, night, floor 1",
         "access_levels": ["building", "floor-1-night"]},
        {"id": "agent-night-2", "name": "Agent, night, floor 2",
         "access_levels": ["building", "floor-2-night"]},
        {"id": "supervisor", "name": "Supervisor", "access_levels": ["building", "supervisors"]},
        {"id": "it", "name": "IT engineer", "access_levels": ["building", "it-vault"]},
        {"id": "facilities", "name": "Facilities", "access_levels": ["building", "plant"]},
        {"id": "hr", "name": "HR and vetting officer",
         "access_levels": ["building", "hr-records"]},
        {"id": "security", "name": "Security manager",
         "access_levels": ["building", "supervisors", "plant", "hr-records"]},
        {"id": "contractor", "name": "Contractor", "access_levels": ["building"]},
    ]


def _holidays() -> list[dict[str, Any]]:
    days = [
        ("2026-12-25", "Christmas Day"), ("2026-12-28", "Boxing Day (substitute)"),
        ("2027-01-01", "New Year's Day"), ("2027-03-26", "Good Friday"),
        ("2027-03-29", "Easter Monday"), ("2027-05-03", "Early May bank holiday"),
        ("2027-05-31", "Spring bank holiday"), ("2027-08-30", "Summer bank holiday"),
        ("2027-12-27", "Christmas Day (substitute)"), ("2027-12-28", "Boxing Day (substitute)"),
    ]
    return [{"date": d, "name": n} for d, n in days]


class _People:
    """Builds the staff list with unique names, badges and keypad PINs."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.people: list[dict[str, Any]] = []
        self.routines: dict[str, str] = {}
        self.incidents: dict[str, str] = {}
        self._card = 10000
        self._contractor_card = 300000
        self._pins: set[str] = set()

    def _pin(self) -> str:
        while True:
            pin = f"{self.rng.randrange(10**5, 10**6)}"
            if pin not in self._pins:
                self._pins.add(pin)
                return pin

    def _name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def add(self, prefix: str, index: int, role: str, routine: str, *,
            kind: str = "employee", department: str = "Operations") -> dict[str, Any]:
        person_id = f"{prefix}{index:04d}"
        if kind == "contractor":
            self._contractor_card += 1
            card = {"type": "card", "format": "h10304", "facility": CONTRACTOR_FACILITY,
                    "number": self._contractor_card}
        else:
            self._card += 1
            card = {"type": "card", "format": "h10301", "facility": STAFF_FACILITY,
                    "number": self._card}
        completed_year = self.rng.choice([2024, 2025, 2026])
        person: dict[str, Any] = {
            "id": person_id,
            "name": self._name(),
            "kind": kind,
            "role": role,
            "status": "active",
            "vetting": {"status": "cleared",
                        "completed": f"{completed_year}-{self.rng.randint(1, 9):02d}-15",
                        "expires": f"{completed_year + 3}-{self.rng.randint(1, 9):02d}-15",
                        "findings": []},
            "credentials": [card, {"type": "pin", "pin": self._pin()}],
        }
        self.people.append(person)
        self.routines[person_id] = routine
        return person


def build_centre(agents: int = 300, seed: int = 7) -> CentrePlan:
    """The demo centre with `agents` agents and the staff around them."""
    if agents < 10:
        raise ValueError("agents: the demo centre needs at least 10 agents")
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    staff = _People(rng)

    for i in range(1, agents + 1):
        night = i % 5 == 0  # one in five works nights
        floor = 1 if i % 2 else 2
        shift = "night" if night else "day"
        staff.add("A", i, f"agent-{shift}-{floor}", f"{shift}_floor_{floor}")
    for i in range(1, max(2, agents // 15) + 1):
        staff.add("S", i, "supervisor", f"supervisor_floor_{1 + i % 2}")
    for i in range(1, 5):
        staff.add("T", i, "it", "it", department="IT")
    for i in range(1, 4):
        staff.add("F", i, "facilities", "facilities", department="Facilities")
    for i in range(1, 4):
        person = staff.add("H", i, "hr", "hr", department="HR")
        person["credentials"].append({"type": "biometric", "consent": True})
    for i in range(1, 3):
        staff.add("M", i, "security", "security", department="Security")
    for i in range(1, 7):
        person = staff.add("C", i, "contractor", "contractor", kind="contractor",
                           department="Cleaning and maintenance")
        person["vetting"] = {"status": "pending"}

    _add_the_exceptions(staff, rng)
    site = {
        "version": 1,
        "site": {"id": DEMO_SITE_ID, "name": "Harbourside Contact Centre",
                 "timezone": "Europe/London"},
        "floors": [
            {"id": "B", "name": "Basement", "level": -1},
            {"id": "G", "name": "Ground floor", "level": 0},
            {"id": "1", "name": "First floor", "level": 1},
            {"id": "2", "name": "Second floor", "level": 2},
        ],
        "zones": _zones(),
        "doors": _doors(),
        "holidays": _holidays(),
        "schedules": _schedules(),
        "access_levels": _access_levels(),
        "roles": _roles(),
        "people": staff.people,
    }
    return CentrePlan(site=site, routines=staff.routines, incidents=staff.incidents)


def _add_the_exceptions(staff: _People, rng: random.Random) -> None:
    """What a real centre always has: the suspended, the lost card, the adverse finding."""
    agents = [p for p in staff.people if p["id"].startswith("A")]
    rng.shuffle(agents)
    # About 1% suspended pending an investigation, one terminated last week.
    for person in agents[: max(1, len(agents) // 100)]:
        person["status"] = "suspended"
        staff.incidents[person["id"]] = "inactive"
    agents[3]["status"] = "terminated"
    staff.incidents[agents[3]["id"]] = "inactive"
    # A lost badge, replaced by a new one the same morning.
    lost = agents[4]
    lost["credentials"][0]["status"] = "lost"
    staff._card += 1
    lost["credentials"].insert(1, {"type": "card", "format": "h10301",
                                   "facility": STAFF_FACILITY, "number": staff._card})
    staff.incidents[lost["id"]] = "lost_card"
    # A background check came back with a fraud record: no customer-data floors.
    agents[5]["vetting"] = {"status": "adverse", "completed": "2026-10-01", "findings": ["fraud"]}
    staff.incidents[agents[5]["id"]] = "vetting"
    # A rescreen overdue: the clearance expired.
    agents[6]["vetting"] = {"status": "cleared", "completed": "2023-06-01",
                            "expires": "2026-06-01", "findings": []}
    staff.incidents[agents[6]["id"]] = "vetting"
    # A contractor badge that is only valid for a fixed engagement, already over.
    contractor = next(p for p in staff.people if p["kind"] == "contractor")
    contractor["credentials"][0]["valid_until"] = "2026-06-30T18:00"
    staff.incidents[contractor["id"]] = "expired_badge"
