"""The console's compliance page: one card per control, its score bar and its evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import resolve, reverse

from vaultdoor.console.views.base import PageView

from .controls import NOT_MEASURED, evaluate_all

__all__ = ["ComplianceView"]

# Who reads this page: the security admin and the auditor (docs/compliance.md). Reusing the
# audit log's view permission keeps it with the evidence, where both roles already look.
PERMISSION = "audit.view_auditevent"

_TONES = {"pass": "ok", "warn": "warn", "fail": "bad", "not_measured": "muted"}
_WORDS = {"pass": "Pass", "warn": "Warn", "fail": "Fail", "not_measured": "Not measured"}


@dataclass(frozen=True, slots=True)
class Row:
    """One line of evidence as the page shows it: a link only where the reader may follow."""

    label: str
    value: Any
    url: str


class ComplianceView(PageView):
    """Every control scored now, organisation-wide (the building controls over every site)."""

    permission_required = (PERMISSION,)
    template_name = "compliance/report.html"
    nav = "compliance"
    title = "Compliance"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        report = evaluate_all()
        links: dict[str, str] = {}
        cards = []
        for item in report.results:
            result = item.result
            cards.append({
                "control": item.control, "result": result,
                "tone": _TONES[result.status], "word": _WORDS[result.status],
                "measured": result.status != NOT_MEASURED,
                "evidence": [Row(e.label, e.value, self._link(e.url_name, links))
                             for e in result.evidence],
            })
        context.update(report=report, cards=cards, counts=report.counts)
        return context

    def _link(self, url_name: str, seen: dict[str, str]) -> str:
        """The page's address if the reader may open it, else '' (no link to a 403)."""
        if not url_name:
            return ""
        if url_name not in seen:
            url = reverse(url_name)
            view = getattr(resolve(url).func, "view_class", None)
            needs = tuple(getattr(view, "permission_required", ()) or ())
            seen[url_name] = url if self.request.user.has_perms(needs) else ""
        return seen[url_name]
