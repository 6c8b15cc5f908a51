"""What a scan says about one message: verdict, score, signals and links."""

from __future__ import annotations

from dataclasses import dataclass, field

from .urls import Link

__all__ = ["Finding", "Report", "Verdict"]


class Verdict:
    """The verdict vocabulary of ``vaultdoor mail scan``."""

    PHISHING = "phishing"
    SUSPICIOUS = "suspicious"
    CLEAN = "clean"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Finding:
    """One signal that fired: its name, how much it weighs, and why, in words."""

    name: str
    weight: float
    detail: str
    link: Link | None = None
    standalone: bool = True  # False: may add to other findings but never flags on its own

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "weight": round(self.weight, 2), "detail": self.detail}


@dataclass(slots=True)
class Report:
    """The scan result for one file, in the shape of docs/mail-scan.md."""

    file: str
    verdict: str
    score: float = 0.0
    signals: list[Finding] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    attachments: list[dict[str, object]] = field(default_factory=list)
    error: str = ""

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "file": self.file,
            "verdict": self.verdict,
            "score": round(self.score, 2),
            "signals": [f.to_dict() for f in self.signals],
            "links": [link.to_dict() for link in self.links],
        }
        if self.attachments:
            data["attachments"] = self.attachments
        if self.error:
            data["error"] = self.error
        return data
