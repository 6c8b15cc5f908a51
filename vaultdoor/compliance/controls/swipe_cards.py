"""Swipe cards, least access: everyone has a badge, and few can enter the high-security zones."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from vaultdoor.facilities.choices import SecurityLevelChoices
from vaultdoor.facilities.models import Site
from vaultdoor.people.choices import CredentialStatusChoices
from vaultdoor.people.models import Card

from .base import NOT_MEASURED, PASS, WARN, Control, Evidence, Result, percent, share
from .reach import active_people, reaching

__all__ = ["SwipeCards"]

CARD_COVERAGE = 0.95  # below this share of active people with a working badge: warn
HIGH_REACH_LIMIT = 0.25  # above this share able to enter high-security zones: warn


class SwipeCards(Control):
    id = "swipe-cards"
    title = "Swipe cards, least access"
    tip = ("Give each employee a swipe card that opens only the areas they need.")
    per_site = True

    def evaluate(self, site: Site | None = None) -> Result:
        now = timezone.now()
        people = active_people(site)
        working = Card.objects.filter(
            person_id=OuterRef("pk"), active=True, status=CredentialStatusChoices.ACTIVE,
        ).filter(Q(valid_from__isnull=True) | Q(valid_from__lte=now),
                 Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        total = people.count()
        carded = people.filter(Exists(working)).count()
        high = people.filter(reaching(security=SecurityLevelChoices.HIGH)).count()
        evidence = [
            Evidence("Active people", total, "console:person_list"),
            Evidence("… with a working card", f"{carded} ({percent(carded, total)})",
                     "console:card_list"),
            Evidence("… whose access levels reach a high-security zone",
                     f"{high} ({percent(high, total)})", "console:access_level_list"),
            Evidence("Warn when more than", f"{round(100 * HIGH_REACH_LIMIT)} % reach "
                     "high-security zones"),
        ]
        if total == 0:
            return Result(NOT_MEASURED, None, "No active people: nothing to measure.", evidence)
        coverage, reach = share(carded, total), share(high, total)
        least = 100 if reach <= HIGH_REACH_LIMIT else round(
            100 * (1 - reach) / (1 - HIGH_REACH_LIMIT))
        score = round((100 * coverage + least) / 2)
        sentence = (f"{percent(carded, total)} of {total} active people have a working card; "
                    f"{percent(high, total)} can enter high-security zones.")
        if coverage < CARD_COVERAGE or reach > HIGH_REACH_LIMIT:
            return Result(WARN, score, sentence, evidence)
        return Result(PASS, score, sentence, evidence)
