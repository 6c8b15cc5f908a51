"""Antivirus and firewalls: not measured, because endpoint posture is not collected yet."""

from __future__ import annotations

from vaultdoor.facilities.models import Site

from .base import NOT_MEASURED, Control, Result

__all__ = ["EndpointProtection"]


class EndpointProtection(Control):
    id = "endpoint-protection"
    title = "Antivirus and firewalls"
    tip = "Install antivirus software and a firewall on every computer, and update them often."

    def evaluate(self, site: Site | None = None) -> Result:
        # No fake score: the overall mean leaves this control out until there is a measure.
        return Result(NOT_MEASURED, None, "Endpoint posture (antivirus, firewall, updates) is "
                      "not collected yet: vaultdoor has no endpoint agent.")
