"""A campaign sent to a group through an SMTP sink: a scanner's fetches never count, a
person's click does; reporting the simulated phish is credited."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest

from vaultdoor.mail.campaigns import add_targets, campaign_summary, note_report, send_campaign
from vaultdoor.mail.models import Campaign, CampaignTarget, LinkClick

from .conftest import ORG

pytestmark = pytest.mark.django_db(transaction=True)

BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/130.0 Safari/537.36")


def test_only_the_persons_click_counts(client, sink, billing):
    campaign = Campaign.objects.create(
        name="Q4 invoice lure", subject="Overdue invoice", from_address="ap@vendor-billing.example",
        html_body='<p>Dear {{ name }}, see <a href="{{ link }}">the invoice</a>.</p>',
        landing_url="https://training.lakeside-cs.example/caught", smtp_port=sink.port,
        per_minute=120)
    assert add_targets(campaign, department="billing") == 2
    assert add_targets(campaign, department="billing") == 0  # no duplicates
    pauses = []
    assert send_campaign(campaign, click_base="https://vd.example", sleep=pauses.append) == 2
    assert pauses == [0.5]  # 120 a minute
    assert sorted(m.rcpt_tos[0] for m in sink.messages) == [f"omar@{ORG}", f"rosa@{ORG}"]

    to_rosa = next(m for m in sink.messages if m.rcpt_tos == [f"rosa@{ORG}"])
    html = message_from_bytes(to_rosa.data, policy=policy.default).get_body(
        ("html",)).get_content()
    assert "Dear Rosa Delgado" in html
    path = re.search(r'href="https://vd\.example(/m/c/[^"]+)"', html).group(1)

    # The mail security scanner checks the link the moment it arrives.
    assert client.head(path).status_code == 200
    client.get(path, HTTP_USER_AGENT="Mozilla/5.0 (compatible; Mimecast URL Protect)")
    client.get(path, HTTP_USER_AGENT=BROWSER)  # seconds after delivery: confirmation page
    rosa = CampaignTarget.objects.get(address=f"rosa@{ORG}")
    assert rosa.clicked_at is None and rosa.scanner_fetches == 3
    # Rosa herself clicks (her browser submits the confirmation page).
    went = client.post(path, {"action": "continue"}, HTTP_USER_AGENT=BROWSER)
    assert went.status_code == 302
    assert went["Location"] == "https://training.lakeside-cs.example/caught"
    rosa.refresh_from_db()
    assert rosa.clicked_at is not None
    summary = campaign_summary(campaign)
    assert summary == {"targets": 2, "sent": 2, "clicked": 1, "reported": 0,
                       "scanner_fetches": 3, "failed": 0, "unconfirmed": 0, "opened": 1,
                       "submitted": 0}
    assert LinkClick.objects.filter(kind="human").count() == 1

    # Omar reports it instead.
    to_omar = next(m for m in sink.messages if m.rcpt_tos == [f"omar@{ORG}"])
    assert note_report(to_omar.data, f"omar@{ORG}")
    assert campaign_summary(campaign)["reported"] == 1


def test_campaign_cli(billing, sink, tmp_path):
    from click.testing import CliRunner

    from vaultdoor.cli.mail import mail

    body = tmp_path / "lure.html"
    body.write_text('<p>{{ name }}: <a href="{{ link }}">payslip</a></p>', encoding="utf-8")
    runner = CliRunner()
    args = ["campaign", "create", "payslip", "--subject", "Your payslip", "--from",
            "hr@payroll-portal.example", "--html-file", str(body), "--landing-url",
            "https://training.example/", "--smtp", f"127.0.0.1:{sink.port}",
            "--per-minute", "6000", "--department", "Sales"]
    created = runner.invoke(mail, args)
    assert created.exit_code == 0, created.output
    assert "1 target" in created.output
    assert runner.invoke(mail, args).exit_code == 2  # the name is taken
    sent = runner.invoke(mail, ["campaign", "send", "payslip", "--click-base", "https://vd.example"])
    assert sent.exit_code == 0 and "sent 1" in sent.output
    assert [m.rcpt_tos for m in sink.messages] == [[f"ana@{ORG}"]]
    status = runner.invoke(mail, ["campaign", "status", "payslip"])
    assert "sent 1" in status.output and "clicked 0" in status.output
    assert runner.invoke(mail, ["campaign", "send", "nope"]).exit_code == 2
