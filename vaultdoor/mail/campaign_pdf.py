"""A campaign's report as PDF (fpdf2): the same numbers and charts as the console page, drawn
as vector shapes, and the per-target table. Built in memory; nothing is fetched.

Text is set in DejaVu Sans when the system has it (every name, in any script the font
covers); otherwise in the PDF core font Helvetica, which only knows Latin-1, so other
characters print as '?'. Times are UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .campaign_report import CampaignReport

__all__ = ["FONT_CANDIDATES", "report_pdf"]

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)
BAR = (59, 130, 182)
BAD = (208, 96, 79)
INK = (30, 41, 59)
MUTED = (100, 116, 139)
RULE = (203, 213, 225)


class _Report(FPDF):
    family = "helvetica"
    unicode = False

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 6, f"vaultdoor awareness campaign report · page {self.page_no()}",
                  align="C")

    def text_of(self, value: object) -> str:
        text = str(value)
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")


def _fonts(pdf: _Report, candidates: tuple[Path, ...]) -> None:
    for path in candidates:
        if path.is_file():
            bold = path.with_name(path.stem + "-Bold" + path.suffix)
            pdf.add_font("dejavu", "", str(path))
            pdf.add_font("dejavu", "B", str(bold if bold.is_file() else path))
            pdf.family, pdf.unicode = "dejavu", True
            return


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%m-%d %H:%M") if value else "-"


def _minutes(value: float | None) -> str:
    return "-" if value is None else f"{value:g} min after sending"


def _heading(pdf: _Report, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(pdf.family, "B", 12)
    pdf.set_text_color(*INK)
    pdf.cell(0, 8, pdf.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _hbars(pdf: _Report, rows: list[tuple[str, float, str]], colour: tuple[int, int, int]
           ) -> None:
    """Horizontal bars: label, value (scaled to the largest), text written after the bar."""
    peak = max((v for _, v, _ in rows), default=0) or 1
    pdf.set_font(pdf.family, size=9)
    for label, value, shown in rows:
        y = pdf.get_y()
        pdf.set_text_color(*INK)
        pdf.cell(55, 6, pdf.text_of(label)[:40], align="R")
        width = 100 * value / peak
        pdf.set_fill_color(*colour)
        if width > 0:
            pdf.rect(pdf.l_margin + 58, y + 1, width, 4, style="F")
        pdf.set_xy(pdf.l_margin + 60 + width, y)
        pdf.cell(30, 6, pdf.text_of(shown), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _timeline(pdf: _Report, timeline: list[tuple[str, int]]) -> None:
    """Vertical bars of people's clicks per hour, with a baseline and hour labels."""
    left, height, width = pdf.l_margin + 8, 30.0, 170.0
    top = pdf.get_y() + 2
    peak = max((n for _, n in timeline), default=0) or 1
    slot = width / max(len(timeline), 1)
    pdf.set_draw_color(*RULE)
    pdf.line(left, top + height, left + width, top + height)
    pdf.set_font(pdf.family, size=7)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(pdf.l_margin, top - 1)
    pdf.cell(8, 3, str(peak), align="R")
    pdf.set_fill_color(*BAD)
    for i, (label, n) in enumerate(timeline):
        h = height * n / peak
        if h > 0:
            pdf.rect(left + i * slot + 0.3, top + height - h, max(slot - 0.6, 0.2), h, style="F")
        if i % 6 == 0:
            pdf.set_xy(left + i * slot - 4, top + height + 1)
            pdf.cell(10, 3, label, align="C")
    pdf.set_xy(pdf.l_margin, top + height + 6)


def _table(pdf: _Report, report: CampaignReport) -> None:
    columns = (("Person", 52), ("Department", 28), ("Opened", 20), ("Clicked", 20),
               ("Submitted", 20), ("Reported", 20), ("Training", 20))
    pdf.set_font(pdf.family, "B", 8)
    pdf.set_fill_color(241, 245, 249)
    pdf.set_text_color(*INK)
    for title, w in columns:
        pdf.cell(w, 6, title, border="B", fill=True)
    pdf.ln()
    pdf.set_font(pdf.family, size=8)
    for row in report.rows:
        if pdf.will_page_break(6):
            pdf.add_page()
        values = (row["name"] or row["address"], row["department"] or "-",
                  _when(row["opened_at"]), _when(row["clicked_at"]),
                  _when(row["submitted_at"]), _when(row["reported_at"]),
                  row["training"] or "-")
        for (_title, w), value in zip(columns, values, strict=True):
            pdf.cell(w, 6, pdf.text_of(value)[:34], border="B")
        pdf.ln()


def report_pdf(report: CampaignReport, *,
               fonts: tuple[Path, ...] = FONT_CANDIDATES) -> bytes:
    """The report as the bytes of a PDF document."""
    campaign = report.campaign
    pdf = _Report(orientation="P", unit="mm", format="A4")
    _fonts(pdf, fonts)
    pdf.set_title(pdf.text_of(f"Campaign report: {campaign.name}"))
    pdf.set_creator("vaultdoor")
    pdf.set_creation_date(report.generated)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 16)
    pdf.set_text_color(*INK)
    pdf.cell(0, 10, pdf.text_of(f"Awareness campaign: {campaign.name}"),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(pdf.family, size=9)
    pdf.set_text_color(*MUTED)
    facts = [
        f"Subject: {campaign.subject}",
        f"From: {campaign.from_address}",
        f"Status: {campaign.get_status_display()} · started {_when(campaign.started_at)} · "
        f"finished {_when(campaign.finished_at)} (UTC)",
        f"Report generated {report.generated.astimezone(UTC):%Y-%m-%d %H:%M} UTC",
        "Median time to click: " + _minutes(report.median_minutes["click"])
        + " · to report: " + _minutes(report.median_minutes["report"]),
    ]
    for line in facts:
        pdf.cell(0, 5, pdf.text_of(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    s = report.summary
    _heading(pdf, f"People (of {s['sent']} sent)")
    _hbars(pdf, [(label, n, f"{n} ({rate:g}%)") for label, n, rate in report.funnel], BAR)
    pdf.set_font(pdf.family, size=8)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 4, pdf.text_of(
        f"Only people's actions count. Security scanners and bots fetched the links or the "
        f"tracking image {s['scanner_fetches']} times; those are not counted. Opened is a lower "
        f"bound (many mail clients block images). Not delivered: {s['failed']} failed, "
        f"{s['unconfirmed']} unconfirmed."), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    sent_departments = [d for d in report.departments if d["sent"]]
    if sent_departments:
        _heading(pdf, "Click rate by department (or role)")
        _hbars(pdf, [(d["department"], d["click_rate"],
                      f"{d['click_rate']:g}% ({d['clicked']} of {d['sent']})")
                     for d in sent_departments], BAD)
    if report.timeline:
        _heading(pdf, "People's clicks per hour since the start")
        _timeline(pdf, report.timeline)
    _heading(pdf, "Targets")
    _table(pdf, report)
    return bytes(pdf.output())
