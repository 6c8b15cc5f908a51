"""`vaultdoor access check`: decide one presentation against the live database.

Kept apart from `access.py` (whose `simulate` must never import Django) and registered on the
`access` group there; Django starts only inside the command.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import click

from vaultdoor.cli import _django
from vaultdoor.cli._output import EXIT_INVALID, fail, print_json

__all__ = ["access_check", "build_swipe"]

# ASCII digits only: `\d` would also take Arabic-Indic or full-width digits, which no reader
# sends and int() would quietly turn into a badge number
_CARD = re.compile(r"^([0-9]+):([0-9]+)$")
_RAW = re.compile(r"^([0-9]+):(.*)$")  # bad hex is the engine's unreadable_card, not an error


class ArgumentProblem(ValueError):
    """A command-line argument that cannot become a swipe."""


def build_swipe(
    *, door: str, card: str | None, card_format: str | None, raw: str | None,
    pin: str | None, biometric: str | None, direction: str, at: str | None,
) -> dict[str, Any]:
    """The swipe object of site-format.md that these options describe."""
    swipe: dict[str, Any] = {
        "door": door,
        "direction": direction,
        "at": at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    if card is not None and raw is not None:
        raise ArgumentProblem("give either --card or --raw, not both")
    if card_format and card is None:
        raise ArgumentProblem("--format goes with --card FACILITY:NUMBER")
    if card is not None:  # `--card ""` is an error, not a presentation without a badge
        match = _CARD.fullmatch(card)
        if not match:
            raise ArgumentProblem(f"--card {card!r}: expected FACILITY:NUMBER, e.g. 42:10231")
        swipe["card"] = {
            "format": card_format or "h10301",
            "facility": int(match[1]),
            "number": int(match[2]),
        }
    if raw is not None:
        match = _RAW.fullmatch(raw)
        if not match:
            raise ArgumentProblem(f"--raw {raw!r}: expected BITS:HEX, e.g. 26:025AB340")
        swipe["card"] = {"bits": int(match[1]), "data": match[2]}
    if pin is not None:
        swipe["pin"] = pin
    if biometric is not None:
        swipe["biometric"] = biometric
    return swipe


@click.command("check")
@click.option("--door", required=True, help="The door id, as in the site file.")
@click.option("--site", "site_code", help="The site id (needed when door ids repeat).")
@click.option("--card", metavar="FACILITY:NUMBER", help="A badge by its numbers.")
@click.option("--format", "card_format", type=click.Choice(["h10301", "h10304"]),
              help="The badge format (default h10301).")
@click.option("--raw", metavar="BITS:HEX", help="A badge as the reader's raw bits.")
@click.option("--pin", help="The PIN typed at the keypad.")
@click.option("--biometric", type=click.Choice(["match", "no_match"]),
              help="What the biometric reader reported.")
@click.option("--direction", type=click.Choice(["in", "out"]), default="in", show_default=True)
@click.option("--at", "at", metavar="ISO", help="When (ISO 8601; site-local without an offset). "
              "Default: now.")
def access_check(door: str, site_code: str | None, card: str | None, card_format: str | None,
                 raw: str | None, pin: str | None, biometric: str | None, direction: str,
                 at: str | None) -> None:
    """Decide a presentation at DOOR against the live database and print the decision as JSON.

    Locations, occupancy and two-person waits persist between calls; the decision is recorded
    in the audit log and the door event log.
    """
    try:
        swipe = build_swipe(door=door, card=card, card_format=card_format, raw=raw, pin=pin,
                            biometric=biometric, direction=direction, at=at)
    except ArgumentProblem as exc:
        fail(str(exc), status=EXIT_INVALID)
    _django.setup()
    from vaultdoor.access.services.decide import DecisionInputError, decide_swipe
    from vaultdoor.cli._output import cli_actor

    try:
        decision = decide_swipe(site_code, swipe, actor=cli_actor())
    except DecisionInputError as exc:
        fail(str(exc), status=EXIT_INVALID)
    print_json(decision)
