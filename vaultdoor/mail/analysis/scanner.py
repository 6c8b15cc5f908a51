"""Scanning a message: parse, run every signal, combine their weights into a verdict."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from .context import ScanContext
from .message import MessageParseError, parse_message
from .report import Finding, Report, Verdict
from .signals import Evidence, Signal, default_signals

__all__ = ["PHISHING_THRESHOLD", "SUSPICIOUS_THRESHOLD", "Scanner", "combine"]

logger = logging.getLogger(__name__)

PHISHING_THRESHOLD = 0.75
SUSPICIOUS_THRESHOLD = 0.4


def combine(findings: Sequence[Finding]) -> tuple[float, str]:
    """Score and verdict from findings.

    Each signal counts once, with its heaviest finding (five shortened links are one
    indicator, not five). Signals combine as independent evidence: the score is
    ``1 - prod(1 - weight)``. A message whose findings are all non-standalone stays clean
    whatever they add up to.
    """
    heaviest: dict[str, Finding] = {}
    for finding in findings:
        if finding.name not in heaviest or finding.weight > heaviest[finding.name].weight:
            heaviest[finding.name] = finding
    remaining = 1.0
    for finding in heaviest.values():
        remaining *= 1.0 - min(max(finding.weight, 0.0), 1.0)
    score = 1.0 - remaining
    if not any(f.standalone for f in heaviest.values()):
        return score, Verdict.CLEAN
    if score >= PHISHING_THRESHOLD:
        return score, Verdict.PHISHING
    if score >= SUSPICIOUS_THRESHOLD:
        return score, Verdict.SUSPICIOUS
    return score, Verdict.CLEAN


class Scanner:
    """Analyses messages with a fixed context and set of signals; reusable and thread-safe."""

    def __init__(
        self, context: ScanContext | None = None, signals: Sequence[Signal] | None = None
    ) -> None:
        self.context = context or ScanContext()
        self.signals = tuple(signals) if signals is not None else default_signals()

    def scan_bytes(self, raw: bytes, *, file: str = "") -> Report:
        """The report for one message; unreadable input gives an ``error`` report, never raises."""
        try:
            message = parse_message(raw)
        except MessageParseError as exc:
            return Report(file=file, verdict=Verdict.ERROR, error=str(exc))
        evidence = Evidence.gather(message, self.context)
        findings: list[Finding] = []
        for signal in self.signals:
            try:
                findings.extend(signal.check(evidence))
            except Exception:  # one broken check must not hide the others' findings
                logger.exception("signal %s failed on %s", signal.name, file or "a message")
                findings.append(Finding(signal.name, 0.0, "check failed on this message",
                                        standalone=False))
        score, verdict = combine(findings)
        return Report(
            file=file,
            verdict=verdict,
            score=score,
            signals=[f for f in findings if f.weight > 0],
            links=message.links,
            attachments=[a.to_dict() for a in message.attachments],
        )

    def scan_path(self, path: str | Path) -> Report:
        """The report for a message file; a file that cannot be read gives an ``error`` report."""
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            return Report(file=str(path), verdict=Verdict.ERROR,
                          error=f"cannot read file: {exc.strerror or exc}")
        return self.scan_bytes(raw, file=str(path))
