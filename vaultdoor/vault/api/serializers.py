"""Vault API serializers: masked customers, and the bodies of reveal, export and erase."""

from __future__ import annotations

from rest_framework import serializers

from ..choices import FIELDS

__all__ = ["ExportSerializer", "MaskedCustomerPageSerializer", "MaskedCustomerSerializer",
           "ReasonSerializer", "RefusalSerializer", "RevealResultSerializer", "RevealSerializer",
           "SearchResultSerializer", "SearchSerializer"]

REFUSAL_CODES = ("search_in_url", "not_found", "erased", "role", "suspended", "bulk_reveal",
                 "vetting_required", "step_up_required", "reason_required")


class MaskedCustomerSerializer(serializers.Serializer):
    """One customer as every screen shows it: masked fields only."""

    id = serializers.UUIDField()
    queue = serializers.CharField()
    erased = serializers.BooleanField()
    fields = serializers.DictField(child=serializers.CharField(allow_blank=True))


class ReasonSerializer(serializers.Serializer):
    """Why: the typed reason that every reveal, export and erasure needs."""

    reason = serializers.CharField(allow_blank=True, max_length=500, required=False,
                                   default="")


class RevealSerializer(ReasonSerializer):
    """Which field to reveal, and why."""

    field = serializers.ChoiceField(choices=list(FIELDS))


class MaskedCustomerPageSerializer(serializers.Serializer):
    """One page of masked customers (`?limit=` up to 200, default 50; `?offset=`)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MaskedCustomerSerializer(many=True)


class RevealResultSerializer(serializers.Serializer):
    """One field in clear (shown once: `Cache-Control: no-store`)."""

    id = serializers.UUIDField()
    field = serializers.ChoiceField(choices=list(FIELDS))
    value = serializers.CharField(allow_blank=True)


class ExportFieldsSerializer(serializers.Serializer):
    """Every field of one customer in clear; `phones` as a list of E.164 numbers."""

    name = serializers.CharField(allow_blank=True)
    phones = serializers.ListField(child=serializers.CharField())
    email = serializers.CharField(allow_blank=True)
    postal_address = serializers.CharField(allow_blank=True)
    date_of_birth = serializers.CharField(allow_blank=True)
    account_number = serializers.CharField(allow_blank=True)
    card_number = serializers.CharField(allow_blank=True)
    card_expiry = serializers.CharField(allow_blank=True)
    notes = serializers.CharField(allow_blank=True)


class ExportSerializer(serializers.Serializer):
    """A subject-access export: one customer's data (shown once: `Cache-Control: no-store`)."""

    customer = serializers.UUIDField()
    queue = serializers.CharField()
    created = serializers.DateTimeField()
    fields = ExportFieldsSerializer()


class RefusalSerializer(serializers.Serializer):
    """Why a request was refused: `code` names the missing condition (never a value)."""

    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=list(REFUSAL_CODES))


class SearchSerializer(serializers.Serializer):
    """What to look for, each an exact match after normalisation; at least one."""

    phone = serializers.CharField(required=False, allow_blank=True, max_length=64)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    account = serializers.CharField(required=False, allow_blank=True, max_length=64)
    card = serializers.CharField(required=False, allow_blank=True, max_length=64)

    def validate(self, attrs: dict) -> dict:
        if not any((attrs.get(k) or "").strip() for k in ("phone", "email", "account", "card")):
            raise serializers.ValidationError("give at least one of phone, email, account, card")
        return attrs


class SearchResultSerializer(serializers.Serializer):
    """The masked customers found (at most 200; `truncated` when there were more)."""

    count = serializers.IntegerField()
    truncated = serializers.BooleanField()
    results = MaskedCustomerSerializer(many=True)
