"""A campaign's report, the same numbers for the console page, the CSV and the PDF: the funnel
(sent, opened, clicked, submitted, reported), rates by department, people's clicks over time
and one row per target. Only people's actions count; scanners' fetches are shown apart."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from .campaigns import campaign_summary
from .models import Campaign, CampaignTarget, TrainingAssignment

__all__ = ["CSV_COLUMNS", "CampaignReport", "campaign_report", "report_csv"]

FUNNEL = (("sent", "Sent"), ("opened", "Opened"), ("clicked", "Clicked"),
          ("submitted", "Submitted"), ("reported", "Reported"))
TIMELINE_HOURS = 48
CSV_COLUMNS = ("name", "address", "department", "role", "sent_at", "opened_at", "clicked_at",
               "submitted_at", "reported_at", "scanner_fetches", "send_error", "training")


@dataclass
class CampaignReport:
    """Everything a report shows."""

    campaign: Campaign
    summary: dict[str, int]
    funnel: list[tuple[str, int, float]]         # (label, people, % of sent)
    departments: list[dict[str, Any]]            # department, targets, clicked, rate...
    timeline: list[tuple[str, int]]              # ("+0h", clicks) per hour since the start
    rows: list[dict[str, Any]]
    generated: datetime
    median_minutes: dict[str, float | None]     # "click", "report": median minutes after sending


def _rate(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _role_of(target: CampaignTarget) -> str:
    role = target.person.role if target.person is not None else None
    return (role.name or role.code) if role is not None else ""


def _group_of(target: CampaignTarget) -> str:
    """What the 'by department' figures group by: the person's department, else their role
    (site files carry roles, not departments), else '(none)'."""
    department = target.person.department if target.person is not None else ""
    return department or _role_of(target) or "(none)"


def _training(target: CampaignTarget, assignments: dict[int, TrainingAssignment]) -> str:
    assignment = assignments.get(target.pk)
    if assignment is None:
        return ""
    return "completed" if assignment.completed_at else (
        "overdue" if assignment.overdue else "assigned")


def campaign_report(campaign: Campaign) -> CampaignReport:
    summary = campaign_summary(campaign)
    sent = summary["sent"]
    funnel = [(label, summary[key], _rate(summary[key], sent)) for key, label in FUNNEL]
    targets = list(campaign.targets.select_related("person__role").order_by("name", "address"))
    groups: dict[str, dict[str, Any]] = {}
    for t in targets:
        group = groups.setdefault(_group_of(t), {
            "department": _group_of(t), "targets": 0, "sent": 0, "clicked": 0, "submitted": 0,
            "reported": 0})
        group["targets"] += 1
        for key, when in (("sent", t.sent_at), ("clicked", t.clicked_at),
                          ("submitted", t.submitted_at), ("reported", t.reported_at)):
            group[key] += when is not None
    departments = []
    for group in groups.values():
        group["click_rate"] = _rate(group["clicked"], group["sent"])
        group["report_rate"] = _rate(group["reported"], group["sent"])
        departments.append(group)
    departments.sort(key=lambda d: (-d["click_rate"], d["department"]))
    timeline = []
    if campaign.started_at is not None:
        buckets = [0] * TIMELINE_HOURS
        for clicked in campaign.targets.filter(clicked_at__isnull=False).values_list(
                "clicked_at", flat=True):
            hour = int((clicked - campaign.started_at).total_seconds() // 3600)
            if 0 <= hour < TIMELINE_HOURS:
                buckets[hour] += 1
        timeline = [(f"+{h}h", n) for h, n in enumerate(buckets)]
    assignments = {a.target_id: a for a in TrainingAssignment.objects.filter(
        target__campaign=campaign)}
    rows = [{
        "name": t.name, "address": t.address,
        "department": t.person.department if t.person else "",
        "role": _role_of(t),
        "sent_at": t.sent_at, "opened_at": t.opened_at, "clicked_at": t.clicked_at,
        "submitted_at": t.submitted_at, "reported_at": t.reported_at,
        "scanner_fetches": t.scanner_fetches, "send_error": t.send_error,
        "training": _training(t, assignments),
    } for t in targets]
    return CampaignReport(campaign=campaign, summary=summary, funnel=funnel,
                          departments=departments, timeline=timeline, rows=rows,
                          generated=timezone.now(),
                          median_minutes={"click": _median_minutes(rows, "clicked_at"),
                                          "report": _median_minutes(rows, "reported_at")})


def _median_minutes(rows: list[dict[str, Any]], key: str) -> float | None:
    """The median time from sending to `key` in minutes (one decimal), None if nobody."""
    spans = sorted((row[key] - row["sent_at"]).total_seconds() / 60 for row in rows
                   if row[key] is not None and row["sent_at"] is not None)
    if not spans:
        return None
    middle = len(spans) // 2
    median = spans[middle] if len(spans) % 2 else (spans[middle - 1] + spans[middle]) / 2
    return round(max(median, 0.0), 1)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run: times in ISO 8601 UTC, and text starting with a
    formula character prefixed with an apostrophe (names and errors come from outside)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def report_csv(report: CampaignReport) -> str:
    """One row per target, with a header; UTF-8 text (the view adds the BOM-free download)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        writer.writerow([_cell(row[column]) for column in CSV_COLUMNS])
    return out.getvalue()
