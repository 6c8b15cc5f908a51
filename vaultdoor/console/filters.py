"""Search and filter forms for the console's lists: one small form class per list page.

A filter form is a plain Django form read from the query string. It declares which fields it
searches with `q` and which form field maps to which ORM lookup; `apply()` narrows a queryset.
Invalid values are dropped with the form's error shown beside the field, never a server error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from vaultdoor.access.choices import DecisionChoices, DirectionChoices, ReasonChoices
from vaultdoor.facilities.choices import (
    DoorModeChoices,
    PhonePolicyChoices,
    PurposeChoices,
    SecurityLevelChoices,
)
from vaultdoor.people.choices import (
    CardFormatChoices,
    CredentialStatusChoices,
    PersonKindChoices,
    PersonStatusChoices,
    VettingStatusChoices,
)

__all__ = [
    "AccessLevelFilterForm",
    "AuditEventFilterForm",
    "CardFilterForm",
    "DoorEventFilterForm",
    "DoorFilterForm",
    "FilterForm",
    "FloorFilterForm",
    "PersonFilterForm",
    "ScheduleFilterForm",
    "ZoneFilterForm",
]


def _any(choices: Any, label: str = "Any") -> list[tuple[str, str]]:
    return [("", label), *choices]


YES_NO = [("", "Any"), ("yes", "Yes"), ("no", "No")]
STATE_CHOICES = [("", "Current"), ("inactive", "Removed by import"), ("all", "All")]


class FilterForm(forms.Form):
    """A list's search box and filters; subclasses declare `search_fields` and `lookups`."""

    q = forms.CharField(required=False, max_length=100, label="Search",
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))

    search_fields: ClassVar[tuple[str, ...]] = ()
    # form field -> ORM lookup; empty values are ignored.
    lookups: ClassVar[dict[str, str]] = {}
    # form fields holding yes/no -> boolean ORM field.
    booleans: ClassVar[dict[str, str]] = {}
    placeholder: ClassVar[str] = "Search by ID or name"

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data if data is not None else {}, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "filter-input")
        self.fields["q"].widget.attrs["placeholder"] = self.placeholder

    def apply(self, queryset: QuerySet) -> QuerySet:
        """The queryset narrowed by every valid, non-empty filter."""
        self.is_valid()  # fills cleaned_data with the fields that are valid
        data = self.cleaned_data
        text = (data.get("q") or "").strip()
        if text:
            queryset = self.search(queryset, text)
        for name, lookup in self.lookups.items():
            value = data.get(name)
            if value not in (None, "", [], ()):
                queryset = queryset.filter(**{lookup: value})
        for name, lookup in self.booleans.items():
            value = data.get(name)
            if value in ("yes", "no"):
                queryset = queryset.filter(**{lookup: value == "yes"})
        return self.narrow(queryset, data)

    def search(self, queryset: QuerySet, text: str) -> QuerySet:
        """Rows where any of `search_fields` contains `text`."""
        if not self.search_fields:
            return queryset
        match = Q()
        for lookup in self.search_fields:
            match |= Q(**{lookup: text})
        return queryset.filter(match)

    def narrow(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        """Hook for filters that are more than one lookup."""
        return queryset

    @property
    def active_count(self) -> int:
        """How many filters (besides the search box) are set, for the 'filters (2)' label."""
        if not self.is_bound:
            return 0
        return sum(1 for name in self.fields if name != "q" and self.data.get(name))


class SiteObjectFilterForm(FilterForm):
    """Filters every object a site file declares: by site, and current or removed."""

    site = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    state = forms.ChoiceField(required=False, choices=STATE_CHOICES, label="Shown")

    search_fields = ("code__icontains", "name__icontains")

    def narrow(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        queryset = super().narrow(queryset, data)
        if data.get("site"):
            queryset = queryset.filter(site__code=data["site"])
        state = data.get("state") or ""
        if state == "inactive":
            return queryset.filter(active=False)
        if state == "all":
            return queryset
        return queryset.filter(active=True)


class FloorFilterForm(SiteObjectFilterForm):
    """Floors: search by id or name."""


class ZoneFilterForm(SiteObjectFilterForm):
    """Zones: by floor, security level, purpose, phone policy and customer data."""

    floor = forms.CharField(required=False, max_length=100, label="Floor ID")
    security = forms.ChoiceField(required=False, choices=_any(SecurityLevelChoices.choices))
    purpose = forms.ChoiceField(required=False, choices=_any(PurposeChoices.choices))
    phones = forms.ChoiceField(required=False, choices=_any(PhonePolicyChoices.choices))
    customer_data = forms.ChoiceField(required=False, choices=YES_NO, label="Customer data")

    lookups = {"floor": "floor__code", "security": "security", "purpose": "purpose",
               "phones": "phones"}
    booleans = {"customer_data": "customer_data"}


class DoorFilterForm(SiteObjectFilterForm):
    """Doors: by mode, the zone they lead into and its security level."""

    mode = forms.ChoiceField(required=False, choices=_any(DoorModeChoices.choices))
    zone = forms.CharField(required=False, max_length=100, label="Into zone ID")
    security = forms.ChoiceField(
        required=False, choices=_any(SecurityLevelChoices.choices), label="Zone security"
    )

    lookups = {"mode": "mode", "zone": "to_zone__code", "security": "to_zone__security"}


class PersonFilterForm(SiteObjectFilterForm):
    """People: by kind, status, role and vetting."""

    kind = forms.ChoiceField(required=False, choices=_any(PersonKindChoices.choices))
    status = forms.ChoiceField(required=False, choices=_any(PersonStatusChoices.choices))
    role = forms.CharField(required=False, max_length=100, label="Role ID")
    vetting = forms.ChoiceField(
        required=False, choices=_any(VettingStatusChoices.choices), label="Vetting"
    )

    search_fields = ("code__icontains", "name__icontains", "department__icontains")
    placeholder = "Search by ID, name or department"
    lookups = {"kind": "kind", "status": "status", "role": "role__code",
               "vetting": "vetting_status"}


class CardFilterForm(FilterForm):
    """Badges: by format, status and site; search by `facility:number`, number or holder."""

    site = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    format = forms.ChoiceField(required=False, choices=_any(CardFormatChoices.choices))
    status = forms.ChoiceField(required=False, choices=_any(CredentialStatusChoices.choices))
    state = forms.ChoiceField(required=False, choices=STATE_CHOICES, label="Shown")

    search_fields = ("person__code__icontains", "person__name__icontains")
    lookups = {"format": "format", "status": "status", "site": "person__site__code"}
    placeholder = "Search by facility:number, number or holder"

    def search(self, queryset: QuerySet, text: str) -> QuerySet:
        facility, colon, number = text.partition(":")
        if colon and facility.isdigit() and number.isdigit():
            return queryset.filter(facility=int(facility), number=int(number))
        if text.isdigit():
            return queryset.filter(Q(number=int(text)) | Q(person__code__icontains=text))
        return super().search(queryset, text)

    def narrow(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        state = data.get("state") or ""
        if state == "inactive":
            return queryset.filter(active=False)
        if state == "all":
            return queryset
        return queryset.filter(active=True)


class AccessLevelFilterForm(SiteObjectFilterForm):
    """Access levels: by schedule and by a zone they open."""

    schedule = forms.CharField(required=False, max_length=100, label="Schedule ID")
    zone = forms.CharField(required=False, max_length=100, label="Opens zone ID")

    lookups = {"schedule": "schedule__code"}

    def narrow(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        queryset = super().narrow(queryset, data)
        if data.get("zone"):
            # A subquery, not a join: a join on a many-to-many repeats rows.
            from vaultdoor.access.models import AccessLevel

            through = AccessLevel.zones.through.objects.filter(zone__code=data["zone"])
            queryset = queryset.filter(pk__in=through.values("accesslevel_id"))
        return queryset


class ScheduleFilterForm(SiteObjectFilterForm):
    """Schedules: by holiday policy."""

    holidays = forms.ChoiceField(
        required=False, choices=_any([("closed", "Closed on holidays"), ("open", "Ignored")]),
        label="Holidays",
    )

    lookups = {"holidays": "holidays"}


class DateRangeMixin(forms.Form):
    """From and to dates (site-local, both inclusive) for event lists."""

    since = forms.DateField(required=False, label="From", widget=forms.DateInput(
        attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput(
        attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return data

    def date_bounds(self, data: dict[str, Any]) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The instants the chosen dates stand for, in the active (site) time zone."""
        zone = timezone.get_current_timezone()
        start = end = None
        if data.get("since"):
            start = dt.datetime.combine(data["since"], dt.time.min, tzinfo=zone)
        if data.get("until"):
            end = dt.datetime.combine(data["until"] + dt.timedelta(days=1), dt.time.min,
                                      tzinfo=zone)
        return start, end


class DoorEventFilterForm(DateRangeMixin, FilterForm):
    """Door events: by dates, door, person, decision, reason and direction."""

    site = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    door = forms.CharField(required=False, max_length=100, label="Door ID")
    zone = forms.CharField(required=False, max_length=100, label="Zone ID")
    person = forms.CharField(required=False, max_length=100, label="Person ID")
    decision = forms.ChoiceField(required=False, choices=_any(DecisionChoices.choices))
    reason = forms.ChoiceField(required=False, choices=_any(ReasonChoices.choices))
    direction = forms.ChoiceField(required=False, choices=_any(DirectionChoices.choices))

    search_fields = ("person__name__icontains", "person__code__icontains",
                     "door__name__icontains", "door__code__icontains",
                     "credential__icontains")
    placeholder = "Search by person, door or credential"
    lookups = {"site": "site__code", "door": "door__code", "zone": "zone__code",
               "person": "person__code", "decision": "decision", "reason": "reason",
               "direction": "direction"}

    def narrow(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        start, end = self.date_bounds(data)
        if start:
            queryset = queryset.filter(at__gte=start)
        if end:
            queryset = queryset.filter(at__lt=end)
        return queryset


class AuditEventFilterForm(DateRangeMixin, FilterForm):
    """Audit events: by dates, action (or a family like `site.`), actor and target."""

    action = forms.CharField(required=False, max_length=100,
                             help_text="An action, or its family ending in a dot (access.)")
    actor = forms.CharField(required=False, max_length=150)
    target_type = forms.CharField(required=False, max_length=100, label="Target type")
    target_id = forms.CharField(required=False, max_length=200, label="Target ID")

    search_fields = ("action__icontains", "actor__icontains", "target_id__icontains")
    placeholder = "Search by action, actor or target"
    lookups = {"actor": "actor", "target_type": "target_type", "target_id": "target_id"}

    def narrow(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        action = (data.get("action") or "").strip()
        if action.endswith("."):
            queryset = queryset.filter(action__startswith=action)
        elif action:
            queryset = queryset.filter(action=action)
        start, end = self.date_bounds(data)
        if start:
            queryset = queryset.filter(at__gte=start)
        if end:
            queryset = queryset.filter(at__lt=end)
        return queryset
