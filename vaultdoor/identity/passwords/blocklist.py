"""The offline blocklist of common and breached passwords, and how a password is matched to it.

Three lists shipped by maintained packages, merged at first use (nothing is fetched at run
time):

- Django's `common-passwords.txt.gz` (20,000 passwords from breach corpora, ships with Django);
- zxcvbn's `passwords` frequency list (30,000, from the `zxcvbn` package on PyPI);
- `@zxcvbn-ts/language-common` 4.1.3's `passwords.json` (49,233, MIT, vendored from the npm
  registry into `data/`, see docs/identity.md for its checksum).

Together about 56,000 distinct passwords: fewer than the 100,000 the issue asks for, a gap
documented in docs/identity.md. Matching is case-insensitive and also tries the password's
"core" (leading and trailing digits and symbols removed, common character substitutions
undone), so `Dragon2024!` and `P@ssw0rd1` count as the listed `dragon` and `password`. An
operator can add organisation-specific words (the company's name, its products) with
`VAULTDOOR_PASSWORD_BLOCKLIST` pointing at a text file, one word per line.
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from pathlib import Path

__all__ = ["blocklist", "blocklist_size", "is_blocklisted", "normal_forms"]

DATA = Path(__file__).resolve().parent / "data"
VENDORED = DATA / "zxcvbn-ts-common-passwords.txt"

# Substitutions people make to satisfy composition rules; undone before matching.
_LEET = str.maketrans({"@": "a", "4": "a", "8": "b", "(": "c", "3": "e", "6": "g", "1": "i",
                       "!": "i", "|": "l", "0": "o", "$": "s", "5": "s", "7": "t", "+": "t",
                       "2": "z"})
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
# A core shorter than this matches too much ("abc" inside anything) to be a fair reason.
_MIN_CORE = 4


def _django_list() -> set[str]:
    import django.contrib.auth

    path = Path(django.contrib.auth.__file__).resolve().parent / "common-passwords.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return {line.strip().lower() for line in handle if line.strip()}


def _zxcvbn_list() -> set[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return {word.lower() for word in FREQUENCY_LISTS["passwords"]}


def _file_list(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return {line.strip().lower() for line in text.splitlines() if line.strip()}


@lru_cache(maxsize=4)
def blocklist(extra_file: str | None = None) -> frozenset[str]:
    """Every blocked password, lower-cased (plus the operator's extra file when given)."""
    words = _django_list() | _zxcvbn_list() | _file_list(VENDORED)
    if extra_file:
        words |= _file_list(Path(extra_file))
    return frozenset(words)


def blocklist_size(extra_file: str | None = None) -> int:
    """How many distinct passwords the blocklist holds (reported by `vaultdoor password`)."""
    return len(blocklist(extra_file))


def normal_forms(password: str) -> set[str]:
    """The forms of `password` compared with the list: as typed, and its de-leeted core."""
    lowered = password.lower()
    forms = {lowered, lowered.translate(_LEET)}
    core = _EDGES.sub("", lowered)
    if len(core) >= _MIN_CORE:
        forms |= {core, core.translate(_LEET), core.translate(_LEET).replace("i", "l")}
    # Substitutions at the edges ("p@ssw0rd!") are stripped after undoing them, too.
    undone = _EDGES.sub("", lowered.translate(_LEET))
    if len(undone) >= _MIN_CORE:
        forms.add(undone)
    return forms


def is_blocklisted(password: str, extra_file: str | None = None) -> bool:
    """True when the password, or its core, is a known common or breached password."""
    words = blocklist(extra_file)
    return any(form in words for form in normal_forms(password))
