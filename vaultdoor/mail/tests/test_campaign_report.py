"""The campaign report page (SVG charts, no script), its CSV export and actions, and who may
see or do what: deny by default, every export and action audited."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vaultdoor.audit.models import AuditEvent
from vaultdoor.identity.choices import RoleChoices
from vaultdoor.identity.roles import role_permissions, sync_roles
from vaultdoor.identity.services.accounts import account_for, assign_role
from vaultdoor.mail.campaign_report import CSV_COLUMNS, campaign_report
from vaultdoor.mail.models import Campaign, CampaignTarget

pytestmark = pytest.mark.django_db

ORG = "lakeside-cs.example"


@pytest.fixture
def campaign(db):
    from vaultdoor.facilities.models import Site
    from vaultdoor.people.models import Person

    site = Site.objects.create(code="lakeside", name="Lakeside", timezone="Europe/London")
    start = timezone.now() - timedelta(hours=30)
    made = Campaign.objects.create(
        name="invoice", subject="Overdue invoice", from_address="ap@vendor.example",
        html_body="{{ link }}", landing_url="https://training.example/", status="finished",
        started_at=start, finished_at=start + timedelta(minutes=5))
    rows = [("Rosa Delgado", "Billing", 1, 2, True), ("Omar Haddad", "Billing", None, None, False),
            ("=HYPERLINK(\"http://evil.example\")", "Sales", 3, None, True),
            ("Ana Lima", "Sales", None, None, False)]
    for n, (name, department, clicked_h, submitted_h, reported) in enumerate(rows):
        person = Person.objects.create(site=site, code=f"E{n}", name=name, kind="employee",
                                       department=department)
        CampaignTarget.objects.create(
            campaign=made, person=person, name=name, address=f"p{n}@{ORG}",
            claimed_at=start, sent_at=start,
            opened_at=start + timedelta(hours=1) if clicked_h else None,
            clicked_at=start + timedelta(hours=clicked_h) if clicked_h else None,
            submitted_at=start + timedelta(hours=submitted_h) if submitted_h else None,
            reported_at=start + timedelta(hours=4) if reported else None,
            scanner_fetches=2)
    return made


def _user(django_user_model, role: str):
    sync_roles()
    user = django_user_model.objects.create_user(f"u-{role}", email=f"{role}@{ORG}")
    assign_role(account_for(user), role)
    return user


def test_report_numbers(campaign):
    report = campaign_report(campaign)
    assert report.summary["sent"] == 4 and report.summary["scanner_fetches"] == 8
    assert report.funnel == [("Sent", 4, 100.0), ("Opened", 2, 50.0), ("Clicked", 2, 50.0),
                             ("Submitted", 1, 25.0), ("Reported", 2, 50.0)]
    assert [(d["department"], d["click_rate"]) for d in report.departments] == [
        ("Billing", 50.0), ("Sales", 50.0)]
    assert len(report.timeline) == 48
    assert report.timeline[1] == ("+1h", 1) and report.timeline[3] == ("+3h", 1)
    # clicks 60 and 180 minutes after sending; reports both at 240
    assert report.median_minutes == {"click": 120.0, "report": 240.0}


def test_report_page_draws_svg_charts_without_script(client, campaign, django_user_model):
    client.force_login(_user(django_user_model, RoleChoices.SECURITY_ADMIN))
    page = client.get(reverse("console:mail:campaign", args=[campaign.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for chart in ("chart-funnel", "chart-departments", "chart-timeline"):
        assert f'id="{chart}"' in html
    assert "Clicked (50%)" in html and "Submitted (25%)" in html
    assert "<script>" not in html and "onclick" not in html
    assert "script-src 'self'" in page["Content-Security-Policy"]
    listing = client.get(reverse("console:mail:campaign_list"))
    assert reverse("console:mail:campaign", args=[campaign.pk]) in listing.content.decode()


def test_csv_export_is_audited_and_spreadsheet_safe(client, campaign, django_user_model):
    client.force_login(_user(django_user_model, RoleChoices.SECURITY_ADMIN))
    got = client.get(reverse("console:mail:campaign_csv", args=[campaign.pk]))
    assert got.status_code == 200 and got["Content-Type"].startswith("text/csv")
    assert "attachment" in got["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(got.content.decode())))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 5
    names = [r[0] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://evil.example\")" in names
    assert not any(r[0].startswith("=") for r in rows[1:])
    rosa = next(r for r in rows if r[0] == "Rosa Delgado")
    assert rosa[CSV_COLUMNS.index("clicked_at")].endswith("+00:00")
    event = AuditEvent.objects.get(action="mail.campaign_export")
    assert event.actor == "u-security_admin" and event.context["format"] == "csv"


@pytest.mark.parametrize("role", list(RoleChoices))
def test_who_may_see_and_act(client, campaign, django_user_model, role):
    user = _user(django_user_model, role)
    granted = role_permissions(role)
    client.force_login(user)
    for name in ("console:mail:campaign", "console:mail:campaign_csv", "console:mail:campaign_pdf"):
        status = client.get(reverse(name, args=[campaign.pk])).status_code
        assert status == (200 if "mail.view_campaign" in granted else 403), (role, name)
    status = client.post(reverse("console:mail:campaign_action",
                                 args=[campaign.pk, "assign-training"])).status_code
    assert status == (302 if "mail.add_trainingassignment" in granted else 403)
    status = client.post(reverse("console:mail:campaign_action",
                                 args=[campaign.pk, "nonsense"])).status_code
    assert status == (404 if "mail.change_campaign" in granted else 403)


def test_anonymous_is_sent_to_login(client, campaign):
    for name in ("console:mail:campaign", "console:mail:campaign_csv", "console:mail:campaign_pdf"):
        assert client.get(reverse(name, args=[campaign.pk])).status_code == 302
    assert client.post(reverse("console:mail:campaign_action",
                               args=[campaign.pk, "cancel"])).status_code == 302
    assert not AuditEvent.objects.filter(action__startswith="mail.campaign").exists()


def test_schedule_and_cancel_from_the_console(client, django_user_model, campaign):
    client.force_login(_user(django_user_model, RoleChoices.SECURITY_ADMIN))
    draft = Campaign.objects.create(name="draft", subject="s", from_address="a@b.example",
                                    html_body="", landing_url="https://t.example/")
    CampaignTarget.objects.create(campaign=draft, address=f"x@{ORG}")
    url = reverse("console:mail:campaign_action", args=[draft.pk, "schedule"])
    bad = client.post(url, {"at": "next tuesday"}, follow=True)
    assert b"not a date and time" in bad.content
    draft.refresh_from_db()
    assert draft.status == "draft"
    client.post(url, {"at": "2030-01-02T09:30"})
    draft.refresh_from_db()
    assert draft.status == "scheduled" and draft.scheduled_at.year == 2030
    assert AuditEvent.objects.filter(action="mail.campaign_schedule",
                                     actor="u-security_admin").exists()
    client.post(reverse("console:mail:campaign_action", args=[draft.pk, "cancel"]))
    draft.refresh_from_db()
    assert draft.status == "cancelled"
    # A finished campaign cannot be scheduled again.
    again = client.post(reverse("console:mail:campaign_action", args=[campaign.pk, "schedule"]),
                        follow=True)
    assert b"only a draft or scheduled one" in again.content


def test_pdf_export(client, campaign, django_user_model):
    from pypdf import PdfReader

    client.force_login(_user(django_user_model, RoleChoices.SECURITY_ADMIN))
    got = client.get(reverse("console:mail:campaign_pdf", args=[campaign.pk]))
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert got.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(got.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Awareness campaign: invoice" in text
    assert "Rosa Delgado" in text and "Click rate by department" in text
    assert "2 (50%)" in text  # clicked
    assert "Median time to click: 120 min after sending" in text
    assert reader.metadata.title == "Campaign report: invoice"
    event = AuditEvent.objects.get(action="mail.campaign_export")
    assert event.context["format"] == "pdf"


def test_pdf_without_a_unicode_font_still_renders(campaign, tmp_path):
    from pypdf import PdfReader

    from vaultdoor.mail.campaign_pdf import FONT_CANDIDATES, report_pdf

    Campaign.objects.filter(pk=campaign.pk).update(name="Łódź invoice")
    campaign.refresh_from_db()
    report = campaign_report(campaign)
    plain = PdfReader(io.BytesIO(report_pdf(report, fonts=(tmp_path / "none.ttf",))))
    assert "Awareness campaign: ?ód? invoice" in plain.pages[0].extract_text()
    unicode_pdf = report_pdf(report)
    if any(path.is_file() for path in FONT_CANDIDATES):
        text = PdfReader(io.BytesIO(unicode_pdf)).pages[0].extract_text()
        assert "Łódź invoice" in text


def test_pdf_with_many_targets_spans_pages(campaign):
    from pypdf import PdfReader

    from vaultdoor.mail.campaign_pdf import report_pdf

    for n in range(120):
        CampaignTarget.objects.create(campaign=campaign, address=f"bulk{n}@{ORG}",
                                      name=f"Bulk {n}")
    reader = PdfReader(io.BytesIO(report_pdf(campaign_report(campaign))))
    assert len(reader.pages) >= 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert all(f"Bulk {n} " in text for n in range(120))
    assert "page 3" in reader.pages[2].extract_text()


def test_new_campaign_form(client, django_user_model, campaign):
    from vaultdoor.people.models import Person

    site = Person.objects.first().site
    user = django_user_model.objects.create_user("billing-1", email=f"b1@{ORG}")
    person = Person.objects.create(site=site, code="B1", name="Bea One", kind="employee",
                                   department="Billing")
    account = account_for(user)
    account.person = person
    account.save()
    admin = _user(django_user_model, RoleChoices.SECURITY_ADMIN)
    client.force_login(admin)
    form = client.get(reverse("console:mail:campaign_new"))
    assert form.status_code == 200 and b'<option value="Billing">' in form.content
    fields = {"name": "payslip", "subject": "Your payslip", "from_address": "hr@pay.example",
              "html_body": "<p>no link</p>", "landing_url": "https://training.example/",
              "smtp_host": "127.0.0.1", "smtp_port": "25", "per_minute": "30",
              "assign_training": "clicked", "department": ""}
    bad = client.post(reverse("console:mail:campaign_new"), fields)
    assert bad.status_code == 400
    assert b"needs {{ link }}" in bad.content and b"Choose a department, a role" in bad.content
    unknown = client.post(reverse("console:mail:campaign_new"), {**fields, "people": "E0 ZZ9"})
    assert unknown.status_code == 400 and b"No person with the code ZZ9" in unknown.content
    assert not Campaign.objects.filter(name="payslip").exists()
    fields.update(html_body='<a href="{{ link }}">payslip</a>', department="Billing",
                  people="B1")  # already in Billing: not targeted twice
    made = client.post(reverse("console:mail:campaign_new"), fields)
    assert made.status_code == 302
    created = Campaign.objects.get(name="payslip")
    assert created.status == "draft" and [t.address for t in created.targets.all()] == [
        f"b1@{ORG}"]
    event = AuditEvent.objects.get(action="mail.campaign_create")
    assert event.actor == "u-security_admin" and event.context["targets"] == 1
    # Without mail.add_campaign: 403 (and nothing made).
    client.force_login(_user(django_user_model, RoleChoices.AUDITOR))
    assert client.get(reverse("console:mail:campaign_new")).status_code == 403
    assert client.post(reverse("console:mail:campaign_new"),
                       {**fields, "name": "x"}).status_code == 403
    assert not Campaign.objects.filter(name="x").exists()


def test_new_campaign_from_a_template(client, django_user_model, campaign):
    from vaultdoor.mail.models import MessageTemplate

    template = MessageTemplate.objects.create(
        name="invoice", subject="Invoice 4471 overdue", from_address="ap@vendor.example",
        html_body='<p>Dear {{ name }}, <a href="{{ link }}">pay now</a></p>')
    client.force_login(_user(django_user_model, RoleChoices.SECURITY_ADMIN))
    fields = {"name": "from-template", "template": str(template.pk), "subject": "",
              "from_address": "", "html_body": "", "landing_url": "https://training.example/",
              "smtp_host": "127.0.0.1", "smtp_port": "25", "per_minute": "30",
              "assign_training": "clicked", "department": "Billing"}
    made = client.post(reverse("console:mail:campaign_new"), fields)
    assert made.status_code == 302, made.content.decode()[:2000]
    created = Campaign.objects.get(name="from-template")
    assert (created.subject, created.from_address, created.template) == (
        "Invoice 4471 overdue", "ap@vendor.example", template)
    assert "pay now" in created.html_body
    # Without a template the three are required.
    bare = client.post(reverse("console:mail:campaign_new"),
                       {**fields, "name": "bare", "template": ""})
    assert bare.status_code == 400 and b"Required (or choose a template)" in bare.content


def _with_mail_address(code: str) -> None:
    """Give the person `code` a console account with a mail address (campaigns need one)."""
    from django.contrib.auth import get_user_model

    from vaultdoor.identity.services.accounts import account_for
    from vaultdoor.people.models import Person

    user = get_user_model().objects.create_user(code.lower(), email=f"{code.lower()}@{ORG}")
    account = account_for(user)
    account.person = Person.objects.get(code=code)
    account.save()


def test_cli_message_template(tmp_path, campaign):
    from click.testing import CliRunner

    from vaultdoor.cli.mail import mail
    from vaultdoor.mail.models import MessageTemplate

    body = tmp_path / "t.html"
    body.write_text("<p>no link</p>", encoding="utf-8")
    runner = CliRunner()
    args = ["campaign", "template", "parcel", "--subject", "Your parcel", "--from",
            "track@parce1.example", "--html-file", str(body)]
    assert runner.invoke(mail, args).exit_code == 2  # no {{ link }}
    body.write_text('<a href="{{ link }}">track</a>', encoding="utf-8")
    assert runner.invoke(mail, args).exit_code == 0
    assert AuditEvent.objects.filter(action="mail.message_template_change").count() == 1
    base = ["campaign", "create", "parcels", "--landing-url", "https://t.example/",
            "--department", "Billing"]
    assert runner.invoke(mail, base).exit_code == 2  # neither template nor message
    assert runner.invoke(mail, [*base, "--template", "nope"]).exit_code == 2
    nobody = runner.invoke(mail, [*base, "--template", "parcel"])
    assert nobody.exit_code == 2 and "nobody to send to" in nobody.output
    assert not Campaign.objects.filter(name="parcels").exists()  # nothing kept
    _with_mail_address("E0")
    made = runner.invoke(mail, [*base, "--template", "parcel", "--subject", "Parcel held"])
    assert made.exit_code == 0, made.output
    created = Campaign.objects.get(name="parcels")
    assert created.subject == "Parcel held" and created.from_address == "track@parce1.example"
    assert created.template == MessageTemplate.objects.get(name="parcel")


def test_a_large_campaign_page_is_paginated(client, campaign, django_user_model, monkeypatch):
    from vaultdoor.mail.views import console

    monkeypatch.setattr(console, "TARGETS_PER_PAGE", 3)
    client.force_login(_user(django_user_model, RoleChoices.SECURITY_ADMIN))
    url = reverse("console:mail:campaign", args=[campaign.pk])
    first = client.get(url).content.decode()
    assert first.count("@lakeside-cs.example</span>") == 3
    assert "3 of 4; all of them in the CSV and the PDF" in first
    assert "?page=2" in first
    second = client.get(f"{url}?page=2").content.decode()
    assert second.count("@lakeside-cs.example</span>") == 1
    assert client.get(f"{url}?page=nonsense").status_code == 200  # the first page


def test_a_draft_campaign_page(client, django_user_model):
    draft = Campaign.objects.create(name="draft", subject="s", from_address="a@b.example",
                                    html_body="{{ link }}", landing_url="https://t.example/")
    client.force_login(_user(django_user_model, RoleChoices.SECURITY_ADMIN))
    page = client.get(reverse("console:mail:campaign", args=[draft.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="schedule"' in html and 'id="cancel"' in html
    assert "chart-timeline" not in html and "Nothing sent yet." in html
    for name in ("console:mail:campaign_csv", "console:mail:campaign_pdf"):
        assert client.get(reverse(name, args=[draft.pk])).status_code == 200
    # Read-only without mail.change_campaign: no action buttons.
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_campaign"))
    client.force_login(viewer)
    html = client.get(reverse("console:mail:campaign", args=[draft.pk])).content.decode()
    assert 'id="schedule"' not in html and 'id="cancel"' not in html
    assert 'id="assign-training"' not in html


def test_people_without_a_department_are_grouped_by_role(campaign):
    from vaultdoor.access.models import Role
    from vaultdoor.people.models import Person

    site = Person.objects.first().site
    role = Role.objects.create(site=site, code="agent-day", name="Day agent")
    for n in range(2):
        person = Person.objects.create(site=site, code=f"R{n}", name=f"Role Person {n}",
                                       kind="employee", role=role)
        CampaignTarget.objects.create(campaign=campaign, person=person, address=f"r{n}@{ORG}",
                                      name=person.name, sent_at=campaign.started_at,
                                      clicked_at=campaign.started_at if n else None)
    groups = {d["department"]: d for d in campaign_report(campaign).departments}
    assert groups["Day agent"]["sent"] == 2 and groups["Day agent"]["click_rate"] == 50.0
    assert set(groups) == {"Billing", "Sales", "Day agent"}
    row = next(r for r in campaign_report(campaign).rows if r["name"] == "Role Person 1")
    assert (row["department"], row["role"]) == ("", "Day agent")


def test_an_auditor_reads_campaign_results_but_changes_nothing(client, campaign,
                                                               django_user_model):
    client.force_login(_user(django_user_model, RoleChoices.AUDITOR))
    assert client.get(reverse("console:mail:campaign_list")).status_code == 200
    assert client.get(reverse("console:mail:campaign", args=[campaign.pk])).status_code == 200
    assert client.get(reverse("console:mail:training_list")).status_code == 200
    assert client.get(reverse("console:mail:campaign_new")).status_code == 403
    assert client.get(reverse("console:mail:quarantine_list")).status_code == 403


@pytest.mark.parametrize(("extra", "says"), [
    (["--from", "notanaddress"], "--from"),
    (["--smtp", "mail.example:smtp"], "--smtp"),
    (["--html-file", "/nonexistent/body.html"], "--html-file"),
    (["--landing-url", "not a url"], "--landing-url"),
])
def test_cli_campaign_create_names_the_bad_option(campaign, tmp_path, extra, says):
    from click.testing import CliRunner

    from vaultdoor.cli.mail import mail

    body = tmp_path / "b.html"
    body.write_text('<a href="{{ link }}">x</a>', encoding="utf-8")
    _with_mail_address("E0")
    args = ["campaign", "create", "checked", "--subject", "s", "--from", "a@b.example",
            "--html-file", str(body), "--landing-url", "https://t.example/",
            "--department", "Billing"]
    for flag, value in zip(extra[::2], extra[1::2], strict=True):
        if flag in args:
            args[args.index(flag) + 1] = value
        else:
            args += [flag, value]
    result = CliRunner().invoke(mail, args)
    assert result.exit_code == 2, result.output
    assert says in result.output and "Traceback" not in result.output
    assert not Campaign.objects.filter(name="checked").exists()


def test_cli_campaign_create_refuses_a_name_too_long(campaign, tmp_path):
    from click.testing import CliRunner

    from vaultdoor.cli.mail import mail

    body = tmp_path / "b.html"
    body.write_text('<a href="{{ link }}">x</a>', encoding="utf-8")
    _with_mail_address("E0")
    result = CliRunner().invoke(mail, [
        "campaign", "create", "x" * 500, "--subject", "s", "--from", "a@b.example",
        "--html-file", str(body), "--landing-url", "https://t.example/", "--department",
        "Billing"])
    assert result.exit_code == 2 and "NAME" in result.output
