"""Console pages: quarantine (text only, release, delete), reported mail, link clicks."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from django.contrib.auth.models import Permission

from vaultdoor.audit.models import AuditEvent
from vaultdoor.mail.choices import QuarantineStatusChoices
from vaultdoor.mail.gateway.queue import DiskQueue
from vaultdoor.mail.models import Delivery, LinkClick, PhishReport, QuarantinedMessage

from .conftest import ORG

pytestmark = pytest.mark.django_db

HOSTILE = (
    b"From: Payroll <pay@lakes1de-cs.example>\r\nTo: rosa@lakeside-cs.example\r\n"
    b"Subject: Salary <b>update</b>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b"<html><body><script>alert('owned')</script><p>Confirm your <b>password</b> at "
    b'<a href="http://192.0.2.9/x">the portal</a></p><img src="http://192.0.2.9/t.gif">'
    b"</body></html>\r\n"
)


def grant(user, *names):
    for name in names:
        app, codename = name.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app,
                                                         codename=codename))


@pytest.fixture
def operator(django_user_model):
    user = django_user_model.objects.create_user("secops")
    grant(user, "mail.view_quarantinedmessage", "mail.change_quarantinedmessage",
          "mail.delete_quarantinedmessage", "mail.view_phishreport", "mail.change_phishreport",
          "mail.view_linkclick")
    return user


@pytest.fixture
def held():
    return QuarantinedMessage.objects.create(
        ref="q1", envelope_sender="pay@lakes1de-cs.example", recipients=[f"rosa@{ORG}"],
        from_header="Payroll <pay@lakes1de-cs.example>", subject="Salary <b>update</b>",
        verdict="phishing", score=0.91, reason="phishing verdict", raw=HOSTILE,
        size=len(HOSTILE), scan={"signals": [{"name": "lookalike_domain", "weight": 0.7,
                                              "detail": "looks like lakeside-cs.example"}]})


@pytest.fixture
def queue_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VAULTDOOR_MAIL_QUEUE_DIR", str(tmp_path / "queue"))
    monkeypatch.setenv("VAULTDOOR_MAIL_CLICK_BASE", "https://vd.example")
    return tmp_path / "queue"


def test_quarantine_list_and_text_only_view(client, operator, held):
    client.force_login(operator)
    listing = client.get("/mail/quarantine/")
    assert listing.status_code == 200
    assert "Salary &lt;b&gt;update&lt;/b&gt;" in listing.content.decode()
    page = client.get(f"/mail/quarantine/{held.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert" not in body and "<img src=\"http://192.0.2.9" not in body
    assert "Confirm your password at the portal" in body  # the HTML's text, escaped
    assert "lookalike_domain" in body and 'id="release"' in body


def test_release_queues_rewritten_message_and_audits(client, operator, held, queue_dir):
    client.force_login(operator)
    response = client.post(f"/mail/quarantine/{held.pk}/release/")
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == QuarantineStatusChoices.RELEASED and held.handled_by == operator
    queued = list(DiskQueue(queue_dir).outbound())
    assert len(queued) == 1
    entry = DiskQueue.read(queued[0])
    assert entry.rcpt_tos == [f"rosa@{ORG}"]
    html = message_from_bytes(entry.data, policy=policy.default).get_body(("html",)).get_content()
    assert "https://vd.example/m/c/" in html and 'href="http://192.0.2.9' not in html
    assert Delivery.objects.filter(recipient=f"rosa@{ORG}").exists()
    event = AuditEvent.objects.get(action="mail.release")
    assert event.actor == "secops" and event.target_id == "q1"
    # a second release is refused (and the page says so), nothing queued twice
    again = client.post(f"/mail/quarantine/{held.pk}/release/", follow=True)
    assert "already" in again.content.decode()
    assert len(list(DiskQueue(queue_dir).outbound())) == 1


def test_delete_erases_content_and_audits(client, operator, held):
    client.force_login(operator)
    client.post(f"/mail/quarantine/{held.pk}/delete/")
    held.refresh_from_db()
    assert held.status == QuarantineStatusChoices.DELETED and bytes(held.raw) == b""
    assert AuditEvent.objects.filter(action="mail.delete", target_id="q1").count() == 1
    assert client.get(f"/mail/quarantine/{held.pk}/").status_code == 200


def test_quarantine_needs_permissions(client, django_user_model, held):
    viewer = django_user_model.objects.create_user("viewer")
    grant(viewer, "mail.view_quarantinedmessage")
    client.force_login(viewer)
    assert client.get(f"/mail/quarantine/{held.pk}/").status_code == 200
    assert client.post(f"/mail/quarantine/{held.pk}/release/").status_code == 403
    assert client.post(f"/mail/quarantine/{held.pk}/delete/").status_code == 403
    held.refresh_from_db()
    assert held.status == QuarantineStatusChoices.HELD
    client.logout()
    assert client.get("/mail/quarantine/").status_code == 302  # to the sign-in page


def test_one_click_report_triage_and_metrics(client, operator, rosa):
    import datetime as dt

    from django.utils import timezone

    from vaultdoor.mail.tokens import report_token

    Delivery.objects.create(ref="d1.0", recipient=f"rosa@{ORG}", verdict="suspicious",
                            subject="Invoice overdue", from_header="ap@vendor.example",
                            received_at=timezone.now() - dt.timedelta(minutes=4))
    link = "/m/r/" + report_token("d1.0", f"rosa@{ORG}")
    assert "Report this message?" in client.get(link).content.decode()
    assert client.post(link).status_code == 200
    assert client.post(link).status_code == 200  # twice: still one report
    report = PhishReport.objects.get()
    assert report.person == rosa and report.channel == "one_click"
    assert 230 < report.seconds_to_report < 260
    client.force_login(operator)
    listing = client.get("/mail/reports/").content.decode()
    assert "Invoice overdue" in listing and "Rosa Delgado" in listing and "median" in listing
    client.post(f"/mail/reports/{report.pk}/triage/", {"status": "phishing"})
    report.refresh_from_db()
    assert report.status == "phishing" and report.triaged_by == operator
    assert AuditEvent.objects.filter(action="mail.triage").count() == 1
    assert AuditEvent.objects.filter(action="mail.report").count() == 1


def test_click_list_shows_people(client, operator, rosa):
    LinkClick.objects.create(recipient=f"rosa@{ORG}", person=rosa, url="http://192.0.2.7/",
                             host="192.0.2.7", kind="human", risky=True,
                             reasons=["ip_literal_host"])
    client.force_login(operator)
    body = client.get("/mail/clicks/?kind=human").content.decode()
    assert "Rosa Delgado" in body and "ip_literal_host" in body


def test_my_mail_lists_own_deliveries_and_reports_in_one_click(client, rosa, django_user_model):
    Delivery.objects.create(ref="m1.0", recipient=f"ROSA@{ORG}", verdict="clean",
                            subject="Lunch menu", from_header="canteen@partner.example")
    Delivery.objects.create(ref="m2.0", recipient=f"omar@{ORG}", verdict="clean",
                            subject="Not yours")
    assert client.get("/m/mine/").status_code == 302  # sign in first
    client.force_login(django_user_model.objects.get(username="rosa"))
    page = client.get("/m/mine/").content.decode()
    assert "Lunch menu" in page and "Not yours" not in page
    assert client.post("/m/mine/", {"ref": "m2.0"}).status_code == 404  # someone else's
    assert client.post("/m/mine/", {"ref": "m1.0"}).status_code == 302
    report = PhishReport.objects.get()
    assert report.person == rosa and report.channel == "one_click" and report.ref == "m1.0"
    assert "Reported" in client.get("/m/mine/").content.decode()


def test_campaign_list_counts_people_not_scanners(client, operator, rosa):
    from vaultdoor.mail.models import Campaign, CampaignTarget

    grant(operator, "mail.view_campaign")
    campaign = Campaign.objects.create(name="Lure", subject="Invoice", from_address="a@b.example",
                                       html_body="x", landing_url="https://t.example/")
    CampaignTarget.objects.create(campaign=campaign, address=f"rosa@{ORG}", person=rosa,
                                  sent_at="2026-11-29T06:00:00Z", clicked_at=None,
                                  scanner_fetches=3)
    client.force_login(operator)
    body = client.get("/mail/campaigns/").content.decode()
    assert "Lure" in body and "<td>3</td>" in body and "<td>0</td>" in body
