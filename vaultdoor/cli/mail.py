"""``vaultdoor mail``: scan messages for phishing, and measure the scanner on a corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from vaultdoor.cli._output import EXIT_FAILED, EXIT_INVALID, fail, print_json

__all__ = ["mail"]


def _context(org_domains: tuple[str, ...], brands_file: str | None, known_senders: str | None):
    from vaultdoor.config import env, env_list
    from vaultdoor.mail.analysis import MemoryCorrespondence, ScanContext, load_brands

    domains = list(org_domains) or env_list("ORG_DOMAINS")
    brands = None
    brands_file = brands_file or env("MAIL_BRANDS_FILE")
    if brands_file:
        try:
            brands = load_brands(brands_file)
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"cannot read the brand list {brands_file}: {exc}", status=EXIT_INVALID)
    store = None
    if known_senders:
        try:
            lines = Path(known_senders).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"cannot read the known-senders file {known_senders}: {exc}", status=EXIT_INVALID)
        store = MemoryCorrespondence()
        for line in lines:
            if line.strip() and not line.lstrip().startswith("#"):
                store.learn(line)
    return ScanContext.build(org_domains=domains, brands=brands, correspondence=store)


def _summary(report) -> str:
    lines = [f"{report.file}: {report.verdict.upper()} (score {report.score:.2f})"]
    if report.error:
        lines.append(f"  error: {report.error}")
    for finding in report.signals:
        lines.append(f"  - {finding.name} ({finding.weight:.2f}): {finding.detail}")
    for link in report.links:
        if link.reasons:
            lines.append(f"  link {link.url[:120]} [{', '.join(link.reasons)}]")
    return "\n".join(lines)


@click.group()
def mail() -> None:
    """Mail defence: phishing analysis."""


_org_option = click.option(
    "--org-domain", "org_domains", multiple=True, metavar="DOMAIN",
    help="The organisation's own domain (repeatable). Default: VAULTDOOR_ORG_DOMAINS, else "
         "each message's recipient domains.",
)
_brands_option = click.option(
    "--brands", "brands_file", type=click.Path(dir_okay=False), default=None,
    help="Protected brands file (Name = domain ...), replacing the built-in list. "
         "Default: VAULTDOOR_MAIL_BRANDS_FILE.",
)


@mail.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per message and line.")
@_org_option
@_brands_option
@click.option("--known-senders", type=click.Path(dir_okay=False), default=None,
              help="File of addresses or domains already corresponded with (one a line).")
@click.argument("files", nargs=-1, required=True, type=click.Path())
def scan(as_json: bool, org_domains: tuple[str, ...], brands_file: str | None,
         known_senders: str | None, files: tuple[str, ...]) -> None:
    """Scan message files (RFC 5322 / .eml) and give each a verdict.

    Exits 1 if any file could not be read or parsed (after scanning all the others).
    """
    from vaultdoor.mail.analysis import Scanner

    scanner = Scanner(_context(org_domains, brands_file, known_senders))
    errors = 0
    for path in files:
        report = scanner.scan_path(path)
        report.file = path
        errors += report.verdict == "error"
        if as_json:
            print_json(report.to_dict())
        else:
            click.echo(_summary(report))
    if errors:
        sys.exit(EXIT_FAILED)


@mail.command()
@click.option("--json", "as_json", is_flag=True, help="The matrix and rates as one JSON object.")
@_org_option
@_brands_option
@click.option("--min-recall", type=float, default=None, help="Exit 1 if recall is lower.")
@click.option("--max-fpr", type=float, default=None,
              help="Exit 1 if the false-positive rate is higher.")
@click.argument("directory", type=click.Path(file_okay=False))
def evaluate(as_json: bool, org_domains: tuple[str, ...], brands_file: str | None,
             min_recall: float | None, max_fpr: float | None, directory: str) -> None:
    """Scan a labelled corpus (DIRECTORY/labels.csv) and print the confusion matrix,
    recall, false-positive rate and the misclassified files."""
    from vaultdoor.mail.analysis import Scanner
    from vaultdoor.mail.analysis.evaluation import CorpusError, evaluate_corpus

    try:
        evaluation = evaluate_corpus(directory, Scanner(_context(org_domains, brands_file, None)))
    except CorpusError as exc:
        fail(str(exc), status=EXIT_INVALID)
    if as_json:
        print_json(evaluation.to_dict())
    else:
        click.echo(evaluation.render())
    if (min_recall is not None and evaluation.recall < min_recall) or (
        max_fpr is not None and evaluation.false_positive_rate > max_fpr
    ):
        sys.exit(EXIT_FAILED)
