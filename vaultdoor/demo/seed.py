"""Seed the database with the demo centre and replay its last 24 hours through the engine;
add the vault's demo customers and accounts (vaultdoor/demo/vault.py)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

import click
from django.contrib.auth import get_user_model
from django.db import transaction

from vaultdoor.audit import record
from vaultdoor.demo.centre import DEMO_SITE_ID, build_centre
from vaultdoor.demo.day import day_of_swipes

__all__ = ["DemoError", "reset_admin", "seed_demo"]


class DemoError(Exception):
    """The demo cannot be seeded; the message says why."""


def seed_demo(*, agents: int, seed: int, if_empty: bool,
              echo: Callable[[str], None] = print, now: dt.datetime | None = None) -> None:
    """Import the demo site, then replay the swipes of the last 24 hours with progress."""
    from vaultdoor.access.services.decide import decide_swipe
    from vaultdoor.access.services.importer import import_site
    from vaultdoor.access.services.pinkey import server_pin_hasher
    from vaultdoor.demo.campaigns import seed_campaign
    from vaultdoor.demo.vault import seed_vault
    from vaultdoor.engine.sitefile import site_from_data
    from vaultdoor.facilities.models import Site

    if if_empty and Site.objects.exists():
        echo("demo: a site is already there; leaving it as it is")
        seed_vault(echo=echo)  # a demo seeded before the vault existed gets its customers
        seed_campaign(echo=echo)  # and its awareness campaign
        return
    plan = build_centre(agents=agents, seed=seed)
    echo(f"demo: building {plan.site['site']['name']} with {agents} agents "
         f"({len(plan.site['people'])} people)")
    # The plan is already site-file data: validate it as such, without a YAML round trip.
    site = site_from_data(plan.site, pin_hasher=server_pin_hasher())
    report = import_site(site, actor="demo", source="demo seed")
    echo(f"demo: {report.summary()}")

    swipes = day_of_swipes(plan, now or dt.datetime.now(dt.UTC))
    outcomes: dict[str, int] = {}
    with click.progressbar(swipes, label="demo: replaying the last 24 hours",
                           show_pos=True) as bar:
        # One transaction per batch: thousands of commits with fsync would take minutes.
        batch: list[dict] = []
        for swipe in bar:
            batch.append(swipe)
            if len(batch) == 200:
                _replay(batch, outcomes, decide_swipe)
                batch = []
        _replay(batch, outcomes, decide_swipe)
    summary = ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items(), key=lambda kv: -kv[1]))
    echo(f"demo: {len(swipes)} swipes replayed: {summary}")
    record("demo.seed", actor="demo", target_type="site", target_id=DEMO_SITE_ID,
           agents=agents, seed=seed, swipes=len(swipes), outcomes=outcomes)
    seed_vault(echo=echo, today=(now or dt.datetime.now(dt.UTC)).date())
    seed_campaign(echo=echo, now=now)
    echo(f"demo: site '{DEMO_SITE_ID}' is ready")


def _replay(batch: list[dict], outcomes: dict[str, int], decide_swipe: Callable) -> None:
    with transaction.atomic():
        for swipe in batch:
            decision = decide_swipe(DEMO_SITE_ID, swipe, actor="demo")
            outcomes[decision["reason"]] = outcomes.get(decision["reason"], 0) + 1


def reset_admin(username: str) -> str:
    """Create or reset a superuser with a fresh random password, and return the password."""
    password = secrets.token_urlsafe(15)
    with transaction.atomic():
        user, created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        record("auth.password_reset" if not created else "auth.user_created",
               actor="demo", target_type="user", target_id=username,
               reason="demo administrator")
    return password
