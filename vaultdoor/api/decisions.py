"""`POST /api/v1/access/decisions`: ask a door for a decision, as a reader would."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vaultdoor.access.choices import DecisionChoices, ReasonChoices
from vaultdoor.access.services.decide import DecisionInputError, decide_swipe
from vaultdoor.people.choices import CardFormatChoices

from .permissions import CanDecide

__all__ = ["DecisionView"]


class StrictCharField(serializers.CharField):
    """A string that must arrive as a JSON string: the spec makes a numeric PIN an error (a
    PIN like 0421 would lose its leading zero as a number)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class PresentedCardSerializer(serializers.Serializer):
    """A badge by its numbers (`format`, `facility`, `number`) or as raw reader bits
    (`bits`, `data` in hex)."""

    format = serializers.ChoiceField(choices=CardFormatChoices.choices, required=False)
    facility = serializers.IntegerField(required=False, min_value=0)
    number = serializers.IntegerField(required=False, min_value=0)
    bits = serializers.IntegerField(required=False, min_value=1, max_value=1024)
    data = serializers.CharField(required=False, allow_blank=True, max_length=256)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        raw = "bits" in attrs or "data" in attrs
        numbered = "facility" in attrs or "number" in attrs or "format" in attrs
        if raw and numbered:
            raise serializers.ValidationError(
                "give either format/facility/number or bits/data, not both"
            )
        if raw and not ("bits" in attrs and "data" in attrs):
            raise serializers.ValidationError("raw reader bits need both bits and data")
        if not raw and not ("facility" in attrs and "number" in attrs):
            raise serializers.ValidationError("a card needs facility and number (or bits/data)")
        return attrs


class DecisionRequestSerializer(serializers.Serializer):
    """A presentation at a door: a swipe line of site-format.md."""

    site = serializers.CharField(
        required=False, max_length=100, help_text="Site id; needed only when door ids repeat."
    )
    door = serializers.CharField(max_length=100)
    at = serializers.CharField(
        required=False, max_length=64,
        help_text="ISO 8601; site-local without an offset. Default: now.",
    )
    direction = serializers.ChoiceField(choices=["in", "out"], default="in")
    card = PresentedCardSerializer(required=False)
    pin = StrictCharField(
        required=False, max_length=32, trim_whitespace=False, write_only=True,
        style={"input_type": "password"},
    )
    biometric = serializers.ChoiceField(choices=["match", "no_match"], required=False)


class DecisionSerializer(serializers.Serializer):
    """The decision object of site-format.md."""

    decision = serializers.ChoiceField(choices=DecisionChoices.choices)
    reason = serializers.ChoiceField(choices=ReasonChoices.choices)
    person = serializers.CharField(allow_null=True)
    door = serializers.CharField()
    zone = serializers.CharField(allow_null=True)
    warnings = serializers.ListField(child=serializers.CharField())
    companions = serializers.ListField(child=serializers.CharField(), required=False)


class DecisionView(APIView):
    """Decide a presentation against the live state, record it, and return the decision."""

    permission_classes = [CanDecide]

    @extend_schema(
        operation_id="access_decisions_create",
        request=DecisionRequestSerializer,
        responses={200: DecisionSerializer},
        examples=[
            OpenApiExample(
                "Card at the main entrance",
                request_only=True,
                value={"door": "D-MAIN", "at": "2026-12-01T08:03:00", "direction": "in",
                       "card": {"format": "h10301", "facility": 42, "number": 10231}},
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        incoming = DecisionRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        site = data.pop("site", None)
        if "card" in data:
            data["card"] = dict(data["card"])
        if "at" not in data:
            from django.utils import timezone

            data["at"] = timezone.now().isoformat(timespec="seconds")
        actor = f"api:{request.user.get_username()}"
        try:
            decision = decide_swipe(site, data, actor=actor, request=request)
        except DecisionInputError as exc:
            key = exc.field if exc.field in incoming.fields else "non_field_errors"
            return Response({key: [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_200_OK)
