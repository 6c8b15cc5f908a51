"""Awareness campaigns: choose targets, send throttled through an SMTP profile, track clicks.

Tracked links are ordinary click-time links whose delivery ref is `campaign:<id>:<target>`,
so the click-time view's scanner filtering applies unchanged: HEAD requests, prefetches,
scanners' user agents and fetches within seconds of delivery never count as a click; a
person's click (or the press of the confirmation button) sets the target's `clicked_at`.
"""

from __future__ import annotations

import html
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F, Min, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from vaultdoor.audit import record

from .choices import CampaignStatusChoices, SmtpSecurityChoices
from .models import Campaign, CampaignTarget, SendingProfile
from .tokens import campaign_token, click_token

__all__ = [
    "CAMPAIGN_PREFIX",
    "CampaignError",
    "Outcome",
    "RunStats",
    "SendingError",
    "add_targets",
    "campaign_summary",
    "campaign_target_for",
    "cancel_campaign",
    "credit_exercise_report",
    "due_campaigns",
    "next_slot",
    "note_fetch",
    "note_open",
    "note_report",
    "note_submit",
    "profile_password",
    "release_unconfirmed",
    "report_from_portal",
    "run_campaigns",
    "schedule_campaign",
    "send_campaign",
    "take_slot",
]

CAMPAIGN_PREFIX = "campaign:"


class CampaignError(ValueError):
    """A campaign action that its current state does not allow."""


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


def landing_path(campaign: Campaign, target: CampaignTarget) -> str:
    """The path of the target's hosted landing page (handed out only by the click view's
    redirect after a person's click: never in the message itself)."""
    return f"/m/l/{campaign_token('landing', campaign.pk, target.pk)}"


def _message(campaign: Campaign, target: CampaignTarget, click_base: str) -> EmailMessage:
    base = click_base.rstrip("/")
    goes_to = (f"{base}{landing_path(campaign, target)}" if campaign.landing_page_id
               else campaign.landing_url)
    token = click_token(f"{CAMPAIGN_PREFIX}{campaign.pk}:{target.pk}", target.address,
                        goes_to, verdict="clean")
    link = f"{base}/m/c/{token}"
    body = (campaign.html_body.replace("{{ link }}", html.escape(link, quote=True))
            .replace("{{ name }}", html.escape(target.name or target.address)))
    if campaign.track_opens:
        pixel = (f'<img src="{html.escape(base)}/m/o/'
                 f'{campaign_token("open", campaign.pk, target.pk)}" width="1" height="1" '
                 'alt="">')
        at = body.lower().rfind("</body>")
        body = body[:at] + pixel + body[at:] if at >= 0 else body + pixel
    message = EmailMessage()
    message["From"] = campaign.from_address
    message["To"] = target.address
    message["Subject"] = campaign.subject
    # Nothing in the headers says "exercise": the Message-ID is the sender's domain and the
    # target's random ref (how a forwarded report is credited), like any other message's.
    domain = campaign.from_address.rpartition("@")[2].strip(" >") or "localhost"
    message["Message-ID"] = (f"<{target.message_ref}@{domain}>" if target.message_ref
                             else make_msgid(domain=domain))
    message.set_content(f"Open: {link}\n")
    message.add_alternative(body, subtype="html")
    return message


class Outcome:
    """What one attempt to send to one target came to."""

    SENT = "sent"
    FAILED = "failed"            # refused for good (5xx): never retried
    DEFERRED = "deferred"        # refused for now (4xx): released, tried again later
    UNCONFIRMED = "unconfirmed"  # the connection broke after the message went: never retried
    BROKEN = "broken"            # the connection broke before DATA: released, tried again
    TAKEN = "taken"              # another sender claimed it first


def _claim(target: CampaignTarget, now: datetime) -> bool:
    """Take a target for sending, atomically: of two senders racing, only one wins."""
    from .gateway.queue import new_id

    ref = f"{new_id()}.0"
    taken = bool(CampaignTarget.objects.filter(
        pk=target.pk, claimed_at__isnull=True, sent_at__isnull=True,
    ).update(claimed_at=now, message_ref=ref))
    if taken:
        target.message_ref = ref
    return taken


def _deliver(smtp: smtplib.SMTP, campaign: Campaign, target: CampaignTarget, *,
             click_base: str, now: datetime) -> str:
    """Claim the target, then send it one message: at most once, whatever fails.

    The claim is written before the SMTP transaction, which is driven step by step so that
    each failure is known for what it is. A refusal the server states (4xx, 5xx) means
    nothing was delivered: a 4xx releases the claim to try later, a 5xx is final. A
    connection that breaks before DATA (a relay that closed an idle connection) sent nothing:
    the claim is released (`Outcome.BROKEN`). Only a connection that breaks after the
    message went out and before the server's answer leaves it unknown whether it was
    accepted: the target stays claimed and is not sent again (`release_unconfirmed` is the
    operator's call).
    """
    if not _claim(target, now):
        return Outcome.TAKEN
    targets = CampaignTarget.objects.filter(pk=target.pk)
    message = _message(campaign, target, click_base)
    international = not (campaign.from_address + target.address).isascii()
    options = ["SMTPUTF8", "BODY=8BITMIME"] if international else []
    data = message.as_bytes(policy=email_policy.SMTPUTF8 if international
                            else email_policy.SMTP)
    try:
        smtp.ehlo_or_helo_if_needed()
        if international and not smtp.has_extn("smtputf8"):
            return _refused(target, 553, "the server does not take SMTPUTF8 addresses", now)
        code, reply = smtp.mail(campaign.from_address, options)
        if code == 250:
            code, reply = smtp.rcpt(target.address)
        if code not in (250, 251):
            smtp.rset()
            return _refused(target, code, f"{code} {reply.decode(errors='replace')}", now)
    except (smtplib.SMTPException, OSError) as exc:
        targets.update(claimed_at=None, send_error=f"connection broke before DATA: {exc}"[:300])
        return Outcome.BROKEN
    try:
        code, reply = smtp.data(data)
    except smtplib.SMTPDataError as exc:  # DATA itself refused: the message never went
        return _refused(target, exc.smtp_code, str(exc), now)
    except (smtplib.SMTPException, OSError) as exc:
        targets.update(send_error=f"unconfirmed: {exc}"[:300])
        return Outcome.UNCONFIRMED
    if code != 250:
        return _refused(target, code, f"{code} {reply.decode(errors='replace')}", now)
    targets.update(sent_at=timezone.now(), send_error="")
    return Outcome.SENT


MAX_ATTEMPTS = 5


def _refused(target: CampaignTarget, code: int, detail: str, now: datetime) -> str:
    """A refusal the server stated: nothing was delivered. A temporary one (4xx) is tried
    again later, backing off (2, 4, 8, 16 minutes), and given up after MAX_ATTEMPTS."""
    targets = CampaignTarget.objects.filter(pk=target.pk)
    attempts = target.attempts + 1
    if 400 <= code < 500 and attempts < MAX_ATTEMPTS:
        targets.update(claimed_at=None, attempts=attempts,
                       retry_at=now + timedelta(minutes=2 ** attempts),
                       send_error=f"deferred: {detail}"[:300])
        return Outcome.DEFERRED
    if 400 <= code < 500:
        detail = f"gave up after {attempts} temporary refusals: {detail}"
    targets.update(send_error=detail[:300], attempts=attempts)
    return Outcome.FAILED


class SendingError(OSError):
    """The campaign's SMTP server could not be reached, secured or logged in to (an OSError,
    so callers treat it as the server being unavailable)."""


def profile_password(profile: SendingProfile) -> str:
    """The profile's password, read from its `file:` reference (never stored inline)."""
    reference = profile.password_file.strip()
    if not reference.startswith("file:"):
        raise SendingError(f"sending profile {profile.name!r}: the password must be a file: "
                           "reference, not a value")
    path = Path(reference.removeprefix("file://").removeprefix("file:")).expanduser()
    try:
        return path.read_text(encoding="utf-8").strip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise SendingError(f"sending profile {profile.name!r}: cannot read the password "
                           f"file {path}: {exc}") from exc


def _connect(campaign: Campaign, timeout: float) -> smtplib.SMTP:
    """An SMTP connection as the campaign's sending profile says: TLS or STARTTLS with the
    certificate checked (system CAs or the profile's bundle), then AUTH if it has a user."""
    profile = campaign.profile
    if profile is None:
        return smtplib.SMTP(campaign.smtp_host, campaign.smtp_port, timeout=timeout)
    password = profile_password(profile) if profile.username else ""
    try:
        context = ssl.create_default_context(cafile=profile.ca_file or None)
    except (OSError, ssl.SSLError) as exc:
        raise SendingError(f"sending profile {profile.name!r}: cannot load the CA bundle "
                           f"{profile.ca_file}: {exc}") from exc
    if profile.security == SmtpSecurityChoices.TLS:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(profile.host, profile.port, timeout=timeout,
                                              context=context)
    else:
        smtp = smtplib.SMTP(profile.host, profile.port, timeout=timeout)
    try:
        if profile.security == SmtpSecurityChoices.STARTTLS:
            smtp.starttls(context=context)
        if profile.username:
            smtp.login(profile.username, password)
    except (smtplib.SMTPException, OSError) as exc:
        smtp.close()
        raise SendingError(f"sending profile {profile.name!r}: {exc}") from exc
    return smtp


def _start(campaign: Campaign, now: datetime) -> None:
    """Mark a campaign as sending (once), audited."""
    if Campaign.objects.filter(pk=campaign.pk).exclude(
            status__in=[CampaignStatusChoices.SENDING, CampaignStatusChoices.FINISHED,
                        CampaignStatusChoices.CANCELLED]).update(
            status=CampaignStatusChoices.SENDING, started_at=Coalesce("started_at", Value(now))):
        record("mail.campaign_start", target_type="mail.campaign", target_id=str(campaign.pk),
               name=campaign.name, targets=campaign.targets.count())
    campaign.refresh_from_db(fields=["status", "started_at"])


def _finish_if_done(campaign: Campaign, now: datetime) -> bool:
    """A sending campaign with no unclaimed target left is finished (audited with counts)."""
    if campaign.targets.filter(claimed_at__isnull=True, sent_at__isnull=True).exists():
        return False
    if Campaign.objects.filter(pk=campaign.pk, status=CampaignStatusChoices.SENDING).update(
            status=CampaignStatusChoices.FINISHED, finished_at=now):
        summary = campaign_summary(campaign)
        record("mail.campaign_finish", target_type="mail.campaign", target_id=str(campaign.pk),
               name=campaign.name, sent=summary["sent"], failed=summary["failed"],
               unconfirmed=summary["unconfirmed"])
    campaign.refresh_from_db(fields=["status", "finished_at"])
    return True


def _pending(campaign: Campaign, now: datetime | None = None) -> QuerySet:
    """Targets nobody has claimed; with `now`, only those not waiting to retry."""
    pending = campaign.targets.filter(claimed_at__isnull=True, sent_at__isnull=True)
    if now is not None:
        pending = pending.filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
    return pending.order_by("pk")


def send_campaign(campaign: Campaign, *, click_base: str,
                  sleep: Callable[[float], None] = time.sleep, timeout: float = 30.0) -> int:
    """Send now to every target not claimed yet, at most `per_minute` a minute, over one SMTP
    connection to the campaign's profile; the number sent. A refused recipient is noted on
    its target and the others still go; a broken connection stops the run (what was sent
    stays sent, and running it again sends only to the rest)."""
    if campaign.status == CampaignStatusChoices.CANCELLED:
        raise CampaignError(f"campaign {campaign.name!r} was cancelled")
    pending = list(_pending(campaign))
    if not pending:
        return 0
    gap = 60.0 / max(campaign.per_minute, 1)
    sent = 0
    with _connect(campaign, timeout) as smtp:
        _start(campaign, timezone.now())
        for n, target in enumerate(pending):
            if n:
                sleep(gap)
            outcome = _deliver(smtp, campaign, target, click_base=click_base,
                               now=timezone.now())
            sent += outcome == Outcome.SENT
            if outcome in (Outcome.UNCONFIRMED, Outcome.BROKEN):
                break
    _finish_if_done(campaign, timezone.now())
    return sent


def due_campaigns(now: datetime) -> QuerySet:
    """Scheduled campaigns whose time has come, and those already sending."""
    return Campaign.objects.filter(
        Q(status=CampaignStatusChoices.SCHEDULED, scheduled_at__lte=now)
        | Q(status=CampaignStatusChoices.SENDING)).select_related("profile").order_by(
        "scheduled_at", "pk")


def next_slot(campaign: Campaign) -> datetime | None:
    """When the campaign may send its next message (None: at once)."""
    return campaign.next_send_at


def take_slot(campaign: Campaign, now: datetime) -> bool:
    """Take the campaign's sending slot if it has come, moving the next one 60/per_minute
    seconds on, in one conditional UPDATE: of several runners only one gets each slot, so
    the pace holds however many run (and across restarts: it is in the database)."""
    gap = timedelta(seconds=60.0 / max(campaign.per_minute, 1))
    taken = bool(Campaign.objects.filter(pk=campaign.pk).filter(
        Q(next_send_at__isnull=True) | Q(next_send_at__lte=now)).update(next_send_at=now + gap))
    if taken:
        campaign.next_send_at = now + gap
    return taken


@dataclass
class RunStats:
    """What one `run_campaigns` call did."""

    sent: int = 0
    failed: int = 0
    deferred: int = 0
    unconfirmed: int = 0
    broken: int = 0
    connect_errors: int = 0
    finished: list[str] = field(default_factory=list)


def run_campaigns(*, click_base: str, until_idle: bool = False,
                  clock: Callable[[], datetime] = timezone.now,
                  sleep: Callable[[float], None] = time.sleep, poll: float = 5.0,
                  timeout: float = 30.0, stop: Callable[[], bool] = lambda: False,
                  log: Callable[[str], None] = lambda _line: None) -> RunStats:
    """Send every due campaign, each throttled to its `per_minute`, until stopped.

    Resumable and idempotent: the pace and who was sent are read from the database, and each
    target is claimed before its message goes, so a restarted runner (or two at once) never
    sends twice to one target. With `until_idle`, return once no due campaign has a target
    left to send (a campaign scheduled for later does not keep it waiting) or when a server
    refuses connections (tried again on the next run).
    """
    stats = RunStats()
    connections: dict[int, tuple[smtplib.SMTP, datetime]] = {}
    down: dict[int, datetime] = {}
    try:
        while not stop():
            now = clock()
            wake: datetime | None = None
            for campaign in due_campaigns(now):
                if campaign.pk in down and down[campaign.pk] > now:
                    wake = min(wake or down[campaign.pk], down[campaign.pk])
                    continue
                slot = next_slot(campaign)
                if slot is not None and slot > now:
                    wake = min(wake or slot, slot)
                    continue
                target = _pending(campaign, now).first()
                if target is None and _pending(campaign).exists():
                    retry = _pending(campaign).exclude(retry_at=None).aggregate(
                        at=Min("retry_at"))["at"]
                    if retry is not None:
                        wake = min(wake or retry, retry)
                    continue
                if target is None:
                    if campaign.status == CampaignStatusChoices.SCHEDULED:
                        _start(campaign, now)
                    if _finish_if_done(campaign, now):
                        stats.finished.append(campaign.name)
                        log(f"campaign {campaign.name!r} finished")
                    continue
                smtp, error = _connection(connections, campaign, now, timeout)
                if smtp is None:
                    stats.connect_errors += 1
                    down[campaign.pk] = now + timedelta(seconds=max(poll, 1.0) * 6)
                    log(f"campaign {campaign.name!r}: cannot connect to {_where(campaign)} "
                        f"({error}); trying again later")
                    if until_idle:
                        return stats
                    continue
                if not take_slot(campaign, now):
                    continue  # another runner took this slot
                _start(campaign, now)
                outcome = _deliver(smtp, campaign, target, click_base=click_base, now=now)
                if outcome in (Outcome.UNCONFIRMED, Outcome.BROKEN):
                    _drop(connections, campaign.pk)
                if outcome == Outcome.UNCONFIRMED:
                    log(f"campaign {campaign.name!r}: connection lost sending to "
                        f"{target.address}; not retried (unconfirmed)")
                if outcome == Outcome.BROKEN:
                    # Nothing went; a fresh connection takes the next slot.
                    stats.broken += 1
                    if until_idle and stats.broken > MAX_ATTEMPTS:
                        return stats
                elif outcome != Outcome.TAKEN:
                    setattr(stats, outcome, getattr(stats, outcome) + 1)
                nxt = now + timedelta(seconds=60.0 / max(campaign.per_minute, 1))
                wake = min(wake or nxt, nxt)
            if until_idle and not any(_pending(c, clock()).exists()
                                      for c in due_campaigns(clock())):
                for campaign in due_campaigns(clock()):
                    if _finish_if_done(campaign, clock()):
                        stats.finished.append(campaign.name)
                return stats
            now = clock()
            for pk, (_smtp, used) in list(connections.items()):
                if (now - used).total_seconds() > 20:
                    _drop(connections, pk)
            pause = poll if wake is None else min(max((wake - now).total_seconds(), 0.0), poll)
            if pause > 0:
                sleep(pause)
    finally:
        for pk in list(connections):
            _drop(connections, pk)
    return stats


def _where(campaign: Campaign) -> str:
    if campaign.profile is not None:
        return f"{campaign.profile.host}:{campaign.profile.port} ({campaign.profile.name})"
    return f"{campaign.smtp_host}:{campaign.smtp_port}"


def _connection(connections: dict, campaign: Campaign, now: datetime,
                timeout: float) -> tuple[smtplib.SMTP | None, str]:
    held = connections.get(campaign.pk)
    if held is not None:
        connections[campaign.pk] = (held[0], now)
        return held[0], ""
    try:
        smtp = _connect(campaign, timeout)
    except OSError as exc:
        return None, str(exc)
    connections[campaign.pk] = (smtp, now)
    return smtp, ""


def _drop(connections: dict, pk: int) -> None:
    smtp, _used = connections.pop(pk)
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def schedule_campaign(campaign: Campaign, at: datetime, *, actor: str,
                      request: Any = None) -> None:
    """Have the runner start the campaign at `at` (audited). Only a draft or scheduled
    campaign can be (re)scheduled."""
    if campaign.status not in (CampaignStatusChoices.DRAFT, CampaignStatusChoices.SCHEDULED):
        state = campaign.get_status_display().lower()
        raise CampaignError(f"campaign {campaign.name!r} is {state}; only a draft or "
                            "scheduled one can be scheduled")
    if not campaign.targets.exists():
        raise CampaignError(f"campaign {campaign.name!r} has no targets")
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(
            status=CampaignStatusChoices.SCHEDULED, scheduled_at=at)
        record("mail.campaign_schedule", actor=actor, target_type="mail.campaign",
               target_id=str(campaign.pk), request=request, name=campaign.name,
               at=at.isoformat(), per_minute=campaign.per_minute)
    campaign.refresh_from_db()


def cancel_campaign(campaign: Campaign, *, actor: str, request: Any = None) -> None:
    """Stop a campaign: nothing more is sent (what was sent stays sent, tracking goes on)."""
    if campaign.status in (CampaignStatusChoices.FINISHED, CampaignStatusChoices.CANCELLED):
        raise CampaignError(f"campaign {campaign.name!r} is already "
                            f"{campaign.get_status_display().lower()}")
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(
            status=CampaignStatusChoices.CANCELLED, finished_at=timezone.now())
        record("mail.campaign_cancel", actor=actor, target_type="mail.campaign",
               target_id=str(campaign.pk), request=request, name=campaign.name,
               unsent=_pending(campaign).count())
    campaign.refresh_from_db()


def release_unconfirmed(campaign: Campaign, *, actor: str, request: Any = None) -> int:
    """Let the runner try again the targets whose sending was cut off mid-transaction (they
    may get the message twice: the operator decides). The number released, audited."""
    with transaction.atomic():
        released = campaign.targets.filter(
            sent_at__isnull=True, send_error__startswith="unconfirmed:",
        ).update(claimed_at=None, send_error="")
        record("mail.campaign_retry", actor=actor, target_type="mail.campaign",
               target_id=str(campaign.pk), request=request, name=campaign.name,
               released=released)
    return released


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
        now = timezone.now()
        # A click is also an open (images are often blocked: the pixel alone undercounts).
        targets.filter(opened_at__isnull=True).update(opened_at=now)
        if targets.filter(clicked_at__isnull=True).update(clicked_at=now):
            from .training import assign_for

            assign_for(targets.select_related("campaign").first(), reason="clicked")
    else:
        targets.update(scanner_fetches=F("scanner_fetches") + 1)


# An image fetched this soon after sending is a scanner's or a privacy proxy's, not a person
# opening the message (Apple Mail Privacy Protection fetches every image on delivery).
OPEN_EARLY_SECONDS = 30.0


def note_open(target: CampaignTarget, *, fetch: str, now: datetime | None = None) -> bool:
    """The tracking image was fetched; whether it counted as the person opening the message.
    Only a browser-like fetch (not HEAD, a prefetch or a scanner's user agent) long enough
    after sending counts; the rest add to `scanner_fetches`."""
    now = now or timezone.now()
    targets = CampaignTarget.objects.filter(pk=target.pk)
    early = target.sent_at is None or (now - target.sent_at).total_seconds() < OPEN_EARLY_SECONDS
    if fetch != "browser" or early:
        targets.update(scanner_fetches=F("scanner_fetches") + 1)
        return False
    targets.filter(opened_at__isnull=True).update(opened_at=now)
    return True


def note_submit(target: CampaignTarget, *, fetch: str, now: datetime | None = None) -> bool:
    """The landing page's form was submitted; whether it counted. Only a browser's submission
    by someone whose click counted (the landing URL is only handed out after one) is a
    person's; a scanner or sandbox replaying the form adds to `scanner_fetches`. Nothing of
    what was typed is an argument here: it is never read."""
    now = now or timezone.now()
    targets = CampaignTarget.objects.filter(pk=target.pk)
    if fetch != "browser" or target.clicked_at is None:
        targets.update(scanner_fetches=F("scanner_fetches") + 1)
        return False
    if targets.filter(submitted_at__isnull=True).update(submitted_at=now):
        from .training import assign_for

        assign_for(targets.select_related("campaign").first(), reason="submitted")
    return True


def report_from_portal(target: CampaignTarget, *, user: Any, request: Any = None) -> bool:
    """The person reported the simulated phish in one click from the portal; whether it was
    the first report (credited once, audited as any report)."""
    with transaction.atomic():
        first = bool(CampaignTarget.objects.filter(pk=target.pk, reported_at__isnull=True)
                     .update(reported_at=timezone.now()))
        if first:
            record("mail.report", actor=user.get_username(), target_type="mail.campaigntarget",
                   target_id=str(target.pk), request=request, channel="one_click",
                   campaign=target.campaign_id)
    return first


def campaign_summary(campaign: Campaign) -> dict[str, int]:
    """Targets, sent, opened, clicked and submitted (people only), reported, scanner fetches,
    and the targets whose sending failed for good or was cut off (unconfirmed: not retried)."""
    from django.db.models import Count, Sum

    counts = campaign.targets.aggregate(
        targets=Count("pk"),
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        clicked=Count("pk", filter=Q(clicked_at__isnull=False)),
        submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
        reported=Count("pk", filter=Q(reported_at__isnull=False)),
        scanner_fetches=Coalesce(Sum("scanner_fetches"), 0),
        failed=Count("pk", filter=Q(sent_at__isnull=True, claimed_at__isnull=False)
                     & ~Q(send_error="") & ~Q(send_error__startswith="unconfirmed:")),
        unconfirmed=Count("pk", filter=Q(sent_at__isnull=True,
                                         send_error__startswith="unconfirmed:")),
    )
    return {k: int(v or 0) for k, v in counts.items()}


# How long after sending an exercise message its arrival at the gateway is recognised.
EXERCISE_PASS_WINDOW = timedelta(days=1)


def exercise_passing(message_id: str, mail_from: str, recipients: Sequence[str],
                     now: datetime | None = None) -> CampaignTarget | None:
    """The campaign target a message arriving at vaultdoor's own gateway is, when it is
    exactly the exercise message vaultdoor sent: the Message-ID carries the target's random
    ref, the envelope sender is the campaign's, its one recipient is the target, a runner took
    it for sending within the last day (`claimed_at`: the gateway may see the message before
    the runner has recorded `sent_at`), and no message with that id passed before. The
    target is marked as passed in the same step (atomically: a copy or a forgery arriving
    later is scanned like any other mail). None for everything else."""
    ref = (message_id or "").strip().strip("<>").partition("@")[0]
    if not ref or len(ref) > 64 or len(recipients) != 1:
        return None
    now = now or timezone.now()
    target = (CampaignTarget.objects.select_related("campaign")
              .filter(message_ref=ref, address__iexact=recipients[0].strip(),
                      claimed_at__gte=now - EXERCISE_PASS_WINDOW,
                      gateway_passed_at__isnull=True)
              .first())
    if target is None or target.campaign.from_address.strip().lower() != mail_from.strip().lower():
        return None
    if not CampaignTarget.objects.filter(pk=target.pk, gateway_passed_at__isnull=True).update(
            gateway_passed_at=now):
        return None
    return target


def campaign_target_for(message_id: str, reporter: str) -> CampaignTarget | None:
    """The reporter's own campaign target whose message had this Message-ID (its local part is
    the target's random `message_ref`), if any."""
    ref = (message_id or "").strip().strip("<>").partition("@")[0]
    if not ref or len(ref) > 64:
        return None
    return CampaignTarget.objects.filter(message_ref=ref,
                                         address__iexact=reporter.strip()).first()


def credit_exercise_report(report: Any, target: CampaignTarget) -> None:
    """A report of a simulated phish: the target is credited (once) and the report, phishing
    by definition, leaves the triage queue at once (audited), so the reporter sees it."""
    from .choices import ReportStatusChoices
    from .models import PhishReport

    now = timezone.now()
    with transaction.atomic():
        CampaignTarget.objects.filter(pk=target.pk, reported_at__isnull=True).update(
            reported_at=now)
        if PhishReport.objects.filter(pk=report.pk, status=ReportStatusChoices.NEW).update(
                status=ReportStatusChoices.PHISHING, triaged_at=now):
            record("mail.triage", target_type="mail.phishreport", target_id=str(report.pk),
                   status=ReportStatusChoices.PHISHING, exercise=True,
                   campaign=target.campaign_id)


def note_report(raw: bytes, reporter: str) -> bool:
    """A reported message that is the reporter's campaign message (its Message-ID carries the
    target's random `message_ref`, which nobody outside can guess) marks the target as
    reported, once; whether it was one. The Message-ID survives the gateway, which replaces
    the X-Vaultdoor headers of what it relays."""
    from email import message_from_bytes, policy

    try:
        value = str(message_from_bytes(raw[:64 * 1024], policy=policy.compat32).get(
            "Message-ID", "") or "")
    except (ValueError, TypeError):
        return False
    target = campaign_target_for(value, reporter)
    if target is None:
        return False
    CampaignTarget.objects.filter(pk=target.pk, reported_at__isnull=True).update(
        reported_at=timezone.now())
    return True
