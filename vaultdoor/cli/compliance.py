"""`vaultdoor compliance report`: every control of the article scored now, with its evidence."""

from __future__ import annotations

import click

from vaultdoor.cli._output import EXIT_INVALID, fail, print_json

__all__ = ["compliance"]

_STATUS_WORDS = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "not_measured": "N/A"}


@click.group()
def compliance() -> None:
    """Compliance: how well the centre follows each of the article's safety tips."""


@compliance.command("report")
@click.option("--json", "as_json", is_flag=True, help="Every result with its evidence, as JSON.")
@click.option("--site", "site_code", metavar="CODE",
              help="Score the building controls (doors, cards, vetting, phones) for this site "
                   "only; the others are organisation-wide.")
def report(as_json: bool, site_code: str | None) -> None:
    """Score each control from current state and the audit log (read only; exit 0).

    Each line: status, score (0-100, '-' when not measured), title and one sentence with the
    numbers. The overall score is the mean of the measured controls.
    """
    from vaultdoor.cli._django import setup

    setup()
    from vaultdoor.compliance.controls import evaluate_all
    from vaultdoor.facilities.models import Site

    site = None
    if site_code is not None:
        site = Site.objects.filter(code=site_code).first()
        if site is None:
            fail(f"--site: no site with id {site_code!r}", status=EXIT_INVALID)
    result = evaluate_all(site)
    if as_json:
        print_json(result.to_dict())
        return
    for item in result.results:
        score = "-" if item.result.score is None else str(item.result.score)
        click.echo(f"{_STATUS_WORDS[item.result.status]:<5} {score:>3}  "
                   f"{item.control.title}: {item.result.summary}")
    counts = result.counts
    overall = "-" if result.score is None else str(result.score)
    scope = f"site {site.code}" if site is not None else "all sites"
    click.echo(f"overall {overall}/100 ({scope}): {counts['pass']} pass, {counts['warn']} warn, "
               f"{counts['fail']} fail, {counts['not_measured']} not measured")
