"""Never click unknown links: the gateway filters mail, and people are tested and trained."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from vaultdoor.facilities.models import Site
from vaultdoor.mail.choices import CampaignStatusChoices
from vaultdoor.mail.models import (
    Campaign,
    CampaignTarget,
    Delivery,
    QuarantinedMessage,
    TrainingAssignment,
)

from .base import FAIL, PASS, WARN, Control, Evidence, Result, percent, share

__all__ = ["UnknownLinks"]

GATEWAY_WINDOW = dt.timedelta(days=7)  # the gateway counts as working if it passed mail here
QUARANTINE_WINDOW = dt.timedelta(days=30)
CLICK_RATE_LIMIT = 0.10  # above this share clicking the last simulated phish: warn
TRAINING_COMPLETION = 0.90  # below this share of assignments completed: warn


class UnknownLinks(Control):
    id = "unknown-links"
    title = "Never click unknown links"
    tip = "Never click on links in emails from people you do not know."

    def evaluate(self, site: Site | None = None) -> Result:
        now = timezone.now()
        delivered = Delivery.objects.filter(received_at__gte=now - GATEWAY_WINDOW).count()
        quarantined = QuarantinedMessage.objects.filter(
            received_at__gte=now - QUARANTINE_WINDOW).count()
        campaign = (Campaign.objects.filter(status__in=(CampaignStatusChoices.SENDING,
                                                        CampaignStatusChoices.FINISHED))
                    .order_by("-started_at", "-pk").only("pk", "name").first())
        results = {"sent": 0, "clicked": 0, "reported": 0}
        if campaign is not None:
            results = CampaignTarget.objects.filter(campaign=campaign,
                                                    sent_at__isnull=False).aggregate(
                sent=Count("pk"), clicked=Count("pk", filter=Q(clicked_at__isnull=False)),
                reported=Count("pk", filter=Q(reported_at__isnull=False)))
        training = TrainingAssignment.objects.aggregate(
            total=Count("pk"), done=Count("pk", filter=Q(completed_at__isnull=False)))
        sent, clicked, reported = results["sent"], results["clicked"], results["reported"]
        evidence = [
            Evidence("Messages through the gateway, last 7 days", delivered),
            Evidence("Messages quarantined, last 30 days", quarantined,
                     "console:mail:quarantine_list"),
            Evidence("Last awareness campaign", campaign.name if campaign else "none",
                     "console:mail:campaign_list"),
            Evidence("… clicked", f"{clicked} of {sent} ({percent(clicked, sent)})"),
            Evidence("… reported", f"{reported} of {sent} ({percent(reported, sent)})"),
            Evidence("Training assignments completed",
                     f"{training['done']} of {training['total']} "
                     f"({percent(training['done'], training['total'])})",
                     "console:mail:training_list"),
        ]
        # Sub-scores, averaged: the gateway seen working; resilience to the last campaign
        # (100 minus its click rate); training completion (when any was assigned).
        parts = [100 if delivered else 0, round(100 * (1 - share(clicked, sent))) if sent else 0]
        short = not delivered or not sent or share(clicked, sent) > CLICK_RATE_LIMIT
        if training["total"]:
            completion = share(training["done"], training["total"])
            parts.append(round(100 * completion))
            short = short or completion < TRAINING_COMPLETION
        score = round(sum(parts) / len(parts))
        facts = (f"The gateway passed {delivered} messages in 7 days and quarantined "
                 f"{quarantined} in 30; ")
        facts += (f"{percent(clicked, sent)} clicked and {percent(reported, sent)} reported the "
                  "last campaign" if sent else "no awareness campaign has been sent")
        if training["total"]:
            facts += (f"; {percent(training['done'], training['total'])} of training "
                      "assignments are completed")
        if not delivered and not sent:
            return Result(FAIL, score, facts + ".", evidence)
        if short:
            return Result(WARN, score, facts + ".", evidence)
        return Result(PASS, score, facts + ".", evidence)
