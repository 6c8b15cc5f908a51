"""What campaigns are made from: message templates, landing pages and training modules.

The rules each must meet and the audited save live here, once, for both the CLI (`vaultdoor
mail campaign template|landing-page|training-module`) and the console's pages; so do the
rule for deleting one (never while a campaign or a training assignment uses it) and the
audited delete, for the console and Django's admin. A check raises
Django's `ValidationError` with a dict naming the field (the CLI turns it into one `error:`
line naming its option; a console form shows it beside the field).

A landing page's rule: it records THAT its form was submitted, never what was typed. Its
inputs carry no `name`, so a browser posts none of it. `check_landing_page` renders the page
as people would get it and refuses to save one whose form would post a typed value (or post
anywhere but back to vaultdoor), and refuses markup in any of its texts.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

__all__ = [
    "LANDING_MAX_FIELDS",
    "InUse",
    "check_landing_page",
    "check_message_template",
    "check_password_confined",
    "check_sending_profile",
    "check_training_module",
    "delete_audited",
    "in_use",
    "landing_labels",
    "posted_names",
    "save_audited",
]

LANDING_MAX_FIELDS = 6
LANDING_MAX_LABEL = 80
TRAINING_CODE = re.compile(r"[a-z0-9-]{1,60}")
TRAINING_MAX_BODY = 50_000
MARKUP = re.compile(r"[<>]")


def check_message_template(*, subject: str, from_address: str, html_body: str) -> None:
    """A template needs a subject of 1 to 300 characters, a sender of at most 254, and an
    HTML body with `{{ link }}` (the tracked link)."""
    errors: dict[str, str] = {}
    if not subject.strip() or len(subject) > 300:
        errors["subject"] = "1 to 300 characters."
    if not from_address.strip() or len(from_address) > 254:
        errors["from_address"] = "1 to 254 characters (the From: address)."
    if "{{ link }}" not in html_body:
        errors["html_body"] = "The message needs {{ link }}, the tracked link."
    if errors:
        raise ValidationError(errors)


def landing_labels(fields: str) -> list[str]:
    """The non-empty labels of a landing page's `fields` (one a line)."""
    return [line.strip() for line in fields.splitlines() if line.strip()]


class _Controls(HTMLParser):
    """Form controls and forms of a rendered page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.named: list[str] = []
        self.actions: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in {"input", "textarea", "select", "button"} and values.get("name") is not None:
            self.named.append(str(values["name"]))
        if tag == "form":
            self.actions.append(str(values.get("action") or ""))


def posted_names(page_html: str) -> tuple[list[str], list[str]]:
    """The names of a page's form controls other than the CSRF token (each would post what
    it holds), and the `action` of each of its forms."""
    parser = _Controls()
    parser.feed(page_html)
    parser.close()
    return [n for n in parser.named if n != "csrfmiddlewaretoken"], parser.actions


def check_landing_page(page: Any) -> None:
    """Refuse a landing page that could collect what people type, or that is not plain text.

    `page` is an unsaved or saved `LandingPage`. Its title, intro, labels and button are plain
    text (no `<` or `>`); there are 1 to 6 labels of at most 80 characters. Then the page is
    rendered exactly as the landing view renders it, and any named input (or a form posting
    anywhere but back to the page) is refused: a typed password must never reach the server.
    """
    from django.template.loader import render_to_string

    errors: dict[str, str] = {}
    labels = landing_labels(page.fields)
    if not labels or len(labels) > LANDING_MAX_FIELDS or any(
            len(label) > LANDING_MAX_LABEL for label in labels):
        errors["fields"] = (f"1 to {LANDING_MAX_FIELDS} input labels, one a line, each at most "
                            f"{LANDING_MAX_LABEL} characters.")
    if not page.title.strip() or len(page.title) > 200:
        errors["title"] = "1 to 200 characters."
    if not page.button.strip() or len(page.button) > 60:
        errors["button"] = "1 to 60 characters."
    for field in ("title", "intro", "fields", "button"):
        if field not in errors and MARKUP.search(getattr(page, field) or ""):
            errors[field] = ("Plain text only, no < or >: the page is built from labels, and "
                             "an input of your own could send what people type.")
    if errors:
        raise ValidationError(errors)
    shown = render_to_string("mail/landing.html", {"page": page, "inputs": page.inputs()})
    named, actions = posted_names(shown)
    if named:
        raise ValidationError({"fields": (
            f"The page's form would send what is typed into {', '.join(sorted(set(named)))}: "
            "a landing page records only that it was submitted. Not saved.")})
    if any(action not in ("", "#") for action in actions):
        raise ValidationError({"fields": "The page's form must post back to vaultdoor only."})


def check_training_module(*, code: str, title: str, body: str, summary: str,
                          minutes: int) -> None:
    """A module's code is 1 to 60 lowercase letters, digits and dashes; the title 1 to 200
    characters, the summary at most 300, the text 1 to 50,000 characters, minutes 1 to 240."""
    errors: dict[str, str] = {}
    if not TRAINING_CODE.fullmatch(code):
        errors["code"] = "1 to 60 lowercase letters, digits and dashes."
    if not title.strip() or len(title) > 200:
        errors["title"] = "1 to 200 characters."
    if len(summary) > 300:
        errors["summary"] = "At most 300 characters."
    if not body.strip() or len(body) > TRAINING_MAX_BODY:
        errors["body"] = "1 to 50,000 characters of text."
    if not 1 <= minutes <= 240:
        errors["minutes"] = "1 to 240 minutes."
    if errors:
        raise ValidationError(errors)


def reference_path(reference: str) -> Path:
    """The path a `file:` reference names."""
    return Path(reference.strip().removeprefix("file://").removeprefix("file:")).expanduser()


def check_sending_profile(profile: Any) -> None:
    """A sending profile: a host of 1 to 253 characters and a port of 1 to 65535; the password
    only ever as a `file:` reference to a file that exists (needed with a username: it is
    never stored, inline values are refused); a CA bundle, if named, that exists."""
    errors: dict[str, str] = {}
    host = (profile.host or "").strip()
    if not host or len(host) > 253 or any(c.isspace() or c in "/:@[]" for c in host):
        errors["host"] = "A host name or address (1 to 253 characters, no port)."
    if not 1 <= (profile.port or 0) <= 65535:
        errors["port"] = "1 to 65535."
    reference = (profile.password_file or "").strip()
    problem = ""
    if reference and not reference.startswith("file:"):
        problem = "A file: reference (file:/path), never the password itself."
    elif profile.username and not reference:
        problem = "Needed with a username: a file: reference to the password."
    elif reference and not reference_path(reference).is_file():
        problem = f"No such file: {reference}"
    if problem:
        errors["password_file"] = problem
    if profile.ca_file and not Path(profile.ca_file).expanduser().is_file():
        errors["ca_file"] = f"No such file: {profile.ca_file}"
    if errors:
        raise ValidationError(errors)


SMTP_PASSWORD_DIR = "smtp-passwords"  # noqa: S105 - a directory name


def smtp_password_dir() -> Path:
    """Where the console may point a profile's password: `<data dir>/smtp-passwords/`."""
    from vaultdoor.config import data_dir

    return data_dir(create=False) / SMTP_PASSWORD_DIR


def check_password_confined(reference: str) -> None:
    """The console's extra rule: a password file inside `smtp_password_dir()` (symlinks and
    `..` resolved). The campaign sender sends that file's content to the profile's server
    when it logs in, so a console user who could name any file could have the server send
    its secret key or vault keys to an SMTP server of their choosing. The CLI, run by the
    operator on the server, may name any file."""
    if not reference.strip():
        return
    allowed = smtp_password_dir().resolve()
    try:
        resolved = reference_path(reference).resolve()
    except (OSError, RuntimeError):
        resolved = None
    if resolved is None or not resolved.is_relative_to(allowed):
        raise ValidationError({"password_file": (
            "From the console, the password file must be in the data directory's "
            "smtp-passwords/ folder (the operator puts it there); `vaultdoor mail campaign "
            "profile` on the server may name another file.")})


# The audit action of each kind of thing campaigns are made from.
ACTIONS = {
    "messagetemplate": "mail.message_template_change",
    "landingpage": "mail.landing_page_change",
    "trainingmodule": "mail.training_module_change",
    "sendingprofile": "mail.sending_profile_change",
}


def _named(obj: models.Model) -> dict[str, str]:
    """How an audit event names `obj` (a `code` key would be redacted by the audit log as if
    it were a secret, so a training module's code goes as `module`)."""
    if obj._meta.model_name == "trainingmodule":
        return {"module": obj.code}  # type: ignore[attr-defined]
    return {"name": obj.name}  # type: ignore[attr-defined]


def save_audited(obj: models.Model, *, actor: str, request: Any = None,
                 changed: list[str] | None = None, **context: Any) -> None:
    """Save `obj` and record its `mail.*_change` event in one transaction (`created` says
    whether it is new; `changed` names the fields an edit changed)."""
    name = obj._meta.model_name
    created = obj.pk is None
    with transaction.atomic():
        obj.save()
        extra = {"changed": changed} if changed is not None else {}
        from vaultdoor.audit import record

        record(ACTIONS[name], actor=actor, target_type=f"mail.{name}", target_id=str(obj.pk),
               request=request, created=created, **_named(obj), **extra, **context)


# The audit action of deleting each kind.
DELETE_ACTIONS = {
    "messagetemplate": "mail.message_template_delete",
    "landingpage": "mail.landing_page_delete",
    "trainingmodule": "mail.training_module_delete",
    "sendingprofile": "mail.sending_profile_delete",
}
IN_USE_SHOWN = 10  # campaigns named in a refusal; the rest are counted


class InUse(Exception):
    """Not deleted: campaigns or training assignments use it (the message says which)."""


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def in_use(obj: models.Model) -> str:
    """Why `obj` may not be deleted, or "" when nothing uses it.

    Any campaign that names it counts, whatever its state: a draft or a sending campaign
    still needs it, and a finished or cancelled one keeps it as its history (its report, its
    landing page and training links, which template it was made from). A template's link
    would only be set to empty, but a campaign that no longer says what it was made from is
    history lost, so it is refused like the others. A training module with assignments
    (open or completed: completion is evidence) is refused too."""
    from .choices import CampaignStatusChoices

    campaigns = list(obj.campaigns.order_by("name").values_list(  # type: ignore[attr-defined]
        "name", "status")[:IN_USE_SHOWN + 1])
    reasons = []
    if campaigns:
        total = obj.campaigns.count()  # type: ignore[attr-defined]
        shown = ", ".join(f"{name} ({CampaignStatusChoices(status).label.lower()})"
                          for name, status in campaigns[:IN_USE_SHOWN])
        more = f" and {total - IN_USE_SHOWN} more" if total > IN_USE_SHOWN else ""
        reasons.append(f"{_plural(total, 'campaign')} use{'s' if total == 1 else ''} it: "
                       f"{shown}{more}")
    if obj._meta.model_name == "trainingmodule":
        assignments = obj.assignments  # type: ignore[attr-defined]
        total = assignments.count()
        if total:
            done = assignments.filter(completed_at__isnull=False).count()
            reasons.append(f"{_plural(total, 'training assignment')} ({total - done} open, "
                           f"{done} completed)")
    if not reasons:
        return ""
    return ("Not deleted: " + "; ".join(reasons) + ". Campaigns keep their history through "
            "it; make a new one instead of deleting this one.")


def delete_audited(obj: models.Model, *, actor: str, request: Any = None,
                   **context: Any) -> bool:
    """Delete `obj` and record its `mail.*_delete` event in one transaction, unless something
    uses it (`in_use`): then raise `InUse` and change nothing. False when it was gone already.

    The row is locked first, so a campaign made at the same moment either is seen here or
    waits for the delete (and then cannot name it); Django's PROTECT is the last guard."""
    from django.db.models import ProtectedError, RestrictedError

    from vaultdoor.audit import record

    name = obj._meta.model_name
    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update().filter(pk=obj.pk).first()
        if locked is None:
            return False
        why = in_use(locked)
        if why:
            raise InUse(why)
        pk = locked.pk
        try:
            locked.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise InUse(in_use(locked) or f"Not deleted: {exc.args[0]}") from exc
        record(DELETE_ACTIONS[name], actor=actor, target_type=f"mail.{name}",
               target_id=str(pk), request=request, **_named(locked), **context)
    return True
