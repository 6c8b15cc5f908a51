"""What the gateway does with a received message: scan, learn, quarantine or prepare delivery.

Runs in the gateway's worker thread with Django set up. Each step is idempotent, so a crash
at any point and a second pass over the same incoming entry never loses nor duplicates mail.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from vaultdoor.audit import record
from vaultdoor.mail.analysis import Report, ScanContext, Scanner, Verdict
from vaultdoor.mail.analysis.domains import registrable_domain, same_or_subdomain
from vaultdoor.mail.campaigns import campaign_target_for, credit_exercise_report
from vaultdoor.mail.choices import ReportChannelChoices
from vaultdoor.mail.models import DatabaseCorrespondence, Delivery, PhishReport, QuarantinedMessage
from vaultdoor.mail.tokens import click_token, report_token

from .config import GatewayConfig
from .queue import DiskQueue, Entry
from .rewrite import RewriteError, rewrite_message

__all__ = ["Processor", "person_for", "prepare_delivery", "summary_headers"]

logger = logging.getLogger(__name__)
MAX_HEADER = 300


def person_for(address: str):
    """The person whose console or portal account has this mail address, if any."""
    from django.contrib.auth import get_user_model

    user = (get_user_model().objects.filter(email__iexact=address.strip())
            .select_related("account__person").first())
    account = getattr(user, "account", None) if user is not None else None
    return getattr(account, "person", None)


_BLANK_LINE = re.compile(rb"\r?\n\r?\n")


def summary_headers(raw: bytes) -> dict[str, str]:
    """From, Subject and Message-ID of a message, as plain short strings (never raises)."""
    head = raw[:256 * 1024]
    blank = _BLANK_LINE.search(head)
    if blank:  # only the header section: the body is what parsing would spend its time on
        head = head[:blank.start()]
    try:
        message = message_from_bytes(head, policy=policy.compat32)
    except Exception:  # hostile bytes: no summary rather than no quarantine
        return {"from": "", "subject": "", "message_id": ""}

    def text(name: str) -> str:
        try:
            value = message.get(name, "")
            from email.header import decode_header, make_header

            value = str(make_header(decode_header(str(value))))
        except Exception:  # undecodable encoded words: keep them as written
            value = str(message.get(name, ""))
        return " ".join(value.split())[:MAX_HEADER]

    return {"from": text("From"), "subject": text("Subject"), "message_id": text("Message-ID")}


def _own(address: str, own_domains: Sequence[str]) -> bool:
    domain = address.rpartition("@")[2].lower()
    domain = registrable_domain(domain) if domain else ""
    return bool(domain) and any(same_or_subdomain(domain, own) for own in own_domains)


def prepare_delivery(queue: DiskQueue, config: GatewayConfig, entry: Entry, report: Report,
                     recipients: Sequence[str], *, banner_sender: str | None,
                     received: dt.datetime, headers: dict[str, str] | None = None) -> int:
    """Write one rewritten outbound entry per recipient (and its Delivery row); the number
    written. Raises RewriteError when the message cannot be rewritten."""
    headers = headers if headers is not None else summary_headers(entry.data)
    verdict_header = {"X-Vaultdoor-Verdict": f"{report.verdict}; score={report.score:.2f}"}
    written = 0
    for n, recipient in enumerate(recipients):
        ref = f"{entry.id}.{n}"
        delivered = received.timestamp()

        def link_for(url: str, _ref: str = ref, _rcpt: str = recipient,
                     _at: float = delivered) -> str:
            token = click_token(_ref, _rcpt, url, verdict=report.verdict, delivered_at=_at)
            return f"{config.click_base}/m/c/{token}"

        report_url = f"{config.click_base}/m/r/{report_token(ref, recipient)}"
        rewritten = rewrite_message(entry.data, link_for=link_for, banner_sender=banner_sender,
                                    report_url=report_url, smtputf8=entry.smtputf8,
                                    headers={**verdict_header, "X-Vaultdoor-Ref": ref})
        Delivery.objects.get_or_create(ref=ref, defaults=dict(
            recipient=recipient[:254], person=person_for(recipient),
            envelope_sender=entry.mail_from[:254], from_header=headers["from"],
            subject=headers["subject"], message_id=headers["message_id"],
            verdict=report.verdict, score=report.score, banner=rewritten.banner,
            links_rewritten=rewritten.links, received_at=received,
        ))
        queue.put_outbound(Entry(id=ref, mail_from=entry.mail_from, rcpt_tos=[recipient],
                                 data=rewritten.data, smtputf8=entry.smtputf8,
                                 received_at=entry.received_at, peer=entry.peer))
        written += 1
    return written


def _reported_message(raw: bytes) -> bytes:
    """The message someone forwarded to the report address: the attached message/rfc822 if
    there is one (forward as attachment), else the forward itself (inline forward)."""
    try:
        outer = message_from_bytes(raw, policy=policy.default)
    except Exception:  # unreadable: keep what was sent
        return raw
    for part in outer.walk():
        if part.get_content_type() == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, Message):
                try:
                    return inner.as_bytes(policy=policy.SMTP.clone(refold_source="none"))
                except Exception:  # noqa: S112 - try the next attachment
                    continue
    return raw


class Processor:
    """Turns incoming queue entries into quarantined messages, reports and outbound entries."""

    def __init__(self, config: GatewayConfig, queue: DiskQueue) -> None:
        self.config = config
        self.queue = queue
        self.correspondence = DatabaseCorrespondence()
        self.scanner = Scanner(ScanContext.build(
            org_domains=config.org_domains, staff_names=self._staff_names(),
            correspondence=self.correspondence,
        ))
        self.own_domains = tuple(self.scanner.context.org_domains)

    @staticmethod
    def _staff_names() -> list[str]:
        from vaultdoor.people.choices import PersonStatusChoices
        from vaultdoor.people.models import Person

        return list(Person.objects.filter(status=PersonStatusChoices.ACTIVE)
                    .values_list("name", flat=True)[:200_000])

    def process(self, path: Path) -> str:
        """Deal with one incoming entry; what happened (`delivered`, `quarantined`, ...)."""
        entry = self.queue.read(path)
        received = dt.datetime.fromtimestamp(entry.received_at or 0, tz=dt.UTC)
        if QuarantinedMessage.objects.filter(ref=entry.id).exists():
            self.queue.remove(path)  # quarantined before a crash: already dealt with
            return "quarantined"
        own = self.own_domains or tuple(
            registrable_domain(r.rpartition("@")[2].lower()) for r in entry.rcpt_tos if "@" in r
        )
        recipients = list(entry.rcpt_tos)
        outcome = []
        report_to = self.config.report_address
        if report_to and report_to in (r.lower() for r in recipients):
            recipients = [r for r in recipients if r.lower() != report_to]
            self._store_report(entry, received)
            outcome.append("reported")
        outbound = (_own(entry.mail_from, own) and self.config.is_outbound_peer(entry.peer))
        external = [r for r in recipients if not _own(r, own)]
        if outbound:
            # The organisation writing out: learn who it writes to, pass it on untouched.
            self.correspondence.learn(entry.mail_from, external)
            for n, recipient in enumerate(external):
                self.queue.put_outbound(Entry(id=f"{entry.id}.x{n}", mail_from=entry.mail_from,
                                              rcpt_tos=[recipient], data=entry.data,
                                              smtputf8=entry.smtputf8, peer=entry.peer,
                                              received_at=entry.received_at))
            recipients = [r for r in recipients if _own(r, own)]
            outcome.append("outbound")
        if recipients:
            outcome.append(self._inbound(entry, recipients, received))
        self.queue.remove(path)
        return "+".join(outcome) or "empty"

    def _inbound(self, entry: Entry, recipients: list[str], received: dt.datetime) -> str:
        if self._exercise(entry, recipients):
            return "exercise"
        report = self.scanner.scan_bytes(entry.data, file=entry.id)
        if report.verdict in (Verdict.PHISHING, Verdict.ERROR):
            reason = ("phishing verdict" if report.verdict == Verdict.PHISHING
                      else f"unreadable message: {report.error}")
            self._quarantine(entry, recipients, report, reason, received)
            return "quarantined"
        headers = summary_headers(entry.data)
        sender = self._sender(entry, headers)
        known = True
        if sender and not _own(sender, self.own_domains or [r.rpartition("@")[2] for r in
                                                              recipients]):
            # "None" (no history yet) still earns the banner: first contact is first contact.
            known = self.correspondence.has_corresponded(sender, recipients) is True
        try:
            with transaction.atomic():
                prepare_delivery(self.queue, self.config, entry, report, recipients,
                                 banner_sender=None if known else sender, received=received,
                                 headers=headers)
        except RewriteError as exc:
            self._quarantine(entry, recipients, report, f"could not protect its links: {exc}",
                             received)
            return "quarantined"
        return "delivered"

    def _exercise(self, entry: Entry, recipients: list[str]) -> bool:
        """An awareness-campaign message vaultdoor itself sent (`exercise_passing`) goes to
        its one recipient as sent: no quarantine, banner or rewriting, which would make the
        exercise measure the gateway instead of the person. Audited."""
        from vaultdoor.mail.campaigns import exercise_passing

        headers = summary_headers(entry.data)
        with transaction.atomic():
            target = exercise_passing(headers["message_id"], entry.mail_from, recipients)
            if target is None:
                return False
            self.queue.put_outbound(Entry(id=f"{entry.id}.0", mail_from=entry.mail_from,
                                          rcpt_tos=list(recipients), data=entry.data,
                                          smtputf8=entry.smtputf8, peer=entry.peer,
                                          received_at=entry.received_at))
            record("mail.exercise_passed", target_type="mail.campaigntarget",
                   target_id=str(target.pk), campaign=target.campaign_id, queue_id=entry.id)
        return True

    @staticmethod
    def _sender(entry: Entry, headers: dict[str, str]) -> str:
        """The From address people see (the envelope sender when there is none)."""
        from email.utils import getaddresses

        found = [a for _, a in getaddresses([headers["from"]]) if "@" in a]
        return (found[0] if found else entry.mail_from).strip().lower()

    def _quarantine(self, entry: Entry, recipients: Sequence[str], report: Report, reason: str,
                    received: dt.datetime) -> None:
        headers = summary_headers(entry.data)
        with transaction.atomic():
            _held, created = QuarantinedMessage.objects.get_or_create(ref=entry.id, defaults=dict(
                envelope_sender=entry.mail_from[:254], recipients=list(recipients),
                from_header=headers["from"], subject=headers["subject"],
                message_id=headers["message_id"], verdict=report.verdict, score=report.score,
                reason=reason[:300], scan=report.to_dict(), raw=entry.data,
                size=len(entry.data), received_at=received,
            ))
            if created:
                record("mail.quarantine", target_type="mail.quarantinedmessage",
                       target_id=entry.id, verdict=report.verdict, score=round(report.score, 2),
                       reason=reason[:300], sender=entry.mail_from[:254],
                       recipients=len(recipients))
        logger.info("quarantined %s (%s)", entry.id, reason)

    def _store_report(self, entry: Entry, received: dt.datetime) -> None:
        """A message forwarded to the report address becomes a report for triage."""
        if PhishReport.objects.filter(ref=entry.id).exists():
            return
        reported = _reported_message(entry.data)
        headers = summary_headers(reported)
        scan = self.scanner.scan_bytes(reported, file=entry.id)
        reporter = entry.mail_from.strip().lower()
        delivery = None
        if headers["message_id"]:
            delivery = (Delivery.objects.filter(message_id=headers["message_id"],
                                                recipient__iexact=reporter).first())
        with transaction.atomic():
            created = PhishReport.objects.create(
                reporter=reporter[:254], person=person_for(reporter),
                channel=ReportChannelChoices.FORWARD, delivery=delivery,
                sender=headers["from"], subject=headers["subject"],
                # the gateway id keeps a re-run after a crash from filing it twice
                ref=entry.id, message_id=headers["message_id"], raw=reported, verdict=scan.verdict,
                score=scan.score, delivered_at=delivery.received_at if delivery else None,
                reported_at=received if received.year > 1970 else timezone.now(),
            )
            record("mail.report", actor=reporter[:150], target_type="mail.phishreport",
                   target_id=str(created.pk), channel="forward", verdict=scan.verdict)
            target = campaign_target_for(headers["message_id"], reporter)
            if target is not None:  # a simulated phish reported: well done
                credit_exercise_report(created, target)
