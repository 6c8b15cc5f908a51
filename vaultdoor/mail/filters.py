"""Search and filter forms of the console's mail lists."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet

from vaultdoor.console.filters import FilterForm

from .choices import ClickKindChoices, QuarantineStatusChoices, ReportStatusChoices

__all__ = ["ClickFilterForm", "LandingPageFilterForm", "MessageTemplateFilterForm",
           "QuarantineFilterForm", "ReportFilterForm", "SendingProfileFilterForm",
           "TrainingFilterForm",
           "TrainingModuleFilterForm"]


class QuarantineFilterForm(FilterForm):
    """Quarantined messages by sender or subject; held ones by default."""

    status = forms.ChoiceField(required=False, label="Status", choices=[
        ("", "Held"), *[c for c in QuarantineStatusChoices.choices if c[0] != "held"],
        ("all", "Any")])
    search_fields: ClassVar[tuple[str, ...]] = (
        "envelope_sender__icontains", "from_header__icontains", "subject__icontains")
    placeholder: ClassVar[str] = "Search by sender or subject"

    def narrow(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        status = data.get("status") or QuarantineStatusChoices.HELD
        return queryset if status == "all" else queryset.filter(status=status)


class ReportFilterForm(FilterForm):
    """Reported messages by reporter, sender or subject; untriaged ones by default."""

    status = forms.ChoiceField(required=False, label="Status", choices=[
        ("", "New"), *[c for c in ReportStatusChoices.choices if c[0] != "new"],
        ("all", "Any")])
    search_fields: ClassVar[tuple[str, ...]] = (
        "reporter__icontains", "sender__icontains", "subject__icontains")
    placeholder: ClassVar[str] = "Search by reporter, sender or subject"

    def narrow(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        status = data.get("status") or ReportStatusChoices.NEW
        return queryset if status == "all" else queryset.filter(status=status)


class ClickFilterForm(FilterForm):
    """Link clicks by recipient or host; what fetched them."""

    kind = forms.ChoiceField(required=False, label="Fetched by",
                             choices=[("", "Any"), *ClickKindChoices.choices])
    risky = forms.ChoiceField(required=False, label="Risky target",
                              choices=[("", "Any"), ("yes", "Yes"), ("no", "No")])
    search_fields: ClassVar[tuple[str, ...]] = ("recipient__icontains", "host__icontains")
    placeholder: ClassVar[str] = "Search by recipient or host"
    lookups: ClassVar[dict[str, str]] = {"kind": "kind"}
    booleans: ClassVar[dict[str, str]] = {"risky": "risky"}


class TrainingFilterForm(FilterForm):
    """Training assignments by person or module; open ones (overdue first) by default."""

    state = forms.ChoiceField(required=False, label="State", choices=[
        ("", "Open"), ("overdue", "Overdue"), ("completed", "Completed"), ("all", "Any")])
    search_fields: ClassVar[tuple[str, ...]] = (
        "person__name__icontains", "person__code__iexact", "module__title__icontains",
        "person__department__icontains")
    placeholder: ClassVar[str] = "Search by person, department or module"

    def narrow(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        from django.utils import timezone

        state = data.get("state") or "open"
        if state == "open":
            return queryset.filter(completed_at__isnull=True).order_by("due_at", "pk")
        if state == "overdue":
            return queryset.filter(completed_at__isnull=True, due_at__lt=timezone.now()
                                   ).order_by("due_at", "pk")
        if state == "completed":
            return queryset.filter(completed_at__isnull=False).order_by("-completed_at")
        return queryset


class MessageTemplateFilterForm(FilterForm):
    """Message templates by name, subject or sender."""

    search_fields: ClassVar[tuple[str, ...]] = (
        "name__icontains", "subject__icontains", "from_address__icontains")
    placeholder: ClassVar[str] = "Search by name, subject or sender"


class LandingPageFilterForm(FilterForm):
    """Landing pages by name or heading."""

    search_fields: ClassVar[tuple[str, ...]] = ("name__icontains", "title__icontains")
    placeholder: ClassVar[str] = "Search by name or heading"


class TrainingModuleFilterForm(FilterForm):
    """Training modules by code or title."""

    search_fields: ClassVar[tuple[str, ...]] = ("code__icontains", "title__icontains")
    placeholder: ClassVar[str] = "Search by code or title"


class SendingProfileFilterForm(FilterForm):
    """Sending profiles by name or host."""

    search_fields: ClassVar[tuple[str, ...]] = ("name__icontains", "host__icontains")
    placeholder: ClassVar[str] = "Search by name or host"
