"""`vaultdoor vault`: queues, key rotation and key status of the customer-data vault."""

from __future__ import annotations

import sys

import click

from vaultdoor.cli._output import EXIT_INVALID, fail, print_json

__all__ = ["vault"]


@click.group()
def vault() -> None:
    """The customer-data vault: key-encryption keys, rotation, queues."""


@vault.command("status")
def status() -> None:
    """Loaded key versions and how many live records each wraps."""
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.vault.keys import VaultKeyError, keyring
    from vaultdoor.vault.models import Customer, RotationRun
    from vaultdoor.vault.services.rotation import rotation_status

    try:
        ring = keyring()
    except VaultKeyError as exc:
        fail(str(exc))
    unfinished = RotationRun.objects.filter(finished__isnull=True).first()
    print_json({
        "loaded_versions": sorted(ring.keks), "current_version": ring.current,
        "records_by_version": {str(k): v for k, v in rotation_status().items()},
        "erased": Customer.objects.filter(erased=True).count(),
        "rotation_in_progress": None if unfinished is None else {
            "target_version": unfinished.target_version, "rewrapped": unfinished.rewrapped},
    })


@vault.command("new-key")
def new_key() -> None:
    """Create the next development KEK in the data directory (when VAULTDOOR_VAULT_KEYS is
    unset); production operators create a key file and list it in VAULTDOOR_VAULT_KEYS."""
    from vaultdoor.vault.keys import VaultKeyError, generate_kek_file

    try:
        version, path = generate_kek_file()
    except VaultKeyError as exc:
        fail(str(exc))
    print_json({"version": version, "file": str(path)})


@vault.command("rotate-keys")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--stop-after", type=click.IntRange(1), default=None, hidden=True,
              help="Stop after this many records (to rehearse an interruption).")
def rotate_keys(batch_size: int, stop_after: int | None) -> None:
    """Re-wrap every record's data key under the newest KEK, in batches, with no downtime.

    Reads continue throughout (every listed KEK can unwrap). If the run is interrupted, run
    it again: it continues after the last batch it committed. When it finishes, the older
    KEKs can be removed from VAULTDOOR_VAULT_KEYS.
    """
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.vault.envelope import DecryptionError
    from vaultdoor.vault.keys import VaultKeyError, keyring
    from vaultdoor.vault.services.rotation import (
        RotationInterrupted,
        rotation_status,
    )
    from vaultdoor.vault.services.rotation import (
        rotate_keys as rotate,
    )

    try:
        target = keyring().current
    except VaultKeyError as exc:
        fail(str(exc))
    todo = sum(n for v, n in rotation_status().items() if v != target)
    try:
        with click.progressbar(length=todo, label=f"re-wrapping under key {target}",
                               file=sys.stderr, show_pos=True) as bar:
            result = rotate(batch_size=batch_size, stop_after=stop_after, actor="cli",
                            progress=bar.update)
    except RotationInterrupted as exc:
        fail(str(exc))
    except (VaultKeyError, DecryptionError) as exc:
        fail(f"{exc}; progress so far is kept, fix the key and run again")
    print_json({"target_version": result.target_version, "rewrapped": result.rewrapped_now,
                "rewrapped_total": result.rewrapped_total, "resumed": result.resumed})


@vault.group("queue")
def queue() -> None:
    """Queues and campaigns, and who works them."""


@queue.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--kind", type=click.Choice(["queue", "campaign"]), default="queue")
def queue_add(code: str, name: str, kind: str) -> None:
    """Create a queue or campaign."""
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.vault.models import Queue

    if Queue.objects.filter(code=code).exists():
        fail(f"queue {code!r} already exists", status=EXIT_INVALID)
    Queue.objects.create(code=code, name=name, kind=kind)
    print_json({"queue": code, "name": name, "kind": kind})


@queue.command("assign")
@click.argument("code")
@click.option("--agent", "agents", multiple=True, help="Username of an agent to assign.")
@click.option("--supervisor", "supervisors", multiple=True,
              help="Username of a supervisor whose team works this queue.")
def queue_assign(code: str, agents: tuple[str, ...], supervisors: tuple[str, ...]) -> None:
    """Assign agents (they open its customers) and supervisors (their team's queue)."""
    from vaultdoor.cli._django import setup

    setup()
    from django.contrib.auth import get_user_model

    from vaultdoor.vault.models import Queue

    found = Queue.objects.filter(code=code).first()
    if found is None:
        fail(f"no queue {code!r}", status=EXIT_INVALID)
    users = get_user_model().objects
    for names, relation in ((agents, found.agents), (supervisors, found.supervisors)):
        for name in names:
            user = users.filter(username=name).first()
            if user is None:
                fail(f"no user {name!r}", status=EXIT_INVALID)
            relation.add(user)
    print_json({"queue": code, "agents": sorted(found.agents.values_list("username", flat=True)),
                "supervisors": sorted(found.supervisors.values_list("username", flat=True))})
