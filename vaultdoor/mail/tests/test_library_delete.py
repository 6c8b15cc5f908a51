"""Deleting what campaigns are made from (templates, landing pages, training modules, sending
profiles) in the console and the admin: a confirmation page, then an audited POST with a
reason and a single-use form; refused (400, nothing changed) while any campaign or training
assignment uses the thing; GET never deletes; `delete_` is needed; CSRF is checked."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from vaultdoor.audit.models import AuditEvent
from vaultdoor.mail.models import (
    Campaign,
    LandingPage,
    MessageTemplate,
    SendingProfile,
    TrainingAssignment,
    TrainingModule,
)

from .test_library_console import user_with

pytestmark = pytest.mark.django_db

REASON = "replaced by the 2027 lure"
FACTORIES = {
    "message_template": lambda: MessageTemplate.objects.create(
        name="payroll", subject="Your payslip", from_address="payroll@lakes1de.example",
        html_body="<p>{{ link }}</p>"),
    "landing_page": lambda: LandingPage.objects.create(name="o365", title="Sign in",
                                                       fields="Email\nPassword"),
    "training_module": lambda: TrainingModule.objects.create(
        code="creds", title="Never type passwords", body="One.\n\nTwo."),
    "sending_profile": lambda: SendingProfile.objects.create(name="relay",
                                                             host="smtp.example", port=25),
}
MODELS = {"message_template": "messagetemplate", "landing_page": "landingpage",
          "training_module": "trainingmodule", "sending_profile": "sendingprofile"}
CAMPAIGN_FIELD = {"message_template": "template", "landing_page": "landing_page",
                  "training_module": "training_module", "sending_profile": "profile"}


def _editor(django_user_model, kind, name="editor", *, delete=True):
    model = MODELS[kind]
    perms = [f"mail.view_{model}", f"mail.change_{model}"]
    return user_with(django_user_model, name, *perms, *([f"mail.delete_{model}"] if delete
                                                        else []))


def _campaign(name="invoice", status="finished", **uses) -> Campaign:
    return Campaign.objects.create(name=name, subject="Overdue invoice",
                                   from_address="ap@vendor.example", html_body="{{ link }}",
                                   landing_url="https://training.example/", status=status,
                                   **uses)


def _confirm(client, kind, obj):
    """The confirmation page and its single-use form id."""
    page = client.get(reverse(f"console:mail:{kind}_delete", args=[obj.pk]))
    assert page.status_code == 200
    found = re.search(r'name="once" value="([^"]+)"', page.content.decode())
    return page, found.group(1) if found else ""


def _delete(client, kind, obj, **data):
    _page, once = _confirm(client, kind, obj)
    return client.post(reverse(f"console:mail:{kind}_delete", args=[obj.pk]),
                       {"reason": REASON, "once": once, **data})


def _events(kind):
    return list(AuditEvent.objects.filter(action=f"mail.{kind}_delete").order_by("seq"))


@pytest.mark.parametrize("kind", list(FACTORIES))
def test_delete_from_the_page_is_confirmed_and_audited(client, django_user_model, kind):
    obj = FACTORIES[kind]()
    client.force_login(_editor(django_user_model, kind))
    detail = client.get(reverse(f"console:mail:{kind}", args=[obj.pk])).content.decode()
    assert reverse(f"console:mail:{kind}_delete", args=[obj.pk]) in detail
    response = _delete(client, kind, obj)
    assert response.status_code == 302
    assert response["Location"] == reverse(f"console:mail:{kind}_list")
    assert not type(obj).objects.filter(pk=obj.pk).exists()
    [event] = _events(kind)
    assert event.actor == "editor" and event.target_type == f"mail.{MODELS[kind]}"
    assert event.target_id == str(obj.pk) and event.context["reason"] == REASON
    named = event.context["module"] if kind == "training_module" else event.context["name"]
    assert named == (obj.code if kind == "training_module" else obj.name)


@pytest.mark.parametrize("kind", list(FACTORIES))
@pytest.mark.parametrize("status", ["draft", "sending", "finished", "cancelled"])
def test_in_use_by_any_campaign_is_refused_and_nothing_changes(client, django_user_model,
                                                               kind, status):
    obj = FACTORIES[kind]()
    campaign = _campaign(status=status, **{CAMPAIGN_FIELD[kind]: obj})
    client.force_login(_editor(django_user_model, kind))
    page, _once = _confirm(client, kind, obj)
    assert "invoice" in page.content.decode() and 'id="confirm-delete"' not in (
        page.content.decode())
    response = _delete(client, kind, obj)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Not deleted" in body and f"invoice ({status})" in body
    assert type(obj).objects.filter(pk=obj.pk).exists() and not _events(kind)
    campaign.refresh_from_db()
    assert getattr(campaign, f"{CAMPAIGN_FIELD[kind]}_id") == obj.pk


def test_a_training_module_with_assignments_is_refused_with_counts(client, django_user_model):
    from vaultdoor.facilities.models import Site
    from vaultdoor.people.models import Person

    module = FACTORIES["training_module"]()
    site = Site.objects.create(code="lakeside", name="Lakeside", timezone="Europe/London")
    for n, done in enumerate((False, True, True)):
        person = Person.objects.create(site=site, code=f"E{n}", name=f"P {n}", kind="employee")
        TrainingAssignment.objects.create(person=person, module=module, reason="manual",
                                          completed_at="2026-11-01T10:00Z" if done else None)
    client.force_login(_editor(django_user_model, "training_module"))
    response = _delete(client, "training_module", module)
    assert response.status_code == 400
    assert "3 training assignments (1 open, 2 completed)" in response.content.decode()
    assert TrainingModule.objects.filter(pk=module.pk).exists()
    assert TrainingAssignment.objects.count() == 3 and not _events("training_module")


def test_a_long_list_of_campaigns_is_cut_short(client, django_user_model):
    template = FACTORIES["message_template"]()
    for n in range(12):
        _campaign(name=f"wave-{n:02}", template=template)
    client.force_login(_editor(django_user_model, "message_template"))
    body = _delete(client, "message_template", template).content.decode()
    assert "12 campaigns use it" in body and "wave-09" in body and "and 2 more" in body
    assert "wave-11" not in body


def test_get_never_deletes(client, django_user_model):
    template = FACTORIES["message_template"]()
    client.force_login(_editor(django_user_model, "message_template"))
    url = reverse("console:mail:message_template_delete", args=[template.pk])
    for _ in range(2):
        assert client.get(url, {"reason": REASON}).status_code == 200
    assert client.head(url).status_code == 200
    assert MessageTemplate.objects.filter(pk=template.pk).exists()
    assert not _events("message_template")


def test_a_reason_is_needed(client, django_user_model):
    template = FACTORIES["message_template"]()
    client.force_login(_editor(django_user_model, "message_template"))
    response = _delete(client, "message_template", template, reason="")
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert MessageTemplate.objects.filter(pk=template.pk).exists()


@pytest.mark.parametrize("kind", list(FACTORIES))
def test_without_the_delete_permission_it_is_forbidden(client, django_user_model, kind):
    obj = FACTORIES[kind]()
    client.force_login(_editor(django_user_model, kind, delete=False))
    detail = client.get(reverse(f"console:mail:{kind}", args=[obj.pk])).content.decode()
    assert 'id="edit"' in detail and 'id="delete"' not in detail
    url = reverse(f"console:mail:{kind}_delete", args=[obj.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": REASON}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists() and not _events(kind)
    denied = AuditEvent.objects.filter(action="auth.permission_denied")
    assert all(f"mail.delete_{MODELS[kind]}" in e.context["needs"] for e in denied)
    assert len(denied) == 2


def test_a_resent_form_deletes_nothing_more(client, django_user_model):
    first, second = FACTORIES["message_template"](), MessageTemplate.objects.create(
        name="parcel", subject="Your parcel", from_address="a@b.example", html_body="{{ link }}")
    client.force_login(_editor(django_user_model, "message_template"))
    _page, once = _confirm(client, "message_template", first)
    post = {"reason": REASON, "once": once}
    assert client.post(reverse("console:mail:message_template_delete", args=[first.pk]),
                       post).status_code == 302
    # The same form sent again (here aimed at another template): its once is spent.
    again = client.post(reverse("console:mail:message_template_delete", args=[second.pk]),
                        post, follow=True)
    assert "sent already" in again.content.decode()
    # Without any once, or with one this session never saw, nothing either.
    for forged in ({"reason": REASON}, {"reason": REASON, "once": "made-up"}):
        client.post(reverse("console:mail:message_template_delete", args=[second.pk]), forged)
    assert list(MessageTemplate.objects.values_list("name", flat=True)) == ["parcel"]
    assert len(_events("message_template")) == 1


def test_csrf_is_checked(django_user_model):
    template = FACTORIES["message_template"]()
    client = Client(enforce_csrf_checks=True)
    client.force_login(_editor(django_user_model, "message_template"))
    _page, once = _confirm(client, "message_template", template)
    url = reverse("console:mail:message_template_delete", args=[template.pk])
    assert client.post(url, {"reason": REASON, "once": once}).status_code == 403
    assert MessageTemplate.objects.filter(pk=template.pk).exists()
    page, once = _confirm(client, "message_template", template)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                      page.content.decode()).group(1)
    assert client.post(url, {"reason": REASON, "once": once,
                             "csrfmiddlewaretoken": token}).status_code == 302
    assert not MessageTemplate.objects.filter(pk=template.pk).exists()


def test_the_admin_keeps_the_same_rule(client, django_user_model):
    staff = django_user_model.objects.create_superuser("boss", password="x" * 20)
    client.force_login(staff)
    used, spare = FACTORIES["message_template"](), MessageTemplate.objects.create(
        name="parcel", subject="Your parcel", from_address="a@b.example", html_body="{{ link }}")
    _campaign(template=used)
    # The template's link would only be emptied (SET_NULL): the admin still refuses.
    page = client.get(f"/admin/mail/messagetemplate/{used.pk}/delete/")
    assert "invoice (finished)" in page.content.decode()
    client.post(f"/admin/mail/messagetemplate/{used.pk}/delete/", {"post": "yes"})
    client.post("/admin/mail/messagetemplate/", {
        "action": "delete_selected", "post": "yes", "_selected_action": [used.pk, spare.pk]})
    assert set(MessageTemplate.objects.values_list("name", flat=True)) == {"payroll", "parcel"}
    assert Campaign.objects.get().template_id == used.pk
    assert not _events("message_template")
    # One nothing uses goes, recorded as the console's delete is.
    assert client.post(f"/admin/mail/messagetemplate/{spare.pk}/delete/",
                       {"post": "yes"}).status_code == 302
    assert list(MessageTemplate.objects.values_list("name", flat=True)) == ["payroll"]
    [event] = _events("message_template")
    assert event.actor == "boss" and event.context["name"] == "parcel"
    assert event.context["via"] == "admin"


def test_protect_is_the_last_guard(monkeypatch):
    """Should the rule miss a campaign (one made between the check and the delete),
    Django's PROTECT still stops it, as the same refusal, and nothing is recorded."""
    from vaultdoor.mail import library

    page = FACTORIES["landing_page"]()
    _campaign(landing_page=page)
    monkeypatch.setattr(library, "in_use", lambda obj: "")
    with pytest.raises(library.InUse, match="Not deleted"):
        library.delete_audited(page, actor="editor", reason=REASON)
    assert LandingPage.objects.filter(pk=page.pk).exists() and not _events("landing_page")


CLI_KINDS = {"message_template": ("template", "payroll"), "landing_page": ("landing-page", "o365"),
             "training_module": ("training-module", "creds"),
             "sending_profile": ("profile", "relay")}


@pytest.mark.parametrize("kind", sorted(FACTORIES))
def test_cli_delete_follows_the_same_rule(kind):
    from click.testing import CliRunner

    from vaultdoor.cli import main

    cli_kind, name = CLI_KINDS[kind]
    obj = FACTORIES[kind]()
    runner = CliRunner()
    used = _campaign(**{CAMPAIGN_FIELD[kind]: obj})
    refused = runner.invoke(main, ["mail", "campaign", "delete", cli_kind, name,
                                   "--reason", REASON])
    assert refused.exit_code == 1 and "invoice (finished)" in refused.output
    assert type(obj).objects.filter(pk=obj.pk).exists()
    used.delete()
    short = runner.invoke(main, ["mail", "campaign", "delete", cli_kind, name, "--reason", "x"])
    assert short.exit_code == 2 and "--reason" in short.output
    done = runner.invoke(main, ["mail", "campaign", "delete", cli_kind, name, "--reason", REASON])
    assert done.exit_code == 0, done.output
    assert not type(obj).objects.filter(pk=obj.pk).exists()
    event = AuditEvent.objects.get(action=f"mail.{kind}_delete")
    assert event.actor.startswith("cli") and event.context["reason"] == REASON
    missing = runner.invoke(main, ["mail", "campaign", "delete", cli_kind, name,
                                   "--reason", REASON])
    assert missing.exit_code == 2 and "no " in missing.output
