"""Console pages for what campaigns are made from: message templates, landing pages and
training modules (list, page, new, edit): permissions, the shared rules, audit, and previews
that never let a template's HTML run in the console."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultdoor.audit.models import AuditEvent
from vaultdoor.mail.models import LandingPage, MessageTemplate, TrainingModule

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



def test_cli_template_uses_the_same_rules(tmp_path):
    from click.testing import CliRunner

    from vaultdoor.cli.mail import mail

    body = tmp_path / "t.html"
    body.write_text("<p>no link</p>", encoding="utf-8")
    args = ["campaign", "template", "t1", "--subject", "Hi", "--from", "a@b.example",
            "--html-file", str(body)]
    refused = CliRunner().invoke(mail, args)
    assert refused.exit_code == 2
    assert "--html-file: The message needs {{ link }}" in refused.output
    assert not MessageTemplate.objects.exists()
    body.write_text('<a href="{{ link }}">x</a>', encoding="utf-8")
    assert CliRunner().invoke(mail, args).exit_code == 0
    assert CliRunner().invoke(mail, [*args[:4], "Hi again", *args[5:]]).exit_code == 0
    assert MessageTemplate.objects.get(name="t1").subject == "Hi again"
    assert [e.context["created"] for e in _events("mail.message_template_change")] == [True,
                                                                                       False]


# --- landing pages -----------------------------------------------------------------------

LANDING = {"name": "payroll", "title": "Payroll sign-in", "intro": "Use your staff number.",
           "fields": "Staff number\nPassword", "button": "Sign in"}


@pytest.fixture
def author(django_user_model):
    return user_with(django_user_model, "author", "mail.add_landingpage",
                     "mail.change_landingpage", "mail.view_landingpage",
                     "mail.add_trainingmodule", "mail.change_trainingmodule",
                     "mail.view_trainingmodule")


def test_new_landing_page_is_saved_audited_and_collects_nothing(client, author):
    client.force_login(author)
    response = client.post(reverse("console:mail:landing_page_new"), LANDING)
    page = LandingPage.objects.get(name="payroll")
    assert response.status_code == 302
    [event] = _events("mail.landing_page_change")
    assert event.actor == "author" and event.context["created"] is True
    shown = client.get(reverse("console:mail:landing_page", args=[page.pk])).content.decode()
    assert "Staff number" in shown and 'id="landing-preview"' in shown
    # The page people get: its only named control is the CSRF token.
    from django.template.loader import render_to_string

    from vaultdoor.mail.library import posted_names

    served = render_to_string("mail/landing.html", {"page": page, "inputs": page.inputs()})
    assert posted_names(served) == ([], [""])
    assert served.count("<input") == 2


@pytest.mark.parametrize(("field", "value", "says"), [
    ("fields", 'Email\n<input name="password">', "Plain text only"),
    ("title", "Sign in <b>now</b>", "Plain text only"),
    ("intro", "<form action=https://evil.example>", "Plain text only"),
    ("button", "<button name=pw>", "Plain text only"),
    ("fields", "\n".join(f"f{n}" for n in range(7)), "1 to 6 input labels"),
    ("fields", "  \n ", "This field is required"),
    ("fields", "x" * 81, "at most 80 characters"),
])
def test_landing_page_refuses_markup_and_bad_labels(client, author, field, value, says):
    client.force_login(author)
    response = client.post(reverse("console:mail:landing_page_new"), {**LANDING, field: value})
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not LandingPage.objects.exists() and not _events("mail.landing_page_change")


def test_landing_page_refuses_a_rendering_that_would_post_what_is_typed(settings, tmp_path):
    """The rule rests on the page as served: were the landing template ever to name an
    input, saving any landing page is refused, naming the input."""
    from django.core.exceptions import ValidationError

    from vaultdoor.mail.library import check_landing_page

    override = tmp_path / "mail"
    override.mkdir()
    (override / "landing.html").write_text(
        '<form method="post">{% for i in inputs %}<input name="{{ i.label|slugify }}">'
        "{% endfor %}</form>", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path)]}]
    page = LandingPage(name="p", title="t", fields="Email\nPassword", button="Go")
    with pytest.raises(ValidationError) as caught:
        check_landing_page(page)
    assert "would send what is typed into email, password" in str(caught.value)
    (override / "landing.html").write_text(
        '<form method="post" action="https://evil.example/"><input></form>', encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path)]}]  # uncached
    with pytest.raises(ValidationError, match="post back to vaultdoor only"):
        check_landing_page(page)


def test_edit_landing_page(client, author):
    page = LandingPage.objects.create(**LANDING)
    client.force_login(author)
    url = reverse("console:mail:landing_page_edit", args=[page.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {**LANDING, "fields": "Email\n<input name=x>"}).status_code == 400
    page.refresh_from_db()
    assert page.fields == LANDING["fields"]
    assert client.post(url, {**LANDING, "button": "Continue"}).status_code == 302
    page.refresh_from_db()
    [event] = _events("mail.landing_page_change")
    assert page.button == "Continue" and event.context["changed"] == ["button"]


def test_cli_landing_page_refuses_markup(db):
    from click.testing import CliRunner

    from vaultdoor.cli.mail import mail

    refused = CliRunner().invoke(mail, ["campaign", "landing-page", "x", "--title", "t",
                                        "--field", '<input name="pw">'])
    assert refused.exit_code == 2 and "--field: Plain text only" in refused.output
    assert not LandingPage.objects.exists()


# --- training modules --------------------------------------------------------------------

MODULE = {"code": "spot-the-phish", "title": "Spot the phish", "summary": "Five signs.",
          "minutes": "7", "body": "Look at the sender.\n\n<script>alert(1)</script> is text."}


def test_training_module_new_page_and_edit(client, author):
    client.force_login(author)
    made = client.post(reverse("console:mail:training_module_new"), MODULE)
    module = TrainingModule.objects.get(code="spot-the-phish")
    assert made.status_code == 302 and module.minutes == 7
    page = client.get(reverse("console:mail:training_module", args=[module.pk]))
    body = page.content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    url = reverse("console:mail:training_module_edit", args=[module.pk])
    assert client.post(url, {**MODULE, "minutes": "12"}).status_code == 302
    module.refresh_from_db()
    events = _events("mail.training_module_change")
    assert module.minutes == 12 and [e.context["created"] for e in events] == [True, False]
    assert events[1].context["changed"] == ["minutes"]
    assert events[1].context["module"] == module.code
    listing = client.get(reverse("console:mail:training_module_list")).content.decode()
    assert "Spot the phish" in listing and 'id="new-training_module"' in listing


@pytest.mark.parametrize(("field", "value", "says"), [
    ("code", "Spot The Phish", "lowercase letters"),
    ("minutes", "0", "1 to 240"),
    ("minutes", "241", "1 to 240"),
    ("body", "   ", "This field is required"),
    ("title", " ", "This field is required"),
])
def test_training_module_refusals(client, author, field, value, says):
    client.force_login(author)
    response = client.post(reverse("console:mail:training_module_new"), {**MODULE, field: value})
    assert response.status_code == 400 and says in response.content.decode()
    assert not TrainingModule.objects.exists()


def test_auditor_reads_training_modules_but_cannot_write_them(client, django_user_model):
    from vaultdoor.identity.roles import sync_roles
    from vaultdoor.identity.services.accounts import account_for, assign_role

    sync_roles()
    module = TrainingModule.objects.create(code="m1", title="M1", body="text")
    user = django_user_model.objects.create_user("assessor")
    assign_role(account_for(user), "auditor")
    client.force_login(user)
    assert client.get(reverse("console:mail:training_module", args=[module.pk])).status_code == 200
    assert client.get(reverse("console:mail:training_module_new")).status_code == 403
    assert client.post(reverse("console:mail:training_module_edit", args=[module.pk]),
                       {**MODULE, "title": "Changed"}).status_code == 403
    assert client.get(reverse("console:mail:message_template_list")).status_code == 403


# --- sending profiles --------------------------------------------------------------------


@pytest.fixture
def secrets_dir(tmp_path, monkeypatch):
    """A data directory with the console's password directory and one password in it."""
    monkeypatch.setenv("VAULTDOOR_DATA_DIR", str(tmp_path / "data"))
    allowed = tmp_path / "data" / "smtp-passwords"
    allowed.mkdir(parents=True)
    (allowed / "relay").write_text("s3cret-relay-pw", encoding="utf-8")
    return allowed


@pytest.fixture
def profiler(django_user_model):
    return user_with(django_user_model, "profiler", "mail.add_sendingprofile",
                     "mail.change_sendingprofile", "mail.view_sendingprofile")


PROFILE = {"name": "relay", "host": "smtp.internal.example", "port": "587",
           "security": "starttls", "username": "campaigns", "ca_file": ""}


def test_profile_made_in_the_console_names_a_file_never_a_password(client, profiler,
                                                                    secrets_dir):
    client.force_login(profiler)
    url = reverse("console:mail:sending_profile_new")
    assert client.get(url).status_code == 200
    inline = client.post(url, {**PROFILE, "password_file": "s3cret-relay-pw"})
    assert inline.status_code == 400 and "never the password itself" in inline.content.decode()
    made = client.post(url, {**PROFILE, "password_file": f"file:{secrets_dir}/relay"})
    assert made.status_code == 302
    from vaultdoor.mail.models import SendingProfile

    profile = SendingProfile.objects.get(name="relay")
    assert profile.password_file == f"file:{secrets_dir}/relay"
    [event] = _events("mail.sending_profile_change")
    assert event.context["host"] == "smtp.internal.example" and event.context["created"]
    page = client.get(reverse("console:mail:sending_profile", args=[profile.pk]))
    assert "s3cret-relay-pw" not in page.content.decode()
    assert "s3cret-relay-pw" not in str(event.context)
    edit = reverse("console:mail:sending_profile_edit", args=[profile.pk])
    assert client.post(edit, {**PROFILE, "port": "2525",
                              "password_file": profile.password_file}).status_code == 302
    assert _events("mail.sending_profile_change")[1].context["changed"] == ["port"]


@pytest.mark.parametrize("where", ["outside", "dotdot", "symlink", "missing"])
def test_console_password_file_stays_in_its_directory(client, profiler, secrets_dir, where):
    """From the console, a profile cannot point its login at any file the server can read
    (the secret key, vault keys): the sender would send it to the profile's server."""
    outside = secrets_dir.parent.parent / "secret.key"
    outside.write_text("server-secret-key", encoding="utf-8")
    (secrets_dir / "link").symlink_to(outside)
    reference = {"outside": f"file:{outside}",
                 "dotdot": f"file:{secrets_dir}/../../secret.key",
                 "symlink": f"file:{secrets_dir}/link",
                 "missing": f"file:{secrets_dir}/nope"}[where]
    client.force_login(profiler)
    response = client.post(reverse("console:mail:sending_profile_new"),
                           {**PROFILE, "password_file": reference})
    assert response.status_code == 400
    says = "No such file" if where == "missing" else "must be in the data directory&#x27;s"
    assert says in response.content.decode()
    assert where != "outside" or str(secrets_dir) not in response.content.decode()
    from vaultdoor.mail.models import SendingProfile

    assert not SendingProfile.objects.exists()


def test_cli_profile_may_name_any_file_but_the_same_rules_hold(tmp_path):
    from click.testing import CliRunner

    from vaultdoor.cli.mail import mail
    from vaultdoor.mail.models import SendingProfile

    secret = tmp_path / "pw"
    secret.write_text("pw", encoding="utf-8")
    base = ["campaign", "profile", "relay", "--smtp", "smtp.example:587", "--username", "u"]
    missing = CliRunner().invoke(mail, [*base, "--password-file", f"file:{tmp_path}/nope"])
    assert missing.exit_code == 2 and "--password-file: No such file" in missing.output
    assert CliRunner().invoke(mail, [*base, "--password-file", f"file:{secret}"]).exit_code == 0
    assert SendingProfile.objects.get(name="relay").password_file == f"file:{secret}"


def test_lists_do_not_query_per_row(client, django_user_model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vaultdoor.mail.models import SendingProfile

    client.force_login(django_user_model.objects.create_superuser("root", email=None))

    def add(n):
        for _ in range(n):
            k = MessageTemplate.objects.count()
            MessageTemplate.objects.create(name=f"t{k}", subject="s", from_address="a@b",
                                           html_body="{{ link }}")
            LandingPage.objects.create(name=f"p{k}", title="t")
            TrainingModule.objects.create(code=f"m{k}", title=f"M{k}", body="b")
            SendingProfile.objects.create(name=f"r{k}", host="smtp.example")

    names = ["message_template_list", "landing_page_list", "training_module_list",
             "sending_profile_list"]

    def queries():
        counts = []
        for name in names:
            with CaptureQueriesContext(connection) as seen:
                assert client.get(reverse(f"console:mail:{name}")).status_code == 200
            counts.append(len(seen))
        return counts

    add(2)
    few = queries()
    add(20)
    assert queries() == few


def test_admin_confines_the_password_file_as_the_console_does(client, django_user_model,
                                                              secrets_dir):
    from vaultdoor.mail.models import SendingProfile

    outside = secrets_dir.parent.parent / "secret.key"
    outside.write_text("server-secret-key", encoding="utf-8")
    client.force_login(django_user_model.objects.create_superuser("boss", email=None))
    fields = {**PROFILE, "port": "587"}
    refused = client.post("/admin/mail/sendingprofile/add/",
                          {**fields, "password_file": f"file:{outside}"})
    assert refused.status_code == 200 and b"smtp-passwords/ folder" in refused.content
    assert not SendingProfile.objects.exists()
    made = client.post("/admin/mail/sendingprofile/add/",
                       {**fields, "password_file": f"file:{secrets_dir}/relay"})
    assert made.status_code == 302 and SendingProfile.objects.filter(name="relay").exists()


# --- properties --------------------------------------------------------------------------

_texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=90)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_texts, intro=_texts, labels=st.lists(_texts, max_size=8), button=_texts)
def test_a_landing_page_that_passes_the_check_posts_nothing_typed(title, intro, labels,
                                                                  button):
    """Whatever an author types, a landing page the check accepts is served with no named
    control but the CSRF token and a form that posts back to itself; anything else is
    refused with a message naming a field."""
    from django.core.exceptions import ValidationError
    from django.template.loader import render_to_string

    from vaultdoor.mail.library import check_landing_page, posted_names

    page = LandingPage(name="p", title=title, intro=intro, fields="\n".join(labels),
                       button=button)
    try:
        check_landing_page(page)
    except ValidationError as exc:
        assert set(exc.message_dict) <= {"title", "intro", "fields", "button"}
        return
    served = render_to_string("mail/landing.html", {"page": page, "inputs": page.inputs()})
    named, actions = posted_names(served)
    assert named == [] and actions == [""]
    assert served.count("<input") == len(page.inputs())

