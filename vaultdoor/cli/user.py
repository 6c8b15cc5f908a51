"""`vaultdoor user` and `vaultdoor token`: console accounts, enrolment links and API tokens."""

from __future__ import annotations

import datetime as dt

import click

from vaultdoor.cli._output import EXIT_INVALID, fail, print_json

__all__ = ["token", "user"]

ROLES = ["security_admin", "facilities", "hr_vetting", "it", "supervisor", "auditor", "agent"]


def _base_url() -> str:
    from vaultdoor.server.readers import base_url

    return base_url()


def _find_person(code: str, site: str | None):
    from vaultdoor.people.models import Person

    people = Person.objects.filter(code=code)
    if site:
        people = people.filter(site__code=site)
    found = list(people.select_related("site")[:2])
    if not found:
        fail(f"no person with id {code!r}" + (f" at site {site!r}" if site else ""),
             status=EXIT_INVALID)
    if len(found) > 1:
        fail(f"person id {code!r} exists at several sites: add --site CODE", status=EXIT_INVALID)
    return found[0]


@click.group()
def user() -> None:
    """Console accounts: create them with a one-time enrolment link, change their role,
    disable and enable them, unlock them, reset their second factors."""


@user.command("create")
@click.option("--person", "person_code", default=None, help="The person's id (site file).")
@click.option("--site", default=None, help="The person's site code, if the id is ambiguous.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="The account's role.")
@click.option("--username", default=None, help="Default: the person's id, lower case.")
@click.option("--email", default="", help="Contact address (optional).")
def create(person_code: str | None, site: str | None, role: str, username: str | None,
           email: str) -> None:
    """Create an account and print a one-time enrolment link (valid 3 days)."""
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.identity.services.accounts import (
        AccountError,
        create_account,
        person_account_defaults,
    )
    from vaultdoor.identity.services.enrolment import issue_link

    base_url = _base_url()  # checked before anything is written
    person = _find_person(person_code, site) if person_code else None
    if person is None and not username:
        fail("give --person ID (or --username NAME for an account with no person record)",
             status=EXIT_INVALID)
    # the same user id and names as the console's New account gives
    names = person_account_defaults(person) if person is not None else {}
    name = username or names["username"]
    try:
        account = create_account(name, role=role, person=person, email=email, actor="cli",
                                 first_name=names.get("first_name", ""),
                                 last_name=names.get("last_name", ""))
    except AccountError as exc:
        fail(str(exc), status=EXIT_INVALID)
    token = issue_link(account, created_by="cli")
    _print_link(name, role, token, base_url)


def _print_link(name: str, role: str, token: str, base_url: str) -> None:
    from django.urls import reverse

    from vaultdoor.audit import record
    from vaultdoor.identity.constants import ENROLMENT_LINK_LIFETIME

    record("auth.enrolment_link", actor="cli", target_type="user", target_id=name)
    click.echo(f"account {name} ({role}) ready; send this one-time enrolment link to its "
               f"holder (valid {ENROLMENT_LINK_LIFETIME.days} days, shown only now):")
    click.echo(f"  {base_url}{reverse('identity:welcome', args=[token])}")


@user.command("link")
@click.argument("username")
def link(username: str) -> None:
    """Issue a new one-time enrolment link (earlier ones stop working)."""
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.identity.services.enrolment import issue_link

    base_url = _base_url()  # checked before the old links are voided
    account = _account(username)
    _print_link(username, account.role or "no role", issue_link(account, created_by="cli"),
                base_url)


@user.command("unlock")
@click.argument("username")
def unlock(username: str) -> None:
    """Lift a lockout (password and second factor) after confirming the holder's identity."""
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.audit import record
    from vaultdoor.identity.models import FailureCounter
    from vaultdoor.identity.services.lockout import normalise_username

    found = _user(username)  # an unknown name is refused, not "unlocked" and audited
    removed, _ = FailureCounter.objects.filter(
        username=normalise_username(found.get_username())).delete()
    record("auth.unlocked", actor="cli", target_type="user", target_id=username)
    click.echo(f"{username}: {'unlocked' if removed else 'was not locked'}")


def _user(username: str):
    """The user named USERNAME (one `error:` line and exit 2 when there is none)."""
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.filter(username=username).first()
    if found is None:
        fail(f"no user named {username!r}", status=EXIT_INVALID)
    return found


def _account(username: str):
    """The account of an existing user (one `error:` line and exit 2 when there is none)."""
    from vaultdoor.identity.services.accounts import account_for

    return account_for(_user(username))


def _reason(reason: str) -> str:
    if len(reason.strip()) < 5:
        fail("--reason: say why, in at least 5 characters", status=EXIT_INVALID)
    return reason.strip()


REASON_HELP = "why (kept in the audit log), at least 5 characters"


@user.command("reset-factors")
@click.argument("username")
@click.option("--reason", required=True, help=REASON_HELP)
def reset_factors(username: str, reason: str) -> None:
    """Remove every second factor of an account (a lost phone) and end its sessions; the next
    sign-in enrols anew. Check who is asking first."""
    from vaultdoor.cli._django import setup

    setup()
    from django.db import transaction

    from vaultdoor.identity.services.factors import reset_second_factors
    from vaultdoor.identity.services.sessions import end_sessions

    reason = _reason(reason)
    account = _account(username)
    with transaction.atomic():
        ended = end_sessions(account)
        counts = reset_second_factors(account, actor="cli", reason=reason,
                                      sessions_ended=ended)
    print_json({"username": username, **counts, "sessions_ended": ended})


@user.command("role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--reason", required=True, help=REASON_HELP)
def role_command(username: str, role: str, reason: str) -> None:
    """Give an account another role (its sessions end when it loses a permission)."""
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.identity.services.accounts import AccountError, change_role

    reason = _reason(reason)
    account = _account(username)
    try:
        done = change_role(account, role, actor="cli", reason=reason)
    except AccountError as exc:
        fail(str(exc), status=EXIT_INVALID)
    print_json({key: done[key] for key in ("username", "old_role", "new_role",
                                           "permissions_removed", "permissions_added",
                                           "sessions_ended")})


@user.command("disable")
@click.argument("username")
@click.option("--reason", required=True, help=REASON_HELP)
def disable(username: str, reason: str) -> None:
    """Disable an account: no sign-in; its sessions, API tokens and enrolment links end.
    Its password and second factors stay (`user enable` lets it back in)."""
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.identity.services.accounts import disable_account

    reason = _reason(reason)
    counts = disable_account(_account(username), actor="cli", reason=reason)
    if counts is None:
        print_json({"username": username, "changed": False})
        return
    print_json({"username": username, "changed": True, "sessions_ended": counts["sessions"],
                "api_tokens_revoked": counts["tokens"],
                "enrolment_links_expired": counts["links"]})


@user.command("enable")
@click.argument("username")
@click.option("--reason", required=True, help=REASON_HELP)
def enable(username: str, reason: str) -> None:
    """Enable a disabled account again (not a terminated person's)."""
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.identity.services.accounts import AccountError, enable_account

    reason = _reason(reason)
    try:
        changed = enable_account(_account(username), actor="cli", reason=reason)
    except AccountError as exc:
        fail(str(exc), status=EXIT_INVALID)
    print_json({"username": username, "changed": changed})


@click.group()
def token() -> None:
    """API tokens for integrations: scoped, expiring, stored hashed."""


@token.command("create")
@click.option("--user", "username", required=True, help="The account the token acts as.")
@click.option("--name", required=True, help="What the token is for (shown in lists).")
@click.option("--scope", "scopes", multiple=True, required=True,
              type=click.Choice(["read", "decide", "write"]), help="Repeat for several.")
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 366),
              help="Lifetime in days.")
def create_token_command(username: str, name: str, scopes: tuple[str, ...], days: int) -> None:
    """Create a token and print it once: `Authorization: Token <id>.<secret>`."""
    from vaultdoor.cli._django import setup

    setup()
    from django.contrib.auth import get_user_model

    from vaultdoor.identity.services.accounts import account_for
    from vaultdoor.identity.services.tokens import TokenError, create_token

    found = get_user_model().objects.filter(username=username, is_active=True).first()
    if found is None:
        fail(f"no active user named {username!r}", status=EXIT_INVALID)
    try:  # audited (auth.token_created) by the service, as the console's New token is
        row, secret = create_token(account_for(found), name, list(scopes),
                                   dt.timedelta(days=days), actor="cli")
    except TokenError as exc:
        fail(str(exc), status=EXIT_INVALID)
    print_json({"token": secret, "key_id": row.key_id, "user": username, "scopes": row.scopes,
                "expires": row.expires.isoformat()})


@token.command("revoke")
@click.argument("key_id")
def revoke(key_id: str) -> None:
    """Revoke a token by its key id (the part before the dot)."""
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.identity.models import ApiToken
    from vaultdoor.identity.services.tokens import revoke_token

    found = ApiToken.objects.select_related("account__user").filter(key_id=key_id).first()
    if found is None:  # a name that does not exist is invalid input, as for users, controllers
        fail(f"no token with key id {key_id!r}", status=EXIT_INVALID)
    if not revoke_token(found, actor="cli"):  # audited: auth.token_revoked
        fail(f"token {key_id} is already revoked", status=EXIT_INVALID)
    click.echo(f"token {key_id} revoked")
