"""What the mail views do to the records: clicks, one-click reports, release, delete, triage.

Every change an operator makes is audited with the operator's name, in the same transaction.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from vaultdoor.audit import record

from .choices import (
    ClickKindChoices,
    QuarantineStatusChoices,
    ReportChannelChoices,
    ReportStatusChoices,
)
from .clicktime import UrlCheck
from .models import Delivery, LinkClick, PhishReport, QuarantinedMessage
from .tokens import ClickToken, ReportToken

__all__ = ["MailActionError", "delete_quarantined", "one_click_report", "record_click",
           "release_quarantined", "triage_report"]


class MailActionError(Exception):
    """An operator action that cannot be done in the record's current state."""


def _client(request: HttpRequest) -> tuple[str, str]:
    return (str(request.META.get("REMOTE_ADDR", ""))[:64],
            str(request.headers.get("User-Agent", ""))[:300])


def _person(recipient: str, user: Any) -> Any:
    from .gateway.process import person_for

    person = person_for(recipient)
    if person is None and user is not None:
        account = getattr(user, "account", None)
        person = getattr(account, "person", None)
    return person


def record_click(token: ClickToken, check: UrlCheck, kind: str, request: HttpRequest) -> LinkClick:
    """One fetch of a click-time link, against the recipient's person (and the signed-in
    user, if any)."""
    user = request.user if getattr(request, "user", None) and request.user.is_authenticated \
        else None
    address, agent = _client(request)
    from .campaigns import note_fetch

    note_fetch(token.ref, human=kind == ClickKindChoices.HUMAN)
    return LinkClick.objects.create(
        ref=token.ref[:64], recipient=token.recipient[:254], person=_person(token.recipient, user),
        user=user, url=token.url, host=check.host, kind=kind, risky=check.risky,
        reasons=list(check.reasons), user_agent=agent, address=address,
        seconds_after_delivery=max(time.time() - token.delivered_at, 0.0),
    )


def one_click_report(token: ReportToken, request: HttpRequest) -> tuple[PhishReport, bool]:
    """Report the delivered message a report link points at; (report, created). Reporting
    the same delivery twice keeps the first report."""
    delivery = Delivery.objects.filter(ref=token.ref, recipient__iexact=token.recipient).first()
    existing = PhishReport.objects.filter(ref=token.ref, reporter=token.recipient[:254]).first()
    if existing is not None:
        return existing, False
    user = request.user if request.user.is_authenticated else None
    with transaction.atomic():
        report = PhishReport.objects.create(
            reporter=token.recipient[:254], person=_person(token.recipient, user), user=user,
            channel=ReportChannelChoices.ONE_CLICK, ref=token.ref[:64], delivery=delivery,
            sender=delivery.from_header if delivery else "",
            subject=delivery.subject if delivery else "",
            message_id=delivery.message_id if delivery else "",
            verdict=delivery.verdict if delivery else "", score=delivery.score if delivery else 0,
            delivered_at=delivery.received_at if delivery else None,
        )
        record("mail.report", actor=token.recipient[:150], target_type="mail.phishreport",
               target_id=str(report.pk), request=request, channel="one_click")
        if delivery is not None and delivery.message_id:
            from .campaigns import campaign_target_for, credit_exercise_report

            # A campaign message that came through the gateway (its Message-ID kept).
            target = campaign_target_for(delivery.message_id, token.recipient)
            if target is not None:
                credit_exercise_report(report, target)
    return report, True


def release_quarantined(message: QuarantinedMessage, *, user: Any, request: HttpRequest | None,
                        queue_dir: Any) -> int:
    """Send a held message on: rewritten and queued for the gateway to relay (links still
    go through click-time checks). The number of recipients queued."""
    from .gateway.config import GatewayConfig
    from .gateway.process import prepare_delivery
    from .gateway.queue import DiskQueue, Entry
    from .mail_settings import gateway_settings

    if message.status != QuarantineStatusChoices.HELD:
        raise MailActionError(f"this message was already {message.get_status_display().lower()}")
    settings = gateway_settings()
    config = GatewayConfig(queue_dir=queue_dir, next_hop=("127.0.0.1", 25),
                           click_base=settings["click_base"], org_domains=settings["org_domains"])
    queue = DiskQueue(queue_dir)
    entry = Entry(id=f"{message.ref}r", mail_from=message.envelope_sender,
                  rcpt_tos=list(message.recipients), data=bytes(message.raw),
                  smtputf8=any(ord(c) > 127 for c in message.envelope_sender + "".join(
                      message.recipients)))
    from vaultdoor.mail.analysis import Report

    scan = Report(file=message.ref, verdict=message.verdict, score=message.score)
    with transaction.atomic():
        locked = QuarantinedMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status != QuarantineStatusChoices.HELD:
            raise MailActionError("this message was already handled")
        count = prepare_delivery(queue, config, entry, scan, entry.rcpt_tos,
                                 banner_sender=message.envelope_sender or "an unknown sender",
                                 received=timezone.now())
        locked.status = QuarantineStatusChoices.RELEASED
        locked.handled_by = user
        locked.handled_at = timezone.now()
        locked.save(update_fields=["status", "handled_by", "handled_at"])
        record("mail.release", actor=user.get_username(), target_type="mail.quarantinedmessage",
               target_id=message.ref, request=request, recipients=count,
               verdict=message.verdict)
    message.refresh_from_db()
    return count


def delete_quarantined(message: QuarantinedMessage, *, user: Any,
                       request: HttpRequest | None) -> None:
    """Throw a held message away: its content is erased, the record and audit event stay."""
    with transaction.atomic():
        locked = QuarantinedMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status != QuarantineStatusChoices.HELD:
            raise MailActionError("this message was already handled")
        locked.status = QuarantineStatusChoices.DELETED
        locked.raw = b""
        locked.handled_by = user
        locked.handled_at = timezone.now()
        locked.save(update_fields=["status", "raw", "handled_by", "handled_at"])
        record("mail.delete", actor=user.get_username(), target_type="mail.quarantinedmessage",
               target_id=message.ref, request=request, verdict=message.verdict)
    message.refresh_from_db()


def triage_report(report: PhishReport, status: str, *, user: Any,
                  request: HttpRequest | None) -> None:
    """The security team's verdict on a reported message."""
    if status not in ReportStatusChoices.values or status == ReportStatusChoices.NEW:
        raise MailActionError(f"not a triage outcome: {status}")
    with transaction.atomic():
        report.status = status
        report.triaged_by = user
        report.triaged_at = timezone.now()
        report.save(update_fields=["status", "triaged_by", "triaged_at"])
        record("mail.triage", actor=user.get_username(), target_type="mail.phishreport",
               target_id=str(report.pk), request=request, status=status)
