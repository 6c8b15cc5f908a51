"""Training assignments after a campaign click or submission, and the portal's "my training"
and "my reports" pages: each person sees only their own, completion is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vaultdoor.audit.models import AuditEvent
from vaultdoor.mail.campaigns import add_targets, note_fetch, note_submit
from vaultdoor.mail.models import (
    Campaign,
    CampaignTarget,
    PhishReport,
    TrainingAssignment,
    TrainingModule,
)
from vaultdoor.mail.training import BUILTIN_CODE, assign_results

from .conftest import ORG

pytestmark = pytest.mark.django_db(transaction=True)


def _campaign(**extra) -> Campaign:
    campaign = Campaign.objects.create(
        name=extra.pop("name", "invoice"), subject="Overdue invoice",
        from_address="ap@vendor.example", html_body="{{ link }}",
        landing_url="https://training.example/", **extra)
    add_targets(campaign, department="billing")
    return campaign


def _click(campaign: Campaign, address: str) -> CampaignTarget:
    target = campaign.targets.get(address=address)
    note_fetch(f"campaign:{campaign.pk}:{target.pk}", human=True)
    target.refresh_from_db()
    return target


def test_a_click_assigns_the_builtin_module_once(billing):
    campaign = _campaign()
    rosa = _click(campaign, f"rosa@{ORG}")
    note_fetch(f"campaign:{campaign.pk}:{rosa.pk}", human=True)  # clicks again
    note_fetch(f"campaign:{campaign.pk}:{rosa.pk}", human=False)  # a scanner: nothing
    assignment = TrainingAssignment.objects.get()
    assert assignment.person == billing[0] and assignment.module.code == BUILTIN_CODE
    assert assignment.reason == "clicked" and assignment.target == rosa
    assert assignment.due_at is not None and assignment.completed_at is None
    assert AuditEvent.objects.filter(action="mail.training_assign").count() == 1
    # Omar only had a scanner fetch: nothing assigned.
    omar = campaign.targets.get(address=f"omar@{ORG}")
    note_fetch(f"campaign:{campaign.pk}:{omar.pk}", human=False)
    assert not TrainingAssignment.objects.filter(person=billing[1]).exists()


def test_submitted_only_rule_and_own_module(billing):
    module = TrainingModule.objects.create(code="creds", title="Never type passwords",
                                           body="One.\n\nTwo.")
    campaign = _campaign(training_module=module, assign_training="submitted")
    rosa = _click(campaign, f"rosa@{ORG}")
    assert not TrainingAssignment.objects.exists()
    assert note_submit(rosa, fetch="browser")
    assignment = TrainingAssignment.objects.get()
    assert (assignment.module, assignment.reason) == (module, "submitted")
    none = _campaign(name="none", assign_training="none")
    _click(none, f"omar@{ORG}")
    assert TrainingAssignment.objects.count() == 1


def test_backfill_after_the_rule_changed(billing):
    campaign = _campaign(assign_training="none")
    _click(campaign, f"rosa@{ORG}")
    _click(campaign, f"omar@{ORG}")
    assert not TrainingAssignment.objects.exists()
    Campaign.objects.filter(pk=campaign.pk).update(assign_training="clicked")
    campaign.refresh_from_db()
    assert assign_results(campaign, actor="alice") == 2
    assert assign_results(campaign, actor="alice") == 0
    assert AuditEvent.objects.filter(action="mail.training_assign", actor="alice").count() == 2


def _login(client, person):
    user = person.account.user
    client.force_login(user)
    return user


def test_portal_my_training_read_and_complete(client, billing):
    campaign = _campaign()
    _click(campaign, f"rosa@{ORG}")
    _click(campaign, f"omar@{ORG}")
    rosa_assignment = TrainingAssignment.objects.get(person=billing[0])
    omar_assignment = TrainingAssignment.objects.get(person=billing[1])
    _login(client, billing[0])
    page = client.get(reverse("mail:my_training"))
    assert page.status_code == 200
    assert b"Spotting phishing: the basics" in page.content
    module = client.get(reverse("mail:training_module", args=[rosa_assignment.pk]))
    assert module.status_code == 200 and b"mark complete" in module.content
    # Omar's assignment is not Rosa's to see or complete.
    other = reverse("mail:training_module", args=[omar_assignment.pk])
    assert client.get(other).status_code == 404
    assert client.post(other).status_code == 404
    done = client.post(reverse("mail:training_module", args=[rosa_assignment.pk]))
    assert done.status_code == 302
    rosa_assignment.refresh_from_db()
    omar_assignment.refresh_from_db()
    assert rosa_assignment.completed_at is not None and omar_assignment.completed_at is None
    event = AuditEvent.objects.get(action="mail.training_complete")
    assert event.actor == "e1" and event.target_id == str(rosa_assignment.pk)
    listing = client.get(reverse("mail:my_training"))
    assert b"Completed: Spotting phishing" in listing.content
    assert b"Nothing to do" in listing.content
    client.post(reverse("mail:training_module", args=[rosa_assignment.pk]))
    assert AuditEvent.objects.filter(action="mail.training_complete").count() == 1


def test_portal_my_reports_shows_outcomes_of_my_reports_only(client, billing):
    rosa, omar = billing[0], billing[1]
    PhishReport.objects.create(reporter=f"rosa@{ORG}", person=rosa, channel="forward",
                               subject="Your parcel is waiting", status="phishing")
    PhishReport.objects.create(reporter=f"rosa@{ORG}", channel="one_click",
                               subject="Team lunch", status="benign")
    PhishReport.objects.create(reporter=f"omar@{ORG}", person=omar, channel="forward",
                               subject="Omar's secret report")
    campaign = _campaign()
    CampaignTarget.objects.filter(campaign=campaign, person=rosa).update(
        reported_at=campaign.created)
    _login(client, rosa)
    page = client.get(reverse("mail:my_reports"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Your parcel is waiting" in body and "Phishing: confirmed" in body
    assert "Team lunch" in body and "Safe: a legitimate message." in body
    assert "Omar&#x27;s secret report" not in body and "Omar's secret report" not in body
    assert "Overdue invoice" in body and "well spotted" in body


def test_portal_pages_need_login_and_nothing_else(client, django_user_model):
    for name in ("mail:my_training", "mail:my_reports"):
        assert client.get(reverse(name)).status_code == 302
    assert client.get(reverse("mail:training_module", args=[1])).status_code == 302
    # An account without a person record sees empty pages, not errors.
    client.force_login(django_user_model.objects.create_user("loner"))
    assert client.get(reverse("mail:my_training")).status_code == 200
    assert client.get(reverse("mail:my_reports")).status_code == 200
    assert client.get(reverse("mail:training_module", args=[1])).status_code == 404


def test_a_simulated_phish_is_reported_from_the_portal_like_any_message(client, billing, sink):
    import re

    from vaultdoor.mail.campaigns import campaign_summary, send_campaign
    from vaultdoor.mail.models import Delivery

    campaign = _campaign(smtp_port=sink.port, per_minute=6000)
    send_campaign(campaign, click_base="https://vd.example", sleep=lambda s: None)
    Delivery.objects.create(ref="18f0a1b2c3d4e5f6a7b8.0", recipient=f"rosa@{ORG}",
                            from_header="Payroll <payroll@lakeside-cs.example>",
                            subject="Real payslip", verdict="clean")
    _login(client, billing[0])
    page = client.get(reverse("mail:mine")).content.decode()
    assert "Overdue invoice" in page and "Real payslip" in page
    refs = re.findall(r'name="ref" value="([^"]+)"', page)
    # Both look alike: nothing on the page says which is the exercise.
    assert len(refs) == 2 and all(re.fullmatch(r"[0-9a-f]+\.0", r) for r in refs)
    assert "campaign" not in page.lower()
    rosa = campaign.targets.get(address=f"rosa@{ORG}")
    done = client.post(reverse("mail:mine"), {"ref": rosa.message_ref}, follow=True)
    assert b"Reported. Thank you." in done.content
    rosa.refresh_from_db()
    assert rosa.reported_at is not None and campaign_summary(campaign)["reported"] == 1
    assert not PhishReport.objects.exists()  # credited to the campaign, not queued for triage
    assert AuditEvent.objects.filter(action="mail.report", target_id=str(rosa.pk)).exists()
    again = client.post(reverse("mail:mine"), {"ref": rosa.message_ref}, follow=True)
    assert b"Already reported." in again.content
    # Omar's exercise is not Rosa's to report.
    omar = campaign.targets.get(address=f"omar@{ORG}")
    assert client.post(reverse("mail:mine"), {"ref": omar.message_ref}).status_code == 404
    omar.refresh_from_db()
    assert omar.reported_at is None
    assert "well spotted" in client.get(reverse("mail:my_reports")).content.decode()


def test_cli_training_module_and_campaign_rule(billing, tmp_path):
    from click.testing import CliRunner

    from vaultdoor.cli.mail import mail

    text = tmp_path / "lesson.txt"
    text.write_text("Never type a password.\n\nReport instead.", encoding="utf-8")
    runner = CliRunner()
    made = runner.invoke(mail, ["campaign", "training-module", "passwords", "--title",
                                "Passwords stay home", "--text-file", str(text)])
    assert made.exit_code == 0, made.output
    assert AuditEvent.objects.filter(action="mail.training_module_change").exists()
    assert runner.invoke(mail, ["campaign", "training-module", "Bad Code!", "--title", "t",
                                "--text-file", str(text)]).exit_code == 2
    body = tmp_path / "b.html"
    body.write_text("{{ link }}", encoding="utf-8")
    base = ["campaign", "create", "c", "--subject", "s", "--from", "a@b.example",
            "--html-file", str(body), "--landing-url", "https://t.example/", "--department",
            "Billing"]
    assert runner.invoke(mail, [*base, "--training-module", "nope"]).exit_code == 2
    ok = runner.invoke(mail, [*base, "--training-module", "passwords", "--assign-training",
                              "submitted"])
    assert ok.exit_code == 0, ok.output
    campaign = Campaign.objects.get(name="c")
    assert campaign.training_module.code == "passwords"
    assert campaign.assign_training == "submitted"


def test_console_training_list(client, billing, django_user_model):
    from datetime import timedelta

    from django.utils import timezone

    from vaultdoor.identity.roles import sync_roles
    from vaultdoor.identity.services.accounts import account_for, assign_role

    campaign = _campaign()
    _click(campaign, f"rosa@{ORG}")
    _click(campaign, f"omar@{ORG}")
    TrainingAssignment.objects.filter(person=billing[1]).update(
        due_at=timezone.now() - timedelta(days=1))
    TrainingAssignment.objects.filter(person=billing[0]).update(completed_at=timezone.now())
    sync_roles()
    admin = django_user_model.objects.create_user("sec")
    assign_role(account_for(admin), "security_admin")
    client.force_login(admin)
    url = reverse("console:mail:training_list")
    open_page = client.get(url).content.decode()
    assert "Omar Haddad" in open_page and "overdue" in open_page
    assert "Rosa Delgado" not in open_page
    done = client.get(url, {"state": "completed"}).content.decode()
    assert "Rosa Delgado" in done and "Omar Haddad" not in done
    assert "Omar Haddad" in client.get(url, {"state": "overdue"}).content.decode()
    assert "Omar" in client.get(url, {"state": "all", "q": "Omar"}).content.decode()
    agent = django_user_model.objects.create_user("agent-x")
    assign_role(account_for(agent), "agent")
    client.force_login(agent)
    assert client.get(url).status_code == 403


def test_the_account_page_says_how_much_training_is_waiting(client, billing):
    campaign = _campaign()
    _click(campaign, f"rosa@{ORG}")
    _login(client, billing[0])
    page = client.get(reverse("identity:portal")).content.decode()
    assert 'id="training-to-do">1 to do<' in page
    TrainingAssignment.objects.update(completed_at=campaign.created)
    assert "training-to-do" not in client.get(reverse("identity:portal")).content.decode()


def test_a_campaign_message_that_came_through_the_gateway(client, billing, sink):
    """Listed once in /m/mine/ (as the delivery), and its one-click report is credited to the
    campaign and leaves the triage queue."""
    from vaultdoor.mail.campaigns import send_campaign
    from vaultdoor.mail.models import Delivery

    campaign = _campaign(smtp_port=sink.port, per_minute=6000)
    send_campaign(campaign, click_base="https://vd.example", sleep=lambda s: None)
    rosa = campaign.targets.get(address=f"rosa@{ORG}")
    Delivery.objects.create(ref="18f0a1b2c3d4e5f6a7b8.0", recipient=f"rosa@{ORG}",
                            from_header="ap@vendor.example", subject="Overdue invoice",
                            message_id=f"<{rosa.message_ref}@vendor.example>", verdict="clean")
    _login(client, billing[0])
    page = client.get(reverse("mail:mine")).content.decode()
    assert page.count("Overdue invoice") == 1 and "18f0a1b2c3d4e5f6a7b8.0" in page
    client.post(reverse("mail:mine"), {"ref": "18f0a1b2c3d4e5f6a7b8.0"})
    report = PhishReport.objects.get()
    assert report.status == "phishing" and report.triaged_at is not None
    rosa.refresh_from_db()
    assert rosa.reported_at is not None
    assert AuditEvent.objects.filter(action="mail.triage", target_id=str(report.pk)).exists()
    # Omar's report of a message whose id is Rosa's exercise: not credited, left for triage.
    Delivery.objects.create(ref="18f0a1b2c3d4e5f6a7b9.0", recipient=f"omar@{ORG}",
                            message_id=f"<{rosa.message_ref}@vendor.example>", verdict="clean")
    _login(client, billing[1])
    client.post(reverse("mail:mine"), {"ref": "18f0a1b2c3d4e5f6a7b9.0"})
    assert PhishReport.objects.get(reporter=f"omar@{ORG}").status == "new"
