"""Counters behind the lockout (per user id) and the throttle (per client address)."""

from __future__ import annotations

from django.db import models

from ..choices import FailureKind

__all__ = ["AddressThrottle", "FailureCounter"]


class FailureCounter(models.Model):
    """Failed attempts against one user id (as typed, case-folded: unknown ids are counted
    too, so an unknown id costs the same as a known one), per kind of check."""

    username = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, choices=FailureKind.choices)
    failures = models.PositiveIntegerField(default=0)
    first_failure = models.DateTimeField(null=True, blank=True)
    last_failure = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["username", "kind"], name="identity_failure_unique"),
        ]


class AddressThrottle(models.Model):
    """A token bucket of failed attempts for one client address: it slows, never locks."""

    address = models.CharField(max_length=64, unique=True)
    tokens = models.FloatField()
    updated = models.DateTimeField()
