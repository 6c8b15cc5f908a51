"""Alarms at doors and controllers: raised by controller events, acknowledged and cleared by
operators, every step audited."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from vaultdoor.audit import record
from vaultdoor.facilities.models import Door

from ..choices import AlarmStateChoices
from ..models import Alarm, Controller

__all__ = ["ALARM_EVENT_TYPES", "AlarmError", "acknowledge", "clear", "raise_alarm"]

# Controller event types that need a person.
ALARM_EVENT_TYPES = frozenset({
    "door.forced_open", "door.held_open", "spool.near_full", "spool.dropped",
    "snapshot.refused", "controller.offline_failure_mode", "reader.tamper",
})


class AlarmError(ValueError):
    """An alarm cannot move as asked (already cleared, say); the message says its state."""


def raise_alarm(
    controller: Controller, *, kind: str, door_code: str = "", at: dt.datetime | None = None,
    event_id: uuid.UUID | None = None, detail: dict[str, Any] | None = None,
) -> Alarm:
    """Open an alarm (in the caller's transaction) and audit it."""
    door = None
    if door_code:
        door = Door.objects.filter(site_id=controller.site_id, code=door_code).first()
    alarm = Alarm.objects.create(
        controller=controller, door=door, kind=kind, detail=detail or {},
        event_id=event_id, raised_at=at or timezone.now(),
    )
    record("alarm.raise", actor=f"controller:{controller.name}", target_type="alarm",
           target_id=str(alarm.pk), kind=kind, door=door_code, controller=controller.name)
    return alarm


def _actor(user: Any) -> str:
    return getattr(user, "get_username", lambda: "system")() if user is not None else "system"


def acknowledge(alarm: Alarm, *, user: Any = None, note: str = "", request: Any = None) -> Alarm:
    """An operator has seen the alarm and is dealing with it."""
    with transaction.atomic():
        alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
        if alarm.state != AlarmStateChoices.OPEN:
            raise AlarmError(f"alarm {alarm.pk} is {alarm.state}, not open")
        alarm.state = AlarmStateChoices.ACKNOWLEDGED
        alarm.acknowledged_at = timezone.now()
        alarm.acknowledged_by = user if getattr(user, "pk", None) else None
        alarm.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
        record("alarm.acknowledge", actor=_actor(user), target_type="alarm",
               target_id=str(alarm.pk), kind=alarm.kind, note=note[:500], request=request)
    return alarm


def clear(alarm: Alarm, *, user: Any = None, note: str = "", request: Any = None) -> Alarm:
    """The condition is dealt with; the alarm leaves the open list (an open one may be
    cleared directly: acknowledging is implied and recorded as part of the clear)."""
    with transaction.atomic():
        alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
        if alarm.state == AlarmStateChoices.CLEARED:
            raise AlarmError(f"alarm {alarm.pk} is already cleared")
        now = timezone.now()
        if alarm.acknowledged_at is None:
            alarm.acknowledged_at = now
            alarm.acknowledged_by = user if getattr(user, "pk", None) else None
        alarm.state = AlarmStateChoices.CLEARED
        alarm.cleared_at = now
        alarm.cleared_by = user if getattr(user, "pk", None) else None
        alarm.save()
        record("alarm.clear", actor=_actor(user), target_type="alarm", target_id=str(alarm.pk),
               kind=alarm.kind, note=note[:500], request=request)
    return alarm
