"""Scheduled, throttled, resumable sending (`vaultdoor mail campaign run`): a controlled clock
checks the pace, a stopped and restarted runner sends nobody twice, refusals and broken
connections are never retried blindly, and each step is audited."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta

import pytest

from vaultdoor.audit.models import AuditEvent
from vaultdoor.mail import campaigns
from vaultdoor.mail.campaigns import (
    CampaignError,
    add_targets,
    campaign_summary,
    cancel_campaign,
    release_unconfirmed,
    run_campaigns,
    schedule_campaign,
)
from vaultdoor.mail.models import Campaign, CampaignTarget

from .conftest import ORG, Sink, free_port

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


class Clock:
    """A clock that moves only when the runner sleeps (or the test says so)."""

    def __init__(self, at: datetime = START) -> None:
        self.at = at
        self.sleeps: list[float] = []

    def __call__(self) -> datetime:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.at += timedelta(seconds=seconds)


def _campaign(port: int, *, name: str = "invoice", per_minute: int = 2,
              department: str = "billing") -> Campaign:
    campaign = Campaign.objects.create(
        name=name, subject="Overdue invoice", from_address="ap@vendor-billing.example",
        html_body='<a href="{{ link }}">invoice</a>', landing_url="https://training.example/",
        smtp_port=port, per_minute=per_minute)
    add_targets(campaign, department=department)
    return campaign


def _everyone(campaign: Campaign) -> None:
    """Add the Sales person too (three targets)."""
    add_targets(campaign, department="sales")


def test_scheduled_campaign_is_sent_throttled_and_only_once(sink, billing):
    campaign = _campaign(sink.port)
    _everyone(campaign)
    later = _campaign(sink.port, name="later")
    clock = Clock()
    schedule_campaign(campaign, START, actor="alice")
    schedule_campaign(later, START + timedelta(days=1), actor="alice")
    stats = run_campaigns(click_base="https://vd.example", until_idle=True, clock=clock,
                          sleep=clock.sleep)
    assert stats.sent == 3 and stats.finished == ["invoice"]
    # 2 a minute: one now, one 30 s later, one 30 s after that; nothing sent early.
    sent_at = sorted(CampaignTarget.objects.filter(campaign=campaign)
                     .values_list("claimed_at", flat=True))
    assert [(t - START).total_seconds() for t in sent_at] == [0.0, 30.0, 60.0]
    assert sum(clock.sleeps) == 60.0
    assert len(sink.messages) == 3
    assert sorted(m.rcpt_tos[0] for m in sink.messages) == [
        f"ana@{ORG}", f"omar@{ORG}", f"rosa@{ORG}"]
    campaign.refresh_from_db()
    later.refresh_from_db()
    assert campaign.status == "finished" and campaign.finished_at is not None
    assert later.status == "scheduled" and not later.targets.filter(
        claimed_at__isnull=False).exists()
    # Running again sends nobody a second message.
    again = run_campaigns(click_base="https://vd.example", until_idle=True, clock=clock,
                          sleep=clock.sleep)
    assert again.sent == 0 and len(sink.messages) == 3
    actions = list(AuditEvent.objects.filter(target_id=str(campaign.pk))
                   .values_list("action", flat=True))
    assert {"mail.campaign_schedule", "mail.campaign_start", "mail.campaign_finish"} <= set(
        actions)


def test_a_stopped_runner_resumes_at_the_same_pace_without_duplicates(sink, billing):
    campaign = _campaign(sink.port, per_minute=1)
    _everyone(campaign)
    schedule_campaign(campaign, START, actor="alice")
    clock = Clock()
    # Stopped (SIGTERM) right after the first message.
    first = run_campaigns(click_base="https://vd.example", clock=clock, sleep=clock.sleep,
                          stop=lambda: len(sink.messages) >= 1)
    assert first.sent == 1 and len(sink.messages) == 1
    # Restarted 10 s later: the next slot is still a minute after the first send.
    clock.at += timedelta(seconds=10)
    rest = run_campaigns(click_base="https://vd.example", until_idle=True, clock=clock,
                         sleep=clock.sleep)
    assert rest.sent == 2
    claimed = sorted((t - START).total_seconds() for t in CampaignTarget.objects.filter(
        campaign=campaign).values_list("claimed_at", flat=True))
    assert claimed == [0.0, 60.0, 120.0]
    assert len({m.rcpt_tos[0] for m in sink.messages}) == len(sink.messages) == 3


def test_a_target_claimed_by_another_runner_is_not_sent_again(sink, billing):
    campaign = _campaign(sink.port, per_minute=600)
    schedule_campaign(campaign, START, actor="alice")
    rosa = campaign.targets.get(address=f"rosa@{ORG}")
    # Another runner took Rosa's message a moment ago (its SMTP transaction is under way).
    CampaignTarget.objects.filter(pk=rosa.pk).update(claimed_at=START - timedelta(hours=1))
    clock = Clock()
    stats = run_campaigns(click_base="https://vd.example", until_idle=True, clock=clock,
                          sleep=clock.sleep)
    assert stats.sent == 1
    assert [m.rcpt_tos for m in sink.messages] == [[f"omar@{ORG}"]]


def test_server_down_then_back(billing):
    port = free_port()
    campaign = _campaign(port, per_minute=600)
    schedule_campaign(campaign, START, actor="alice")
    clock = Clock()
    down = run_campaigns(click_base="https://vd.example", until_idle=True, clock=clock,
                         sleep=clock.sleep, timeout=2)
    assert down.connect_errors == 1 and down.sent == 0
    assert not campaign.targets.filter(claimed_at__isnull=False).exists()
    server = Sink(port=port)
    server.start()
    try:
        up = run_campaigns(click_base="https://vd.example", until_idle=True, clock=clock,
                           sleep=clock.sleep)
    finally:
        server.stop()
    assert up.sent == 2 and len(server.messages) == 2


class RefusingSink(Sink):
    """Refuses Rosa for now (451) and Omar for good (550)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("rosa@"):
            return "451 4.3.0 try again later"
        if address.startswith("omar@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_temporary_refusal_is_retried_and_permanent_is_not(billing):
    server = RefusingSink(port=free_port())
    server.start()
    try:
        campaign = _campaign(server.port, per_minute=600)
        _everyone(campaign)
        schedule_campaign(campaign, START, actor="alice")
        clock = Clock()
        run = {"click_base": "https://vd.example", "until_idle": True, "clock": clock,
               "sleep": clock.sleep}
        stats = run_campaigns(**run)
        assert (stats.sent, stats.failed, stats.deferred) == (1, 1, 1)
        omar = campaign.targets.get(address=f"omar@{ORG}")
        rosa = campaign.targets.get(address=f"rosa@{ORG}")
        assert omar.claimed_at is not None and omar.sent_at is None and "550" in omar.send_error
        assert rosa.sent_at is None and rosa.send_error.startswith("deferred:")
        assert rosa.retry_at == START + timedelta(minutes=2)
        # Not before its time; then again, backing off.
        assert run_campaigns(**run).deferred == 0
        clock.at = START + timedelta(minutes=3)
        assert run_campaigns(**run).deferred == 1
        rosa.refresh_from_db()
        assert rosa.attempts == 2 and rosa.retry_at == clock.at + timedelta(minutes=4)
        clock.at += timedelta(hours=1)
        for _ in range(3):
            clock.at += timedelta(hours=1)
            run_campaigns(**run)
    finally:
        server.stop()
    rosa.refresh_from_db()
    assert rosa.attempts == 5 and rosa.send_error.startswith("gave up after 5")
    assert campaign_summary(campaign)["failed"] == 2
    campaign.refresh_from_db()
    assert campaign.status == "finished"
    assert [m.rcpt_tos for m in server.messages] == [[f"ana@{ORG}"]]
    assert campaign.targets.get(address=f"omar@{ORG}").attempts == 1


class FakeSMTP:
    """An SMTP connection that breaks where it is told to: before DATA (`mail`) or after the
    message went out (`data`); otherwise it accepts."""

    breaks_at: str = ""
    connections: list[FakeSMTP] = []  # shared by the test on purpose

    def __init__(self, breaks_at: str = "") -> None:
        self.breaks_at = breaks_at
        self.sent: list[str] = []
        FakeSMTP.connections.append(self)

    def ehlo_or_helo_if_needed(self) -> None:
        pass

    def has_extn(self, name: str) -> bool:
        return True

    def mail(self, sender, options=()):
        if self.breaks_at == "mail":
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return 250, b"OK"

    def rcpt(self, recipient):
        self.sent.append(recipient)
        return 250, b"OK"

    def data(self, message):
        if self.breaks_at == "data":
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return 250, b"queued"

    def rset(self) -> None:
        pass

    def quit(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_a_send_cut_off_mid_transaction_is_never_retried_blindly(billing, monkeypatch):
    campaign = _campaign(25, per_minute=600)
    schedule_campaign(campaign, START, actor="alice")
    monkeypatch.setattr(campaigns, "_connect", lambda c, t: FakeSMTP("data"))
    clock = Clock()
    stats = run_campaigns(click_base="https://vd.example", until_idle=True, clock=clock,
                          sleep=clock.sleep)
    assert stats.unconfirmed == 2 and stats.sent == 0
    assert campaign_summary(campaign)["unconfirmed"] == 2
    again = run_campaigns(click_base="https://vd.example", until_idle=True, clock=clock,
                          sleep=clock.sleep)
    assert again.unconfirmed == 0  # not tried again
    assert release_unconfirmed(campaign, actor="alice") == 2
    assert AuditEvent.objects.filter(action="mail.campaign_retry").exists()


def test_cancel_stops_sending_and_state_rules(sink, billing):
    campaign = _campaign(sink.port)
    with pytest.raises(CampaignError):
        schedule_campaign(Campaign.objects.create(
            name="empty", subject="s", from_address="a@b.example", html_body="",
            landing_url="https://t.example/"), START, actor="alice")
    schedule_campaign(campaign, START, actor="alice")
    cancel_campaign(campaign, actor="alice")
    clock = Clock()
    assert run_campaigns(click_base="https://vd.example", until_idle=True, clock=clock,
                         sleep=clock.sleep).sent == 0
    assert sink.messages == []
    with pytest.raises(CampaignError):
        cancel_campaign(campaign, actor="alice")
    with pytest.raises(CampaignError):
        schedule_campaign(campaign, START, actor="alice")
    assert AuditEvent.objects.filter(action="mail.campaign_cancel", actor="alice").exists()


def test_cli_schedule_run_cancel(sink, billing, tmp_path):
    from click.testing import CliRunner

    from vaultdoor.cli.mail import mail

    body = tmp_path / "lure.html"
    body.write_text('<a href="{{ link }}">payslip</a>', encoding="utf-8")
    runner = CliRunner()
    base = ["campaigns", "create", "payslip", "--subject", "Payslip", "--from",
            "hr@payroll.example", "--html-file", str(body), "--landing-url",
            "https://training.example/", "--smtp", f"127.0.0.1:{sink.port}",
            "--per-minute", "6000", "--department", "Billing"]
    bad = runner.invoke(mail, [*base, "--at", "2026-11-02T09:00"])
    assert bad.exit_code == 2 and "UTC offset" in bad.output
    assert not Campaign.objects.exists()  # nothing half-written
    assert runner.invoke(mail, [*base, "--at", "yesterday"]).exit_code == 2
    made = runner.invoke(mail, base)
    assert made.exit_code == 0, made.output
    assert AuditEvent.objects.filter(action="mail.campaign_create").count() == 1
    # A draft is not sent by the runner.
    idle = runner.invoke(mail, ["campaigns", "run", "--until-idle", "--click-base",
                                "https://vd.example"])
    assert idle.exit_code == 0 and "sent 0" in idle.output
    scheduled = runner.invoke(mail, ["campaigns", "schedule", "payslip", "--at", "now"])
    assert scheduled.exit_code == 0, scheduled.output
    ran = runner.invoke(mail, ["campaigns", "run", "--until-idle", "--click-base",
                               "https://vd.example"])
    assert ran.exit_code == 0 and "sent 2" in ran.output, ran.output
    assert len(sink.messages) == 2
    assert Campaign.objects.get().status == "finished"
    status = runner.invoke(mail, ["campaigns", "status", "payslip", "--json"])
    assert '"status": "finished"' in status.output and '"sent": 2' in status.output
    assert runner.invoke(mail, ["campaigns", "status", "payslip"]).output.startswith("finished")
    assert runner.invoke(mail, ["campaigns", "cancel", "payslip"]).exit_code == 2
    assert runner.invoke(mail, ["campaigns", "schedule", "nope", "--at", "now"]).exit_code == 2
    by_code = runner.invoke(mail, [*base[:2], "picked", *base[3:-2], "--person", "E3",
                                   "--person", "E1"])
    assert by_code.exit_code == 0 and "2 target(s)" in by_code.output, by_code.output
    unknown = runner.invoke(mail, [*base[:2], "nobody", *base[3:-2], "--person", "Z9"])
    assert unknown.exit_code == 2 and "Z9" in unknown.output
    assert not Campaign.objects.filter(name="nobody").exists()


def test_a_connection_that_broke_before_data_is_retried_on_a_fresh_one(billing, monkeypatch):
    """A relay that closed the idle connection: nothing was sent, so it is not 'unconfirmed'."""
    campaign = _campaign(25, per_minute=600)
    schedule_campaign(campaign, START, actor="alice")
    FakeSMTP.connections = []
    monkeypatch.setattr(campaigns, "_connect", lambda c, t: FakeSMTP(
        "mail" if not FakeSMTP.connections else ""))
    clock = Clock()
    stats = run_campaigns(click_base="https://vd.example", until_idle=True, clock=clock,
                          sleep=clock.sleep)
    assert (stats.broken, stats.sent, stats.unconfirmed) == (1, 2, 0)
    assert len(FakeSMTP.connections) == 2
    assert sorted(FakeSMTP.connections[1].sent) == [f"omar@{ORG}", f"rosa@{ORG}"]
    assert campaign_summary(campaign)["sent"] == 2


def test_each_sending_slot_goes_to_one_runner(sink, billing):
    from vaultdoor.mail.campaigns import take_slot

    campaign = _campaign(sink.port, per_minute=2)
    other = Campaign.objects.get(pk=campaign.pk)  # a second runner's copy
    assert take_slot(campaign, START)
    assert not take_slot(other, START)  # the same slot: taken
    assert not take_slot(other, START + timedelta(seconds=29))
    assert take_slot(other, START + timedelta(seconds=30))
    assert not take_slot(campaign, START + timedelta(seconds=30))
    campaign.refresh_from_db()
    assert campaign.next_send_at == START + timedelta(seconds=60)
