"""The demo's awareness campaign: a simulated "mailbox full" phish sent to the demo centre three
days ago, with believable results (opens, people's clicks, a few submissions, reports, and
the scanners' fetches that never count), so the console's campaign report and the demo
agent's "my training" have something to show. Nothing is sent: the results are made up from
a fixed seed, and training is assigned through the real rule."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction

from vaultdoor.audit import record
from vaultdoor.demo.centre import DEMO_SITE_ID

__all__ = ["DEMO_CAMPAIGN", "seed_campaign"]

DEMO_CAMPAIGN = "Demo: mailbox full"
MAIL_DOMAIN = "harbourside.example"
BODY = """<html><body>
<p>Dear {{ name }},</p>
<p>Your mailbox has reached 98% of its quota. Messages sent to you may be rejected.</p>
<p><a href="{{ link }}">Increase your mailbox size now</a></p>
<p>IT Service Desk</p>
</body></html>"""


def seed_campaign(*, echo: Callable[[str], None] = print, now: dt.datetime | None = None,
                  seed: int = 7) -> bool:
    """Add the demo campaign and its results; nothing if there is any campaign already.
    Returns whether it was added."""
    from vaultdoor.mail.choices import CampaignStatusChoices
    from vaultdoor.mail.models import Campaign, CampaignTarget, LandingPage
    from vaultdoor.mail.training import assign_for
    from vaultdoor.people.models import Person

    if Campaign.objects.exists():
        echo("demo: campaigns exist already; leaving them as they are")
        return False
    people = list(Person.objects.filter(site__code=DEMO_SITE_ID, status="active")
                  .select_related("account").order_by("code"))
    if not people:
        return False
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    start = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=3)
    gap = dt.timedelta(seconds=2)  # 30 a minute
    with transaction.atomic():
        page, _ = LandingPage.objects.get_or_create(name="demo-webmail", defaults={
            "title": "Sign in to Webmail", "fields": "Email\nPassword",
            "intro": "Sign in to increase your mailbox size."})
        campaign = Campaign.objects.create(
            name=DEMO_CAMPAIGN, subject="Your mailbox is almost full",
            from_address="it-servicedesk@harb0urside-support.example", html_body=BODY,
            landing_url="https://training.example/", landing_page=page, per_minute=30,
            status=CampaignStatusChoices.FINISHED, scheduled_at=start, started_at=start,
            finished_at=start + gap * len(people))
        demo_agent = next((p for p in people if getattr(getattr(p, "account", None), "user_id",
                                                        None) and p.code.startswith("A")), None)
        clicked_targets = []
        for n, person in enumerate(people):
            sent = start + gap * n
            fetches = rng.choice((0, 1, 2, 2, 3))  # the mail scanners' look at every link
            opened = rng.random() < 0.55 or person is demo_agent
            clicked = opened and (rng.random() < 0.3 or person is demo_agent)
            submitted = clicked and rng.random() < 0.35
            reported = not clicked and opened and rng.random() < 0.3
            delay = dt.timedelta(minutes=rng.expovariate(1 / 180))
            target = CampaignTarget.objects.create(
                campaign=campaign, person=person, name=person.name,
                address=f"{person.code.lower()}@{MAIL_DOMAIN}", claimed_at=sent, sent_at=sent,
                opened_at=sent + delay if opened else None,
                clicked_at=sent + delay + dt.timedelta(minutes=1) if clicked else None,
                submitted_at=sent + delay + dt.timedelta(minutes=2) if submitted else None,
                reported_at=sent + delay + dt.timedelta(minutes=4) if reported else None,
                scanner_fetches=fetches)
            if clicked:
                clicked_targets.append((target, "submitted" if submitted else "clicked"))
        for target, reason in clicked_targets:
            assign_for(target, reason=reason)
        record("mail.campaign_create", actor="demo", target_type="mail.campaign",
               target_id=str(campaign.pk), name=campaign.name, targets=len(people), demo=True)
    echo(f"demo: awareness campaign '{DEMO_CAMPAIGN}' with {len(people)} people "
         f"({len(clicked_targets)} clicked; training assigned to them)")
    return True
