"""`vaultdoor vault`: queues, key rotation and key status of the customer-data vault."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from vaultdoor.cli._output import EXIT_INVALID, fail, print_json, validation_message

__all__ = ["vault"]


@click.group()
def vault() -> None:
    """The customer-data vault: key-encryption keys, rotation, queues."""


@vault.command("status")
def status() -> None:
    """Loaded key versions and how many live records each wraps."""
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor import config
    from vaultdoor.vault.keys import VaultKeyError, keyring
    from vaultdoor.vault.models import Customer, RetiredKey, RotationRun
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
        "key_source": "VAULTDOOR_VAULT_KEYS" if config.env("VAULT_KEYS") else (
            f"development key files in {config.data_dir() / 'secrets'}: keep that folder out "
            "of backups, or erasure cannot reach them (docs/vault.md)"),
        "retired_versions": list(RetiredKey.objects.values_list("version", flat=True)),
        "warnings": [f"retired version {v} is still loaded: remove it from "
                     "VAULTDOOR_VAULT_KEYS and restart"
                     for v in RetiredKey.objects.filter(version__in=list(ring.keks))
                     .values_list("version", flat=True)],
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


@vault.command("retire-key")
@click.argument("version", type=click.IntRange(1))
@click.option("--reason", required=True, help="Why (a change or erasure-policy reference).")
@click.option("--mark-only", is_flag=True,
              help="Record the retirement without touching a key file (the key lives in a "
                   "key manager, or you destroy the file yourself).")
def retire_key(version: int, reason: str, mark_only: bool) -> None:
    """Retire key-encryption key VERSION for good, so backups wrapped under it are unreadable.

    Refused while any record is still wrapped under VERSION (run rotate-keys to the end
    first) or while VERSION is the newest key. Otherwise the key file is overwritten and
    deleted, and the retirement is recorded and audited. Then remove VERSION from
    VAULTDOOR_VAULT_KEYS (when set) and restart. Copies of the key outside this file (a
    backup of the key folder, a key manager) are yours to destroy.
    """
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.vault.keys import VaultKeyError
    from vaultdoor.vault.services.rotation import KeyRetirementRefused
    from vaultdoor.vault.services.rotation import retire_key as retire

    try:
        result = retire(version, reason=reason, actor="cli", mark_only=mark_only)
    except KeyRetirementRefused as exc:
        fail(str(exc), status=EXIT_INVALID)
    except VaultKeyError as exc:
        fail(str(exc))
    print_json({"retired_version": result.version, "file": result.file,
                "file_destroyed": result.file_destroyed})
    from vaultdoor import config

    if config.env("VAULT_KEYS"):
        click.echo(f"now remove {version}=... from VAULTDOOR_VAULT_KEYS and restart every "
                   "vaultdoor process", err=True)


@vault.command("reapply-erasures")
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--public-key", "public_keys", multiple=True, required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="PEM public key trusted for the export's checkpoints (repeatable).")
def reapply_erasures(export: Path, public_keys: tuple[Path, ...]) -> None:
    """After restoring the database from a backup: erase again every customer that an audit
    export (made after the backup, kept outside it) says was erased.

    The export is verified first (hash chain and signed checkpoints, as `vaultdoor audit
    verify --file`); nothing changes unless it verifies. Each re-erasure is audited.
    """
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.audit.offline import ExportFormatError, verify_export
    from vaultdoor.audit.signing import SigningKeyError, load_public_key
    from vaultdoor.engine.chain import ChainBroken
    from vaultdoor.vault.services.erasure import erasures_in_export
    from vaultdoor.vault.services.erasure import reapply_erasures as reapply

    try:
        keys = [load_public_key(path) for path in public_keys]
    except SigningKeyError as exc:
        fail(str(exc), status=EXIT_INVALID)
    try:
        with open(export, encoding="utf-8", newline="\n") as handle:
            verify_export(handle, keys)
        with open(export, encoding="utf-8", newline="\n") as handle:
            found = erasures_in_export(handle)
    except OSError as exc:
        fail(f"cannot read {export}: {exc.strerror or exc}", status=EXIT_INVALID)
    except UnicodeDecodeError:
        fail(f"{export}: not UTF-8 text (not a vaultdoor audit export)", status=EXIT_INVALID)
    except (ExportFormatError, ChainBroken) as exc:
        fail(f"{export} does not verify, nothing was erased: {exc}", status=EXIT_INVALID)
    result = reapply(found, actor="cli")
    print_json({"erasures_in_export": result.found, "erased_now": result.erased_now,
                "already_erased": result.already_erased, "not_in_database": result.not_here})


@vault.group("queue")
def queue() -> None:
    """Queues and campaigns, and who works them."""


@queue.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--kind", type=click.Choice(["queue", "campaign"]), default="queue")
def queue_add(code: str, name: str, kind: str) -> None:
    """Create a queue or campaign (CODE: letters, digits, '-' and '_')."""
    from vaultdoor.cli._django import setup

    setup()
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from vaultdoor.audit import record
    from vaultdoor.vault.models import Queue

    if Queue.objects.filter(code=code).exists():
        fail(f"queue {code!r} already exists", status=EXIT_INVALID)
    row = Queue(code=code, name=name, kind=kind)
    try:
        row.full_clean(validate_unique=False)
    except ValidationError as exc:
        fail(validation_message(exc, {"code": "CODE", "name": "NAME", "kind": "--kind"}),
             status=EXIT_INVALID)
    with transaction.atomic():
        row.save()
        record("vault.queue_created", actor="cli", target_type="vault.queue", target_id=code,
               name=name, kind=kind)
    print_json({"queue": code, "name": name, "kind": kind})


@queue.command("assign")
@click.argument("code")
@click.option("--agent", "agents", multiple=True, help="Username of an agent to assign.")
@click.option("--supervisor", "supervisors", multiple=True,
              help="Username of a supervisor whose team works this queue.")
def queue_assign(code: str, agents: tuple[str, ...], supervisors: tuple[str, ...]) -> None:
    """Assign agents (they open its customers) and supervisors (their team's queue).

    All of them or none: an unknown username stops the command before anyone is assigned."""
    from vaultdoor.cli._django import setup

    setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from vaultdoor.audit import record
    from vaultdoor.vault.models import Queue

    found = Queue.objects.filter(code=code).first()
    if found is None:
        fail(f"no queue {code!r}", status=EXIT_INVALID)
    wanted = set(agents) | set(supervisors)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=wanted)}
    unknown = sorted(wanted - set(users))
    if unknown:
        fail(f"no user {', '.join(map(repr, unknown))}; nobody was assigned",
             status=EXIT_INVALID)
    with transaction.atomic():
        found.agents.add(*(users[name] for name in agents))
        found.supervisors.add(*(users[name] for name in supervisors))
        if wanted:
            record("vault.queue_assigned", actor="cli", target_type="vault.queue",
                   target_id=code, agents=sorted(set(agents)),
                   supervisors=sorted(set(supervisors)))
    print_json({"queue": code, "agents": sorted(found.agents.values_list("username", flat=True)),
                "supervisors": sorted(found.supervisors.values_list("username", flat=True))})
