"""Console pages for what campaigns are made from: message templates, landing pages and
training modules (list, page, new, edit): permissions, the shared rules, audit, and previews
that never let a template's HTML run in the console."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from vaultdoor.audit.models import AuditEvent
from vaultdoor.mail.models import MessageTemplate

pytestmark = pytest.mark.django_db

HOSTILE_HTML = (
    '<html><body><script>alert("owned")</script><p onmouseover="steal()">Hello {{ name }},'
    '</p><img src="https://tracker.example/x.gif" onerror="alert(1)"><style>p{color:red}</style>'
    '<iframe src="https://evil.example/"></iframe>'
    '<p>Your payslip is ready: <a href="{{ link }}">open payroll</a></p></body></html>'
)


def grant(user, *names):
    for name in names:
        app, codename = name.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app,
                                                         codename=codename))


def user_with(django_user_model, username, *perms):
    user = django_user_model.objects.create_user(username)
    grant(user, *perms)
    return user


@pytest.fixture
def template():
    return MessageTemplate.objects.create(name="payroll", subject="Your payslip",
                                          from_address="payroll@lakes1de.example",
                                          html_body=HOSTILE_HTML)


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# --- message templates -------------------------------------------------------------------


def test_template_pages_need_their_permissions(client, django_user_model, template):
    viewer = user_with(django_user_model, "viewer", "mail.view_messagetemplate")
    client.force_login(viewer)
    listing = client.get(reverse("console:mail:message_template_list"))
    assert listing.status_code == 200 and "payroll" in listing.content.decode()
    assert 'id="new-message_template"' not in listing.content.decode()
    page = client.get(reverse("console:mail:message_template", args=[template.pk]))
    assert page.status_code == 200 and 'id="edit"' not in page.content.decode()
    assert client.get(reverse("console:mail:message_template_new")).status_code == 403
    assert client.post(reverse("console:mail:message_template_new"), {}).status_code == 403
    edit = reverse("console:mail:message_template_edit", args=[template.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"name": "x", "subject": "x", "from_address": "a@b",
                              "html_body": "{{ link }}"}).status_code == 403
    template.refresh_from_db()
    assert template.name == "payroll"
    client.logout()
    assert client.get(reverse("console:mail:message_template_list")).status_code == 302


def test_template_preview_never_renders_the_html(client, django_user_model, template):
    client.force_login(user_with(django_user_model, "viewer", "mail.view_messagetemplate"))
    response = client.get(reverse("console:mail:message_template", args=[template.pk]))
    body = response.content.decode()
    # Nothing of the template is live markup: no script, handler, image, style or frame.
    for live in ("<script>alert", "onmouseover=\"steal", "<img src=\"https://tracker",
                 "onerror=\"alert", "<style>p", "<iframe src=\"https://evil"):
        assert live not in body, live
    assert "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;" in body  # the source
    assert "open payroll" in body and "Your payslip is ready" in body      # the text
    assert "<iframe" not in body  # no frame of any kind: the preview is text
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp or "default-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_new_template_is_checked_saved_and_audited(client, django_user_model):
    client.force_login(user_with(django_user_model, "author", "mail.add_messagetemplate",
                                 "mail.view_messagetemplate"))
    url = reverse("console:mail:message_template_new")
    assert client.get(url).status_code == 200
    fields = {"name": "it-reset", "subject": "Password expiry", "from_address":
              "it@lakes1de.example", "html_body": "<p>Reset here</p>"}
    refused = client.post(url, fields)
    assert refused.status_code == 400
    assert "needs {{ link }}" in refused.content.decode()
    assert not MessageTemplate.objects.exists() and not _events("mail.message_template_change")
    made = client.post(url, {**fields, "html_body": '<a href="{{ link }}">Reset</a>'})
    created = MessageTemplate.objects.get(name="it-reset")
    assert made.status_code == 302
    assert made["Location"] == reverse("console:mail:message_template", args=[created.pk])
    [event] = _events("mail.message_template_change")
    assert event.actor == "author" and event.target_id == str(created.pk)
    assert event.context["created"] is True and event.context["name"] == "it-reset"
    duplicate = client.post(url, {**fields, "html_body": "{{ link }}"})
    assert duplicate.status_code == 400 and "already exists" in duplicate.content.decode()


def test_edit_template_records_what_changed(client, django_user_model, template):
    client.force_login(user_with(django_user_model, "editor", "mail.change_messagetemplate",
                                 "mail.view_messagetemplate"))
    url = reverse("console:mail:message_template_edit", args=[template.pk])
    form = client.get(url).content.decode()
    assert "payroll@lakes1de.example" in form and "&lt;script&gt;" in form  # escaped in textarea
    response = client.post(url, {"name": "payroll", "subject": "Payslip (corrected)",
                                 "from_address": template.from_address,
                                 "html_body": template.html_body})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.subject == "Payslip (corrected)"
    [event] = _events("mail.message_template_change")
    assert event.context["created"] is False and event.context["changed"] == ["subject"]
    assert client.post(reverse("console:mail:message_template_edit", args=[999_999]),
                       {}).status_code == 404


def test_template_rules_are_the_clis(client, django_user_model):
    """The console and `vaultdoor mail campaign template` refuse the same things."""
    from django.core.exceptions import ValidationError

    from vaultdoor.mail.library import check_message_template

    with pytest.raises(ValidationError) as caught:
        check_message_template(subject=" ", from_address="x" * 255, html_body="no link")
    assert set(caught.value.message_dict) == {"subject", "from_address", "html_body"}
    check_message_template(subject="ok", from_address="a@b.example", html_body="{{ link }}")


def test_campaign_list_links_the_library(client, django_user_model):
    client.force_login(user_with(django_user_model, "lister", "mail.view_campaign",
                                 "mail.view_messagetemplate", "mail.view_landingpage"))
    body = client.get(reverse("console:mail:campaign_list")).content.decode()
    assert 'id="message-templates"' in body and 'id="landing-pages"' in body
    assert 'id="training-modules"' not in body  # no view_trainingmodule

