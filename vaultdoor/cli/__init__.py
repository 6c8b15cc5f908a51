"""The `vaultdoor` operator command: one group, one module per subcommand group.

Subcommand modules load only when used, so `vaultdoor access simulate` and `vaultdoor edge`
never import Django. A module listed here that needs the database calls
`vaultdoor.cli._django.setup()` inside its commands.
"""

from __future__ import annotations

import importlib

import click

__all__ = ["main"]

# name -> "module:attribute"; each module owns one group of commands.
COMMANDS: dict[str, str] = {
    "init": "vaultdoor.cli.server:init",
    "check-config": "vaultdoor.cli.checkconfig:check_config",
    "serve": "vaultdoor.cli.server:serve",
    "site": "vaultdoor.cli.site:site",
    "access": "vaultdoor.cli.access:access",
    "audit": "vaultdoor.cli.audit:audit",
    "demo": "vaultdoor.cli.demo:demo",
    "mail": "vaultdoor.cli.mail:mail",
    "password": "vaultdoor.cli.password:password",
    "user": "vaultdoor.cli.user:user",
    "token": "vaultdoor.cli.user:token",
    "edge": "vaultdoor.cli.edge:edge",
    "controller": "vaultdoor.cli.controller:controller",
    "vetting": "vaultdoor.cli.vetting:vetting",
    "person": "vaultdoor.cli.vetting:person",
    "vault": "vaultdoor.cli.vault:vault",
    "customers": "vaultdoor.cli.customers:customers",
    "compliance": "vaultdoor.cli.compliance:compliance",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, _, attribute = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # not built yet
                return None
            raise
        command: click.Command = getattr(module, attribute)
        return command

    def invoke(self, ctx: click.Context) -> object:
        # Bad settings and a missing or unreachable database: one line, never a traceback.
        from vaultdoor.cli._output import operator_errors

        with operator_errors():
            return super().invoke(ctx)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vaultdoor")
def main() -> None:
    """vaultdoor: access control, identity, vault and mail defence for contact centres."""
