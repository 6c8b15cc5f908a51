"""The demo centre is a valid site with the exceptions a real centre has, and a believable day."""

import collections
import datetime as dt

import pytest
import yaml

from vaultdoor.demo.centre import build_centre
from vaultdoor.demo.day import day_of_swipes
from vaultdoor.engine.pins import PinHasher
from vaultdoor.engine.sitefile import load_site


@pytest.fixture(scope="module")
def plan():
    return build_centre(agents=120, seed=3)


def test_the_demo_site_validates(plan):
    site = load_site(yaml.safe_dump(plan.site), pin_hasher=PinHasher.random())
    assert len(site.floors) >= 3
    assert sum(1 for p in site.people if p.role and p.role.startswith("agent")) == 120


def test_the_demo_has_the_zones_the_article_asks_for(plan):
    zones = {z["id"]: z for z in plan.site["zones"]}
    vault = zones["vault"]
    assert vault["security"] == "high" and vault["two_person"] and vault["anti_passback"] == "hard"
    assert zones["lockers"]["phones"] == "allowed"
    assert any(z.get("customer_data") for z in zones.values())
    doors = {d["to"]: d for d in plan.site["doors"]}
    assert doors["vault"]["mode"] == "card_and_pin"


def test_the_demo_has_its_exceptions(plan):
    people = plan.site["people"]
    statuses = collections.Counter(p["status"] for p in people)
    assert statuses["suspended"] >= 1 and statuses["terminated"] == 1
    assert any(c.get("status") == "lost" for p in people for c in p["credentials"])
    assert any("fraud" in p["vetting"].get("findings", []) for p in people)
    formats = {c.get("format") for p in people for c in p["credentials"] if c["type"] == "card"}
    assert formats == {"h10301", "h10304"}


def test_the_same_seed_builds_the_same_centre():
    assert build_centre(agents=20, seed=5) == build_centre(agents=20, seed=5)


def test_a_day_is_in_time_order_and_uses_declared_doors(plan):
    now = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)  # a Wednesday afternoon
    swipes = day_of_swipes(plan, now)
    doors = {d["id"] for d in plan.site["doors"]}
    assert len(swipes) > 1000
    assert all(s["door"] in doors for s in swipes)
    times = [dt.datetime.fromisoformat(s["at"]) for s in swipes]
    assert times == sorted(times)
    assert times[-1] <= now.replace(tzinfo=None)  # Europe/London is UTC in December
    assert {"D-VAULT", "D-HR", "D-TRAINING"} <= {s["door"] for s in swipes}
