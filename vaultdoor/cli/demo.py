"""`vaultdoor demo`: seed the demo contact centre and give its admin a one-time password."""

from __future__ import annotations

import click

from vaultdoor.cli import _django
from vaultdoor.cli._output import EXIT_INVALID, fail


@click.group()
def demo() -> None:
    """The demo contact centre."""


@demo.command()
@click.option("--agents", default=300, show_default=True, type=click.IntRange(10, 100_000),
              help="how many agents the centre employs")
@click.option("--seed", "random_seed", default=7, show_default=True,
              help="random seed: the same seed builds the same centre")
@click.option("--if-empty", is_flag=True, help="do nothing when a site is already there")
def seed(agents: int, random_seed: int, if_empty: bool) -> None:
    """Build the demo centre and replay the last 24 hours of swipes through the engine."""
    _django.setup()
    from vaultdoor.demo.seed import DemoError, seed_demo

    try:
        seed_demo(agents=agents, seed=random_seed, if_empty=if_empty, echo=click.echo)
    except DemoError as exc:
        fail(str(exc), status=EXIT_INVALID)


@demo.command()
@click.option("--username", default="admin", show_default=True)
def admin(username: str) -> None:
    """Create or reset the demo administrator with a fresh one-time password."""
    _django.setup()
    from vaultdoor.demo.seed import reset_admin
    from vaultdoor.identity.services.accounts import AccountError, check_username

    try:
        check_username(username)
    except AccountError as exc:
        fail(str(exc), status=EXIT_INVALID)
    password = reset_admin(username)
    click.echo("")
    click.echo(f"  log in at http://127.0.0.1:8000/ as {username!r}")
    click.echo(f"  one-time password: {password}")
    click.echo("  (a new password is generated each time; it is not stored anywhere else)")
    click.echo("  (the first sign-in sets up an authenticator app: every console user needs one)")
    _vault_logins()
    click.echo("")


def _vault_logins() -> None:
    from vaultdoor.demo.vault import reset_vault_users

    logins = reset_vault_users()
    if not logins:
        return
    click.echo("")
    click.echo("  to try the customer vault (/vault/), sign in as one of these instead:")
    for login in logins:
        click.echo(f"    {login.username} ({login.role}): one-time password {login.password}")
    click.echo("  search by phone +1 202 555 0100, reveal a field with a reason; every customer")
    click.echo("  is fictional (555 numbers, example.com, published test card numbers)")
