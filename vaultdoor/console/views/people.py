"""People and their credentials (badges; PINs only ever as 'set', never their hashes)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from vaultdoor.access.models import AccessLevel, DoorEvent
from vaultdoor.console import filters
from vaultdoor.people.models import Card, Person

from .base import ObjectDetailView, ObjectListView

__all__ = ["CardDetailView", "CardListView", "PersonDetailView", "PersonListView"]

RECENT = 25


class PersonListView(ObjectListView):
    """Everyone who may present at a door, with status, vetting and where they are."""

    model = Person
    permission_required = ("people.view_person",)
    filter_form = filters.PersonFilterForm
    table_template = "console/tables/people.html"
    nav = "people"

    def queryset_for(self) -> QuerySet:
        return (
            Person.objects.select_related("site", "role", "location__zone")
            .annotate(card_count=Count("cards", filter=Q(cards__active=True)))
            .order_by("site__code", "code")
        )


class PersonDetailView(ObjectDetailView):
    """A person: vetting, credentials, the access levels they hold, where they are and what
    they did lately."""

    model = Person
    permission_required = ("people.view_person",)
    template_name = "console/person_detail.html"
    nav = "people"

    def queryset_for(self) -> QuerySet:
        return Person.objects.select_related("site", "role", "location__zone__floor")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person = self.object
        user = self.request.user
        levels = AccessLevel.objects.select_related("schedule").prefetch_related(
            Prefetch("zones", to_attr="zone_list")
        )
        own = list(levels.filter(people=person).order_by("code"))
        from_role = list(levels.filter(roles=person.role).order_by("code")) if person.role else []
        context.update(own_levels=own, role_levels=from_role)
        if user.has_perm("people.view_card"):
            context["cards"] = list(person.cards.order_by("-active", "format", "number"))
            # Whether a PIN is set, never the hash: the page has no reason to carry it.
            context["pin_count"] = person.pins.filter(active=True).count()
            context["biometrics"] = list(
                person.biometrics.order_by("-active").values("consent", "status", "active")
            )
        if user.has_perm("access.view_doorevent"):
            context["events"] = list(
                DoorEvent.objects.filter(person=person).select_related("door", "zone", "person")
                .order_by("-at", "-pk")[:RECENT]
            )
        context["disqualifying"] = sorted(
            set(person.vetting_findings or []) & {"identity_theft", "fraud", "violent_crime"}
        )
        return context


class CardListView(ObjectListView):
    """Every badge: format, number, holder, status and validity."""

    model = Card
    permission_required = ("people.view_card",)
    filter_form = filters.CardFilterForm
    table_template = "console/tables/cards.html"
    nav = "credentials"
    title = "Credentials"

    def queryset_for(self) -> QuerySet:
        return Card.objects.select_related("person__site").order_by("format", "facility", "number")


class CardDetailView(ObjectDetailView):
    """One badge and the decisions it was presented for."""

    model = Card
    permission_required = ("people.view_card",)
    template_name = "console/card_detail.html"
    nav = "credentials"

    def queryset_for(self) -> QuerySet:
        return Card.objects.select_related("person__site")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        card = self.object
        if self.request.user.has_perm("access.view_doorevent"):
            # DoorEvent keeps what was presented as text ('card h10301 42:10231').
            context["events"] = list(
                DoorEvent.objects.filter(
                    person=card.person,
                    credential__icontains=f"{card.format} {card.facility}:{card.number}",
                ).select_related("door", "zone", "person").order_by("-at", "-pk")[:RECENT]
            )
        return context
