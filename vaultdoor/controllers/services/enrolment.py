"""Controllers come into being, enrol with a one-time code, authenticate, and are revoked."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from vaultdoor.audit import record
from vaultdoor.facilities.models import Door, Site

from ..choices import FailureModeChoices
from ..models import Controller, ControllerCredential, ControllerDoor, EnrolmentCode
from .keys import hash_secret

__all__ = [
    "CODE_TTL",
    "ControllerError",
    "Enrolment",
    "EnrolmentRefused",
    "add_controller",
    "authenticate",
    "enrol",
    "issue_enrolment_code",
    "normalise_code",
    "revoke_controller",
    "set_doors",
]

CODE_TTL = dt.timedelta(hours=24)
TOKEN_PREFIX = "vdc_"  # noqa: S105 - a prefix that marks a token, not a secret
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: typed by an installer


class ControllerError(ValueError):
    """A controller cannot be added or changed as asked; the message says what to fix."""


class EnrolmentRefused(PermissionError):
    """An enrolment code was not accepted. Deliberately one message for unknown, spent and
    expired codes, so a guesser learns nothing."""

    def __init__(self) -> None:
        super().__init__(
            "enrolment code refused: it is unknown, expired or already used; create a new one "
            "with `vaultdoor controller add` or `vaultdoor controller code`"
        )


@dataclass(frozen=True)
class Enrolment:
    """A successful enrolment: the controller and its new token (shown once, never stored)."""

    controller: Controller
    token: str


def normalise_code(code: str) -> str:
    """A code as typed (any case, with or without dashes and spaces) in its canonical form."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _new_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(20))  # 100 bits
    return "-".join(raw[i : i + 5] for i in range(0, 20, 5))


def _resolve_doors(site: Site, door_codes: Sequence[str]) -> list[Door]:
    codes = [c.strip() for c in door_codes if c.strip()]
    if not codes:
        raise ControllerError("give at least one door (--doors D1,D2)")
    found = {d.code: d for d in Door.objects.filter(site=site, code__in=codes, active=True)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ControllerError(
            f"no active door {', '.join(missing)} at site {site.code}"
        )
    link = (
        ControllerDoor.objects.filter(door__in=found.values())
        .select_related("controller", "door").first()
    )
    if link is not None:
        raise ControllerError(
            f"door {link.door.code} is already driven by controller {link.controller.name}"
        )
    return [found[c] for c in dict.fromkeys(codes)]


def add_controller(
    name: str, *, site: Site, doors: Sequence[str], failure_mode: str = "secure",
    offline_grace_s: int | None = None, actor: str = "system", request: Any = None,
) -> tuple[Controller, str]:
    """Create a controller for `doors` of `site`; returns it and a one-time enrolment code."""
    if failure_mode not in FailureModeChoices.values:
        raise ControllerError(f"failure mode must be secure or safe, not {failure_mode!r}")
    with transaction.atomic():
        if Controller.objects.filter(name=name).exists():
            raise ControllerError(f"a controller named {name!r} exists already")
        door_rows = _resolve_doors(site, doors)
        controller = Controller(name=name, site=site, failure_mode=failure_mode)
        if offline_grace_s is not None:
            controller.offline_grace_s = offline_grace_s
        controller.full_clean(exclude=["doors"])
        controller.save()
        try:
            for door in door_rows:
                ControllerDoor.objects.create(controller=controller, door=door)
        except IntegrityError:
            raise ControllerError("one of these doors is already driven by a controller") from None
        record("controller.add", actor=actor, target_type="controller", target_id=name,
               request=request, site=site.code, doors=[d.code for d in door_rows],
               failure_mode=failure_mode, offline_grace_s=controller.offline_grace_s)
        code = issue_enrolment_code(controller, actor=actor, request=request)
    return controller, code


def set_doors(controller: Controller, doors: Sequence[str], *, actor: str = "system") -> None:
    """Replace the doors a controller drives (its next sync gets a new snapshot)."""
    with transaction.atomic():
        ControllerDoor.objects.filter(controller=controller).delete()
        for door in _resolve_doors(controller.site, doors):
            ControllerDoor.objects.create(controller=controller, door=door)
        controller.bump_config()
        record("controller.change", actor=actor, target_type="controller",
               target_id=controller.name, doors=list(doors))


def issue_enrolment_code(
    controller: Controller, *, ttl: dt.timedelta = CODE_TTL, actor: str = "system",
    request: Any = None,
) -> str:
    """A new one-time code for `controller` (any earlier unused code is withdrawn)."""
    if controller.revoked:
        raise ControllerError(f"controller {controller.name} is revoked; add a new one")
    code = _new_code()
    with transaction.atomic():
        EnrolmentCode.objects.filter(controller=controller, used_at__isnull=True).update(
            expires_at=timezone.now()
        )
        EnrolmentCode.objects.create(
            controller=controller, code_hash=hash_secret(normalise_code(code)),
            expires_at=timezone.now() + ttl,
        )
        record("controller.code", actor=actor, target_type="controller",
               target_id=controller.name, request=request,
               expires_in_s=int(ttl.total_seconds()))
    return code


def enrol(code: str, *, request: Any = None) -> Enrolment:
    """Exchange a one-time code for the controller's credential (revoking any earlier one)."""
    code_hash = hash_secret(normalise_code(code))
    now = timezone.now()
    with transaction.atomic():
        # Spend the code in one conditional UPDATE: two racing enrolments cannot both win.
        spent = EnrolmentCode.objects.filter(
            code_hash=code_hash, used_at__isnull=True, expires_at__gt=now,
            controller__revoked_at__isnull=True,
        ).update(used_at=now)
        if spent != 1:
            raise EnrolmentRefused()
        controller = EnrolmentCode.objects.select_related("controller").get(
            code_hash=code_hash
        ).controller
        ControllerCredential.objects.filter(
            controller=controller, revoked_at__isnull=True
        ).update(revoked_at=now)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        ControllerCredential.objects.create(controller=controller, token_hash=hash_secret(token))
        # A newly enrolled controller may start a new spool (a replaced unit): its sequence
        # numbers start again, while event ids keep ingestion exactly-once.
        Controller.objects.filter(pk=controller.pk).update(
            enrolled_at=now, last_event_seq=0, last_event_hash=""
        )
        controller.enrolled_at = now
        record("edge.enrol", actor=f"controller:{controller.name}", target_type="controller",
               target_id=controller.name, request=request)
    return Enrolment(controller=controller, token=token)


def authenticate(token: str) -> Controller | None:
    """The controller whose live credential `token` is, or None (unknown, revoked)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    credential = (
        ControllerCredential.objects.select_related("controller", "controller__site")
        .filter(token_hash=hash_secret(token), revoked_at__isnull=True,
                controller__revoked_at__isnull=True)
        .first()
    )
    return None if credential is None else credential.controller


def revoke_controller(controller: Controller, *, actor: str = "system",
                      request: Any = None) -> None:
    """Withdraw a controller: its credentials and codes stop working at once."""
    now = timezone.now()
    with transaction.atomic():
        Controller.objects.filter(pk=controller.pk).update(revoked_at=now)
        controller.revoked_at = now
        ControllerCredential.objects.filter(controller=controller, revoked_at__isnull=True
                                            ).update(revoked_at=now)
        EnrolmentCode.objects.filter(controller=controller, used_at__isnull=True).update(
            expires_at=now
        )
        record("controller.revoke", actor=actor, target_type="controller",
               target_id=controller.name, request=request)
