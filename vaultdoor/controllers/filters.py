"""Search and filter forms of the controller and alarm lists."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet

from vaultdoor.console.filters import FilterForm

from .choices import AlarmStateChoices

__all__ = ["AlarmFilterForm", "ControllerFilterForm"]


class ControllerFilterForm(FilterForm):
    """Controllers by name or door."""

    search_fields: ClassVar[tuple[str, ...]] = ("name", "doors__code")
    placeholder: ClassVar[str] = "Search by name or door"


class AlarmFilterForm(FilterForm):
    """Alarms by kind, door or controller; open and acknowledged ones by default."""

    state = forms.ChoiceField(
        required=False, label="State",
        choices=[("", "Open or acknowledged"), *AlarmStateChoices.choices, ("all", "Any")],
    )
    search_fields: ClassVar[tuple[str, ...]] = ("kind", "door__code", "controller__name")
    placeholder: ClassVar[str] = "Search by kind, door or controller"

    def narrow(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        state = data.get("state") or ""
        if state == "all":
            return queryset
        if state:
            return queryset.filter(state=state)
        return queryset.exclude(state=AlarmStateChoices.CLEARED)
