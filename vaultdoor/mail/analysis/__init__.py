"""The phishing analyser: a pure library (no Django) behind ``vaultdoor mail scan``.

    from vaultdoor.mail.analysis import Scanner, ScanContext
    report = Scanner(ScanContext.build(org_domains=["lakeside-cs.example"])).scan_path(path)
    report.verdict, report.score, report.to_dict()
"""

from __future__ import annotations

from .context import CorrespondenceStore, MemoryCorrespondence, ScanContext
from .hostlists import Brand, default_brands, load_brands
from .message import MessageParseError, ParsedMessage, parse_message
from .report import Finding, Report, Verdict
from .scanner import PHISHING_THRESHOLD, SUSPICIOUS_THRESHOLD, Scanner, combine
from .signals import Evidence, Signal, default_signals
from .urls import Link, extract_text_urls, normalise_url

__all__ = [
    "PHISHING_THRESHOLD",
    "SUSPICIOUS_THRESHOLD",
    "Brand",
    "CorrespondenceStore",
    "Evidence",
    "Finding",
    "Link",
    "MemoryCorrespondence",
    "MessageParseError",
    "ParsedMessage",
    "Report",
    "ScanContext",
    "Scanner",
    "Signal",
    "Verdict",
    "combine",
    "default_brands",
    "default_signals",
    "extract_text_urls",
    "load_brands",
    "normalise_url",
    "parse_message",
]
