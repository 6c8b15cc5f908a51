"""Vault API serializers: masked customers, and the bodies of reveal, export and erase."""

from __future__ import annotations

from rest_framework import serializers

from ..choices import FIELDS

__all__ = ["MaskedCustomerSerializer", "ReasonSerializer", "RevealSerializer"]


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
