"""Measuring the analyser on a labelled corpus (``labels.csv``: ``file,label,notes``).

``phish`` is the positive class: a ``phishing`` or ``suspicious`` verdict detects it. ``ham``
is the negative class: anything but ``clean`` is a false positive. ``spam`` is reported but
counts in neither rate, because how to score bulk mail is a product decision.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from .report import Verdict
from .scanner import Scanner

__all__ = ["CorpusError", "Evaluation", "evaluate_corpus"]

LABELS = ("phish", "spam", "ham")
VERDICTS = (Verdict.PHISHING, Verdict.SUSPICIOUS, Verdict.CLEAN, Verdict.ERROR)


class CorpusError(ValueError):
    """The corpus folder has no usable ``labels.csv``."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One message of the corpus: its label and what the scanner said."""

    file: str
    label: str
    verdict: str
    score: float
    signals: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return self.verdict in {Verdict.PHISHING, Verdict.SUSPICIOUS}

    @property
    def wrong(self) -> bool:
        return (self.label == "phish" and not self.flagged) or (
            self.label == "ham" and self.verdict != Verdict.CLEAN
        )


@dataclass(slots=True)
class Evaluation:
    """The confusion matrix and the two rates the done-when targets are written in."""

    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, label: str, verdict: str) -> int:
        return sum(1 for o in self.outcomes if o.label == label and o.verdict == verdict)

    def total(self, label: str) -> int:
        return sum(1 for o in self.outcomes if o.label == label)

    @property
    def recall(self) -> float:
        """Share of phish flagged ``phishing`` or ``suspicious``."""
        phish = self.total("phish")
        detected = sum(1 for o in self.outcomes if o.label == "phish" and o.flagged)
        return detected / phish if phish else 0.0

    @property
    def false_positive_rate(self) -> float:
        """Share of ham given any verdict but ``clean``."""
        ham = self.total("ham")
        flagged = sum(1 for o in self.outcomes if o.label == "ham" and o.verdict != Verdict.CLEAN)
        return flagged / ham if ham else 0.0

    @property
    def misclassified(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.wrong]

    def to_dict(self) -> dict[str, object]:
        return {
            "matrix": {label: {v: self.count(label, v) for v in VERDICTS} for label in LABELS},
            "recall": round(self.recall, 4),
            "false_positive_rate": round(self.false_positive_rate, 4),
            "misclassified": [
                {"file": o.file, "label": o.label, "verdict": o.verdict, "score": round(o.score, 2)}
                for o in self.misclassified
            ],
        }

    def render(self) -> str:
        """The confusion matrix, the rates and the misclassified files, as plain text."""
        width = max(len(v) for v in VERDICTS) + 2
        lines = ["label   " + "".join(v.rjust(width) for v in VERDICTS) + "total".rjust(8)]
        for label in LABELS:
            counts = "".join(str(self.count(label, v)).rjust(width) for v in VERDICTS)
            lines.append(f"{label:<8}{counts}{str(self.total(label)).rjust(8)}")
        lines.append("")
        detected = sum(1 for o in self.outcomes if o.label == "phish" and o.flagged)
        false_pos = sum(1 for o in self.outcomes if o.label == "ham" and o.verdict != Verdict.CLEAN)
        lines.append(f"recall (phish flagged phishing or suspicious): {self.recall:.3f} "
                     f"({detected}/{self.total('phish')})")
        lines.append(f"false-positive rate (ham not clean):           "
                     f"{self.false_positive_rate:.3f} ({false_pos}/{self.total('ham')})")
        wrong = self.misclassified
        lines.append(f"misclassified: {len(wrong)}")
        for o in wrong:
            lines.append(f"  {o.file}: {o.label} -> {o.verdict} ({o.score:.2f}) "
                         f"{', '.join(o.signals)}")
        return "\n".join(lines)


def evaluate_corpus(directory: str | Path, scanner: Scanner | None = None) -> Evaluation:
    """Scan every file listed in ``directory/labels.csv`` and tally the results."""
    folder = Path(directory)
    labels_file = folder / "labels.csv"
    try:
        with labels_file.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise CorpusError(f"cannot read {labels_file}: {exc.strerror or exc}") from exc
    if not rows or not {"file", "label"} <= set(rows[0]):
        raise CorpusError(f"{labels_file} needs the columns file,label")
    scanner = scanner or Scanner()
    evaluation = Evaluation()
    root = folder.resolve()
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        label = (row["label"] or "").strip().lower()
        if label not in LABELS:
            raise CorpusError(f"{labels_file} line {line}: unknown label {row['label']!r} "
                              f"for {row['file']}")
        path = (folder / (row["file"] or "")).resolve()
        if not path.is_relative_to(root) or path == root:
            # A corpus names its own files: a path leaving the folder is a mistake or a trap.
            raise CorpusError(f"{labels_file} line {line}: {row['file']!r} is not a file in "
                              f"{folder}")
        if not path.is_file():
            raise CorpusError(f"{labels_file} line {line}: no file {row['file']!r} in {folder}")
        report = scanner.scan_path(path)
        evaluation.outcomes.append(Outcome(
            file=row["file"], label=label, verdict=report.verdict, score=report.score,
            signals=tuple(dict.fromkeys(f.name for f in report.signals)),
        ))
    return evaluation
