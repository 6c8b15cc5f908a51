"""Open and submit tracking: the tracking image counts a person's open but not a scanner's or a
privacy proxy's fetch; the hosted landing page records that a person submitted it, never what
they typed (the inputs have no name, and nothing posted is stored anywhere)."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.core.management import call_command

from vaultdoor.mail.campaigns import add_targets, campaign_summary, landing_path, send_campaign
from vaultdoor.mail.models import Campaign, CampaignTarget, LandingPage
from vaultdoor.mail.views.campaign_pages import PIXEL

from .conftest import ORG

pytestmark = pytest.mark.django_db(transaction=True)

BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/130.0 Safari/537.36")
SCANNER = "Mozilla/5.0 (compatible; Mimecast URL Protect)"
TYPED = "Hunter2-Secret-Typed-7731"


@pytest.fixture
def sent(sink, billing):
    """The campaign sent to the two Billing people through the sink; (campaign, html by
    address). The sink's messages are on `campaign.sink_messages`."""
    page = LandingPage.objects.create(name="o365", title="Sign in to your account",
                                      intro="Your mailbox is full.", fields="Email\nPassword")
    campaign = Campaign.objects.create(
        name="mailbox", subject="Mailbox full", from_address="it@m1crosoft-support.example",
        html_body='<html><body><p><a href="{{ link }}">Fix it</a></p></body></html>',
        landing_url="https://unused.example/", smtp_port=sink.port, per_minute=6000,
        landing_page=page)
    add_targets(campaign, department="billing")
    assert send_campaign(campaign, click_base="https://vd.example", sleep=lambda s: None) == 2
    campaign.sink_messages = sink.messages
    html = {}
    for message in sink.messages:
        html[message.rcpt_tos[0]] = message_from_bytes(message.data, policy=policy.default
                                                       ).get_body(("html",)).get_content()
    return campaign, html


def _paths(html: str) -> tuple[str, str]:
    click = re.search(r'href="https://vd\.example(/m/c/[^"]+)"', html).group(1)
    pixel = re.search(r'<img src="https://vd\.example(/m/o/[^"]+)"', html).group(1)
    return click, pixel


def _age(address: str, seconds: float) -> None:
    target = CampaignTarget.objects.get(address=address)
    CampaignTarget.objects.filter(pk=target.pk).update(
        sent_at=target.sent_at - timedelta(seconds=seconds))


def test_opens_count_people_not_scanners(client, sent):
    campaign, html = sent
    _click, pixel = _paths(html[f"rosa@{ORG}"])
    assert html[f"rosa@{ORG}"].index("<img") < html[f"rosa@{ORG}"].index("</body>")
    # The scanner's HEAD and GET, and a browser-like fetch at delivery (a privacy proxy).
    assert client.head(pixel).status_code == 200
    assert client.get(pixel, HTTP_USER_AGENT=SCANNER).content == PIXEL
    client.get(pixel, HTTP_USER_AGENT=BROWSER)
    rosa = CampaignTarget.objects.get(address=f"rosa@{ORG}")
    assert rosa.opened_at is None and rosa.scanner_fetches == 3
    _age(f"rosa@{ORG}", 600)
    got = client.get(pixel, HTTP_USER_AGENT=BROWSER)
    assert got["Content-Type"] == "image/gif" and got["Cache-Control"] == "no-store"
    rosa.refresh_from_db()
    assert rosa.opened_at is not None
    # A forged or altered image URL gets the same image and counts nothing.
    assert client.get("/m/o/forged", HTTP_USER_AGENT=BROWSER).content == PIXEL
    assert campaign_summary(campaign)["opened"] == 1


def test_submission_recorded_without_what_was_typed(client, sent):
    campaign, html = sent
    click, _pixel = _paths(html[f"rosa@{ORG}"])
    went = client.post(click, {"action": "continue"}, HTTP_USER_AGENT=BROWSER)
    assert went.status_code == 302
    landing = went["Location"].removeprefix("https://vd.example")
    assert landing.startswith("/m/l/")
    page = client.get(landing, HTTP_USER_AGENT=BROWSER)
    assert page.status_code == 200 and b"Sign in to your account" in page.content
    inputs = re.findall(rb"<input[^>]*>", page.content)
    typed = [i for i in inputs if b'type="hidden"' not in i]
    assert len(typed) == 2 and all(b"name=" not in i for i in typed)
    assert b'type="password"' in page.content
    assert "form-action 'self'" in page["Content-Security-Policy"]
    assert page["Referrer-Policy"] == "strict-origin"  # "no-referrer" would break the POST

    # A scanner replaying the form does not count.
    client.post(landing, {"password": TYPED}, HTTP_USER_AGENT=SCANNER)
    rosa = CampaignTarget.objects.get(address=f"rosa@{ORG}")
    assert rosa.submitted_at is None
    # Rosa submits; even fields sent by hand (a browser never sends them) are not kept.
    done = client.post(landing, {"email": f"rosa@{ORG}", "password": TYPED},
                       HTTP_USER_AGENT=BROWSER)
    assert done.status_code == 200 and b"phishing exercise" in done.content
    rosa.refresh_from_db()
    assert rosa.submitted_at is not None and rosa.clicked_at is not None
    assert rosa.opened_at is not None  # a click is an open
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert TYPED not in dump.getvalue()

    # Omar never clicked: a submission on his landing URL (it leaked) is not his.
    omar = CampaignTarget.objects.get(address=f"omar@{ORG}")
    client.post(landing_path(campaign, omar), HTTP_USER_AGENT=BROWSER)
    omar.refresh_from_db()
    assert omar.submitted_at is None and omar.scanner_fetches == 1
    summary = campaign_summary(campaign)
    assert (summary["clicked"], summary["submitted"]) == (1, 1)


def test_tokens_are_not_interchangeable(client, sent):
    _campaign, html = sent
    click, pixel = _paths(html[f"rosa@{ORG}"])
    assert client.get("/m/l/" + pixel.removeprefix("/m/o/")).status_code == 400
    assert client.get("/m/l/" + click.removeprefix("/m/c/")).status_code == 400
    assert client.post("/m/l/forged", HTTP_USER_AGENT=BROWSER).status_code == 400


def test_no_tracking_image_when_turned_off(sink, billing):
    campaign = Campaign.objects.create(
        name="plain", subject="s", from_address="a@b.example", html_body="<p>{{ link }}</p>",
        landing_url="https://training.example/", smtp_port=sink.port, track_opens=False)
    add_targets(campaign, department="sales")
    send_campaign(campaign, click_base="https://vd.example")
    assert b"/m/o/" not in sink.messages[0].data


def test_cli_landing_page(billing, tmp_path):
    from click.testing import CliRunner

    from vaultdoor.audit.models import AuditEvent
    from vaultdoor.cli.mail import mail

    runner = CliRunner()
    made = runner.invoke(mail, ["campaign", "landing-page", "payroll", "--title",
                                "Payroll sign-in", "--field", "Staff number", "--field",
                                "Password"])
    assert made.exit_code == 0, made.output
    page = LandingPage.objects.get(name="payroll")
    assert [i["type"] for i in page.inputs()] == ["text", "password"]
    assert AuditEvent.objects.filter(action="mail.landing_page_change").exists()
    too_many = runner.invoke(mail, ["campaign", "landing-page", "x", "--title", "t",
                                    *[a for n in range(7) for a in ("--field", f"f{n}")]])
    assert too_many.exit_code == 2
    body = tmp_path / "b.html"
    body.write_text("{{ link }}", encoding="utf-8")
    base = ["campaign", "create", "c1", "--subject", "s", "--from", "a@b.example",
            "--html-file", str(body), "--landing-url", "https://t.example/", "--department",
            "Sales"]
    assert runner.invoke(mail, [*base, "--landing-page", "nope"]).exit_code == 2
    ok = runner.invoke(mail, [*base, "--landing-page", "payroll"])
    assert ok.exit_code == 0, ok.output
    assert Campaign.objects.get(name="c1").landing_page == page


def _forward(gateway_port: int, reporter: str, original: bytes) -> None:
    from email.message import EmailMessage

    from .test_gateway import send

    forward = EmailMessage()
    forward["From"] = reporter
    forward["To"] = f"report-phish@{ORG}"
    forward["Subject"] = "Fwd: mailbox full?"
    forward.set_content("Is this real?")
    forward.add_attachment(message_from_bytes(original, policy=policy.default))
    send(gateway_port, reporter, [f"report-phish@{ORG}"], forward.as_bytes(policy=policy.SMTP))


def test_a_forwarded_exercise_is_credited_and_leaves_the_triage_queue(sent, make_gateway):
    from vaultdoor.audit.models import AuditEvent
    from vaultdoor.mail.models import PhishReport

    from .conftest import wait_for

    campaign, _html = sent
    rosa = CampaignTarget.objects.get(address=f"rosa@{ORG}")
    to_rosa = next(m for m in campaign.sink_messages if m.rcpt_tos == [f"rosa@{ORG}"])
    headers = message_from_bytes(to_rosa.data, policy=policy.default)
    # Nothing in the headers says "exercise".
    assert "X-Vaultdoor-Campaign" not in headers and "vaultdoor" not in headers["Message-ID"]
    assert headers["Message-ID"] == f"<{rosa.message_ref}@m1crosoft-support.example>"
    gateway = make_gateway()
    _forward(gateway.port, f"rosa@{ORG}", to_rosa.data)
    assert wait_for(lambda: PhishReport.objects.exists())
    report = PhishReport.objects.get()
    assert wait_for(lambda: PhishReport.objects.get().status == "phishing")
    rosa.refresh_from_db()
    assert rosa.reported_at is not None
    assert AuditEvent.objects.filter(action="mail.triage", target_id=str(report.pk)).exists()
    # Omar forwards Rosa's copy: not his message, so not credited, and left for triage.
    _forward(gateway.port, f"omar@{ORG}", to_rosa.data)
    assert wait_for(lambda: PhishReport.objects.count() == 2)
    omar_report = PhishReport.objects.get(reporter=f"omar@{ORG}")
    assert omar_report.status == "new"
    assert CampaignTarget.objects.get(address=f"omar@{ORG}").reported_at is None
