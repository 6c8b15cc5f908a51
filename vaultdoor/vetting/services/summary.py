"""Everyone's vetting in numbers: who counts as cleared, why the others do not, and when
clearances come up for rescreening. The vetting page draws these as charts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from vaultdoor.people.choices import PersonStatusChoices
from vaultdoor.people.models import Person

from ..choices import CheckStatusChoices
from .dates import add_months
from .effective import counts_as_cleared

__all__ = ["VettingSummary", "summarise"]

# Why someone does not count as cleared, in the order the chart lists them. A disqualifying
# finding is shown as "Adverse" (the list shows the same): a count of findings by itself
# would be sensitive personal data for a small team.
NOT_CLEARED = ("Adverse", "Expired", "Pending", "Not started", "Not active")


@dataclass(frozen=True, slots=True)
class VettingSummary:
    people: int
    cleared: int
    not_cleared: tuple[tuple[str, int], ...]  # (reason, people), reasons in NOT_CLEARED order
    rescreens: tuple[tuple[dt.date, int], ...]  # (first of the month, clearances ending)


def _reason(person: Person, today: dt.date) -> str:
    if person.status != PersonStatusChoices.ACTIVE:
        return "Not active"
    status = person.vetting_status
    if status == CheckStatusChoices.CLEARED:
        if person.vetting_expires is not None and person.vetting_expires <= today:
            return "Expired"
        return "Adverse"  # cleared on paper, but a disqualifying finding is on record
    return {
        CheckStatusChoices.ADVERSE: "Adverse",
        CheckStatusChoices.EXPIRED: "Expired",
        CheckStatusChoices.PENDING: "Pending",
    }.get(status, "Not started")


def summarise(people: Iterable[Person], at: dt.datetime, *, months: int = 12) -> VettingSummary:
    """The summary of `people` (rows with their site loaded) at the instant `at`, with the
    clearances ending in each of the next `months` calendar months."""
    today = at.date()
    first = today.replace(day=1)
    horizon = add_months(first, months)
    cleared = 0
    reasons: Counter[str] = Counter()
    ending: Counter[dt.date] = Counter()
    total = 0
    for person in people:
        total += 1
        if counts_as_cleared(person, at):
            cleared += 1
            expires = person.vetting_expires
            if expires is not None and expires < horizon:
                ending[expires.replace(day=1)] += 1
        else:
            reasons[_reason(person, today)] += 1
    return VettingSummary(
        people=total, cleared=cleared,
        not_cleared=tuple((reason, reasons[reason]) for reason in NOT_CLEARED if reasons[reason]),
        rescreens=tuple((add_months(first, i), ending[add_months(first, i)])
                        for i in range(months)),
    )
