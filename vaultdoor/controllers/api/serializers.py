"""Request bodies of the controller API (validated before anything is touched)."""

from __future__ import annotations

from rest_framework import serializers

from ..services.ingest import MAX_BATCH

__all__ = ["BIGINT_MAX", "EnrolSerializer", "EventBatchSerializer", "HeartbeatSerializer",
           "StatusSerializer"]


class EnrolSerializer(serializers.Serializer):
    """The one-time enrolment code an installer typed into the controller."""

    code = serializers.CharField(max_length=64, trim_whitespace=True)


# The largest number a bigint column holds: a larger one is a 400 here, not a database error.
BIGINT_MAX = 2**63 - 1


class StatusSerializer(serializers.Serializer):
    """What a controller says about itself with every call."""

    snapshot_version = serializers.IntegerField(min_value=0, max_value=BIGINT_MAX,
                                                required=False, allow_null=True)
    spool_depth = serializers.IntegerField(min_value=0, max_value=BIGINT_MAX, required=False)
    clock = serializers.CharField(max_length=64, required=False)


class HeartbeatSerializer(serializers.Serializer):
    status = StatusSerializer(required=False)


class EventBatchSerializer(serializers.Serializer):
    """A batch of spool events, oldest first (each checked in detail by the ingest service)."""

    events = serializers.ListField(child=serializers.DictField(), max_length=MAX_BATCH)
    status = StatusSerializer(required=False)
