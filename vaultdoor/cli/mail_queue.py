"""`vaultdoor mail queue`: what waits in the gateway's queue; retry or delete what the next
hop refused for good (each audited; the console's Mail > Queue does the same)."""

from __future__ import annotations

import click

from vaultdoor.cli._output import EXIT_INVALID, cli_actor, fail, print_json

__all__ = ["queue"]


def _setup() -> str:
    from vaultdoor.cli import _django

    _django.setup()
    from vaultdoor.mail.mail_settings import queue_dir

    return str(queue_dir())


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead.")
@click.pass_context
def queue(ctx: click.Context, as_json: bool) -> None:
    """How many messages wait where in the gateway's queue (VAULTDOOR_MAIL_QUEUE_DIR), and
    the ones the next hop refused for good, with why."""
    if ctx.invoked_subcommand is not None:
        return
    directory = _setup()
    from vaultdoor.mail.queue_ops import failed_messages, queue_status

    status, failed = queue_status(directory), failed_messages(directory)
    if as_json:
        print_json({"queue_dir": directory, "status": status.to_dict(),
                    "failed": [message.to_dict() for message in failed]})
        return
    click.echo(f"queue {directory}")
    click.echo(f"received, not yet scanned: {status.incoming}")
    since = (f" (oldest since {status.oldest_outbound:%Y-%m-%d %H:%M:%S} UTC)"
             if status.oldest_outbound else "")
    click.echo(f"waiting for the next hop: {status.outbound}{since}")
    click.echo(f"refused for good: {status.failed}")
    for message in failed:
        to = ", ".join(message.recipients) or "?"
        click.echo(f"  {message.id}  {message.mail_from or '<>'} -> {to}  {message.size} bytes"
                   f"  {message.reason}")
    if failed:
        click.echo("retry with `vaultdoor mail queue retry ID`, or "
                   "`vaultdoor mail queue delete ID --reason TEXT`")


@queue.command("retry")
@click.argument("entry_id", metavar="ID")
def queue_retry(entry_id: str) -> None:
    """Put refused message ID back for the gateway to relay again."""
    directory = _setup()
    from vaultdoor.mail.queue_ops import QueueOpError, retry_failed

    try:
        retry_failed(directory, entry_id, actor=cli_actor())
    except QueueOpError as exc:
        fail(str(exc), status=EXIT_INVALID)
    click.echo(f"{entry_id}: back in the queue; the gateway relays it on its next pass")


@queue.command("delete")
@click.argument("entry_id", metavar="ID")
@click.option("--reason", required=True, help="Why it is deleted (kept in the audit log).")
def queue_delete(entry_id: str, reason: str) -> None:
    """Delete refused message ID for good."""
    directory = _setup()
    from vaultdoor.mail.queue_ops import QueueOpError, delete_failed

    try:
        delete_failed(directory, entry_id, actor=cli_actor(), reason=reason)
    except QueueOpError as exc:
        fail(str(exc), status=EXIT_INVALID)
    click.echo(f"{entry_id}: deleted")
