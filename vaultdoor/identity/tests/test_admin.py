"""The identity admin renders and never shows a token hash or session key."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vaultdoor.identity.choices import FailureKind
from vaultdoor.identity.models import AccountSession, ApiToken
from vaultdoor.identity.services import lockout
from vaultdoor.identity.services.accounts import account_for
from vaultdoor.identity.services.tokens import create_token

pytestmark = pytest.mark.django_db


def test_identity_admin_pages(client, django_user_model, fake_clock):
    root = django_user_model.objects.create_superuser("root", password="not-used-here-0")
    client.force_login(root)
    account = account_for(root)
    row, token = create_token(account, "feed", ["read"])
    AccountSession.objects.create(account=account, session_key="k" * 32, created=fake_clock())
    lockout.record_failure("mjones", FailureKind.PASSWORD)
    for model, pk in [("account", account.pk), ("apitoken", row.pk),
                      ("failurecounter", None), ("accountsession", None)]:
        page = client.get(reverse(f"admin:identity_{model}_changelist"))
        assert page.status_code == 200, model
        body = page.content.decode()
        assert row.secret_hash not in body and "k" * 32 not in body
        if pk is not None:
            change = client.get(reverse(f"admin:identity_{model}_change", args=[pk]))
            assert change.status_code == 200
            assert row.secret_hash not in change.content.decode()
    assert token.split(".")[1] not in ApiToken.objects.get().secret_hash


def test_admin_changes_to_access_levels_need_a_step_up(client, django_user_model, fake_clock):
    from vaultdoor.access.models import AccessLevel
    from vaultdoor.identity.constants import SESSION_SECOND_FACTOR_AT
    from vaultdoor.testing.seed import seed_example_site

    seed_example_site()
    level = AccessLevel.objects.select_related("site", "schedule").order_by("pk").first()
    site, original = level.site, level.name
    root = django_user_model.objects.create_superuser("root", password="not-used-here-0")
    client.force_login(root)
    change = reverse("admin:access_accesslevel_change", args=[level.pk])
    form = {"site": site.pk, "code": level.code, "name": "Renamed", "active": "on",
            "schedule": level.schedule_id,
            "zones": list(level.zones.values_list("pk", flat=True))}
    response = client.post(change, form, HTTP_REFERER=change)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:step_up"))
    level.refresh_from_db()
    assert level.name == original  # nothing changed without the step-up
    # reading needs none; a sensitive app's bulk action does
    assert client.get(change).status_code == 200
    assert client.post(reverse("admin:identity_apitoken_changelist"), {
        "action": "delete_selected", "_selected_action": []}
    )["Location"].startswith(reverse("identity:step_up"))

    session = client.session
    session[SESSION_SECOND_FACTOR_AT] = fake_clock().timestamp()
    session.save()
    response = client.post(change, form)
    assert response.status_code == 302 and "step-up" not in response["Location"], (
        response.content.decode()[:1500])
    level.refresh_from_db()
    assert level.name == "Renamed"


def test_admin_changes_elsewhere_need_no_step_up(client, django_user_model):

    root = django_user_model.objects.create_superuser("root", password="not-used-here-0")
    client.force_login(root)
    response = client.post(reverse("admin:facilities_site_add"), {
        "code": "s2", "name": "Site two", "timezone": "Europe/London"})
    assert "step-up" not in response.get("Location", "")


def _stepped_up_root(client, django_user_model, fake_clock):
    from vaultdoor.identity.constants import SESSION_SECOND_FACTOR_AT

    root = django_user_model.objects.create_superuser("root", password="not-used-here-0")
    client.force_login(root)
    session = client.session
    session[SESSION_SECOND_FACTOR_AT] = fake_clock().timestamp()
    session.save()
    return root


def test_admin_password_set_and_account_changes_are_audited(client, django_user_model,
                                                           fake_clock):
    from vaultdoor.audit.models import AuditEvent

    _stepped_up_root(client, django_user_model, fake_clock)
    mjones = django_user_model.objects.create_user("mjones", password="old-password-here-1")
    new = "blue-heron-quarry-71-new"
    response = client.post(reverse("admin:auth_user_password_change", args=[mjones.pk]),
                           {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="auth.password_reset")
    assert (event.actor, event.target_id, event.context["via"]) == ("root", "mjones", "admin")
    assert new not in str(event.context)
    assert AuditEvent.objects.filter(action="admin.change", target_type="auth.user").exists()

    account = account_for(mjones)
    response = client.post(reverse("admin:identity_account_change", args=[account.pk]), {
        "user": mjones.pk, "person": "", "must_change_reason": "",
        # second_factor_required left out: unticked
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    account.refresh_from_db()
    assert account.second_factor_required is False
    change = AuditEvent.objects.get(action="admin.change", target_type="identity.account")
    assert change.actor == "root" and change.context["fields"]


def test_staff_without_superuser_cannot_change_users_groups_or_accounts(client,
                                                                        django_user_model):
    """The admin has no takeover guard: only superusers change users, roles or accounts
    there; staff with every model permission may look."""
    from django.contrib.auth.models import Group, Permission

    from vaultdoor.identity.constants import SESSION_SECOND_FACTOR_AT

    staff = django_user_model.objects.create_user("it-staff", password="not-used-here-0",
                                                  is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(
        content_type__app_label__in=["auth", "identity"]))
    target = django_user_model.objects.create_superuser("boss", password="not-used-here-0")
    group = Group.objects.create(name="Anything")
    client.force_login(staff)
    session = client.session
    session[SESSION_SECOND_FACTOR_AT] = __import__("time").time()
    session.save()
    user_url = reverse("admin:auth_user_change", args=[target.pk])
    assert client.get(user_url).status_code == 200  # a read-only view
    refused = client.post(user_url, {"username": "boss", "is_superuser": "", "is_active": "on"})
    assert refused.status_code == 403
    target.refresh_from_db()
    assert target.is_superuser
    assert client.get(reverse("admin:auth_user_add")).status_code == 403
    assert client.post(reverse("admin:auth_group_delete", args=[group.pk]),
                       {"post": "yes"}).status_code == 403
    assert Group.objects.filter(pk=group.pk).exists()
    account = account_for(target)
    assert client.get(reverse("admin:identity_account_delete", args=[account.pk])
                      ).status_code == 403
