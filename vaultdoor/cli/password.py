"""`vaultdoor password`: check a password against the policy profile, from standard input."""

from __future__ import annotations

import sys

import click

from vaultdoor.cli._output import EXIT_INVALID, fail, print_json

__all__ = ["password"]


@click.group()
def password() -> None:
    """Password policy: check a password, show the profiles."""


@password.command("check")
@click.option("--profile", "profile_name", default=None,
              help="pci-dss-4, nist-800-63b or classic (default: VAULTDOOR_PASSWORD_PROFILE).")
@click.option("--mfa", is_flag=True, help="The account has a second factor.")
@click.option("--user", "username", default=None,
              help="Check as this user's new password (names, history, second factor).")
def check(profile_name: str | None, mfa: bool, username: str | None) -> None:
    """Read one password from standard input; exit 0 if acceptable, 1 if not, with JSON reasons.

    Only the first line is read (without its line ending); the password is never printed.
    """
    from vaultdoor.identity.passwords import UnknownPasswordProfile, evaluate_password, get_profile

    raw = click.get_binary_stream("stdin").readline()
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        fail("standard input is not UTF-8 text (a password no browser could type)",
             status=EXIT_INVALID)
    candidate = line.removesuffix("\n").removesuffix("\r")
    if not candidate:
        fail("no password on standard input (give it as one line)", status=EXIT_INVALID)
    try:
        profile = get_profile(profile_name)
    except UnknownPasswordProfile as exc:
        fail(str(exc), status=EXIT_INVALID)
    if username is None:
        report = evaluate_password(candidate, profile=profile, has_second_factor=mfa)
    else:
        from vaultdoor.cli._django import setup

        setup()
        from django.contrib.auth import get_user_model

        from vaultdoor.identity.services.passwords import password_context

        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            fail(f"no user named {username!r}", status=EXIT_INVALID)
        context = password_context(user)
        context["has_second_factor"] = mfa or context.get("has_second_factor", False)
        report = evaluate_password(candidate, profile=profile, **context)
    print_json(report.to_dict())
    sys.exit(0 if report.acceptable else 1)


@password.command("profiles")
def profiles() -> None:
    """Print every profile's rules in plain words, as JSON."""
    from vaultdoor.identity.passwords import PROFILES
    from vaultdoor.identity.passwords.blocklist import blocklist_size, blocklist_sources

    print_json({
        "blocklist_size": blocklist_size(),
        "blocklist_sources": blocklist_sources(),
        "profiles": {name: {"title": p.title, "rules": p.plain_words()}
                     for name, p in PROFILES.items()},
    })
