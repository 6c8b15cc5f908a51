"""Awareness campaigns: choose targets, send throttled through an SMTP profile, track clicks.

Tracked links are ordinary click-time links whose delivery ref is `campaign:<id>:<target>`,
so the click-time view's scanner filtering applies unchanged: HEAD requests, prefetches,
scanners' user agents and fetches within seconds of delivery never count as a click; a
person's click (or the press of the confirmation button) sets the target's `clicked_at`.
"""

from __future__ import annotations

import html
import smtplib
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import make_msgid

from django.db.models import F, QuerySet
from django.utils import timezone

from .models import Campaign, CampaignTarget
from .tokens import click_token

__all__ = ["CAMPAIGN_PREFIX", "add_targets", "campaign_summary", "note_fetch", "send_campaign"]

CAMPAIGN_PREFIX = "campaign:"


def add_targets(campaign: Campaign, *, department: str = "", role_code: str = "",
                people: QuerySet | None = None) -> int:
    """Add the active people of a department and/or role (or the given people) who have an
    account with a mail address; the number added (people already targeted are skipped)."""
    from vaultdoor.people.choices import PersonStatusChoices
    from vaultdoor.people.models import Person

    chosen = people if people is not None else Person.objects.all()
    chosen = chosen.filter(status=PersonStatusChoices.ACTIVE)
    if department:
        chosen = chosen.filter(department__iexact=department)
    if role_code:
        chosen = chosen.filter(role__code=role_code)
    added = 0
    for person in chosen.select_related("account__user"):
        account = getattr(person, "account", None)
        address = (account.user.email if account is not None else "").strip()
        if not address:
            continue
        _target, created = CampaignTarget.objects.get_or_create(
            campaign=campaign, address=address.lower()[:254],
            defaults={"person": person, "name": person.name[:200]},
        )
        added += created
    return added


def _message(campaign: Campaign, target: CampaignTarget, click_base: str) -> EmailMessage:
    token = click_token(f"{CAMPAIGN_PREFIX}{campaign.pk}:{target.pk}", target.address,
                        campaign.landing_url, verdict="clean")
    link = f"{click_base.rstrip('/')}/m/c/{token}"
    body = (campaign.html_body.replace("{{ link }}", html.escape(link, quote=True))
            .replace("{{ name }}", html.escape(target.name or target.address)))
    message = EmailMessage()
    message["From"] = campaign.from_address
    message["To"] = target.address
    message["Subject"] = campaign.subject
    message["Message-ID"] = make_msgid(domain="vaultdoor.campaign")
    message["X-Vaultdoor-Campaign"] = str(campaign.pk)
    message.set_content(f"Open: {link}\n")
    message.add_alternative(body, subtype="html")
    return message


def send_campaign(campaign: Campaign, *, click_base: str,
                  sleep: Callable[[float], None] = time.sleep, timeout: float = 30.0) -> int:
    """Send to every target not sent yet, at most `per_minute` a minute, over one SMTP
    connection to the campaign's profile; the number sent. A refused recipient is noted on
    its target and the others still go."""
    pending = list(campaign.targets.filter(sent_at__isnull=True).order_by("pk"))
    if not pending:
        return 0
    if campaign.started_at is None:
        campaign.started_at = timezone.now()
        campaign.save(update_fields=["started_at"])
    gap = 60.0 / max(campaign.per_minute, 1)
    sent = 0
    with smtplib.SMTP(campaign.smtp_host, campaign.smtp_port, timeout=timeout) as smtp:
        for n, target in enumerate(pending):
            if n:
                sleep(gap)
            try:
                smtp.send_message(_message(campaign, target, click_base),
                                  from_addr=campaign.from_address, to_addrs=[target.address])
            except smtplib.SMTPRecipientsRefused as exc:
                target.send_error = str(exc)[:300]
                target.save(update_fields=["send_error"])
                continue
            target.sent_at = timezone.now()
            target.save(update_fields=["sent_at"])
            sent += 1
    campaign.finished_at = timezone.now()
    campaign.save(update_fields=["finished_at"])
    return sent


def note_fetch(ref: str, *, human: bool) -> None:
    """Count a fetch of a campaign link: a person's click sets `clicked_at` once; anything
    else adds to `scanner_fetches`. Refs that are not a campaign's are ignored."""
    if not ref.startswith(CAMPAIGN_PREFIX):
        return
    try:
        campaign_id, target_id = (int(x) for x in ref[len(CAMPAIGN_PREFIX):].split(":"))
    except ValueError:
        return
    targets = CampaignTarget.objects.filter(pk=target_id, campaign_id=campaign_id)
    if human:
        targets.filter(clicked_at__isnull=True).update(clicked_at=timezone.now())
    else:
        targets.update(scanner_fetches=F("scanner_fetches") + 1)


def campaign_summary(campaign: Campaign) -> dict[str, int]:
    """Targets, sent, clicked (people only), reported and scanner fetches."""
    targets = campaign.targets.all()
    return {
        "targets": targets.count(),
        "sent": targets.filter(sent_at__isnull=False).count(),
        "clicked": targets.filter(clicked_at__isnull=False).count(),
        "reported": targets.filter(reported_at__isnull=False).count(),
        "scanner_fetches": sum(targets.values_list("scanner_fetches", flat=True)),
    }


def note_report(raw: bytes, reporter: str) -> bool:
    """A reported message that is a campaign's (its X-Vaultdoor-Campaign header) marks the
    reporter's target as reported; whether it was one."""
    from email import message_from_bytes, policy

    try:
        value = message_from_bytes(raw[:64 * 1024], policy=policy.compat32).get(
            "X-Vaultdoor-Campaign", "")
        campaign_id = int(str(value).strip())
    except (ValueError, TypeError):
        return False
    return bool(CampaignTarget.objects.filter(
        campaign_id=campaign_id, address__iexact=reporter.strip(), reported_at__isnull=True,
    ).update(reported_at=timezone.now()))
