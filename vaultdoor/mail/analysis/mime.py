"""The standard library's MIME parser, with four of its hot spots taken out.

``email.feedparser.FeedParser`` parses every message here; this module only changes how four
of its helpers run, never what they return:

- After each part of a multipart, ``_parsegen`` strips the part's final line break with
  ``NLCRE_eol.search(payload)``, where ``NLCRE_eol`` is ``(\\r\\n|\\r|\\n)\\Z``. ``re`` cannot
  anchor a search at the end, so it scans the whole payload: 0.3 ms for a 40 KB HTML part, a
  tenth of a scan. A match of that pattern is at most two characters long and ends at the end,
  so starting the search two characters before the end finds the same match (same span and
  groups).
- ``BufferedSubFile.readline`` runs every false-EOF predicate on every line. The feed parser
  only ever pushes two: a multipart boundary (``boundaryre.match``, whose pattern begins with
  the literal ``--``) and ``NLCRE.match`` (a line that begins with a line break). A line that
  begins with none of ``-``, ``\\r`` or ``\\n`` can match neither, so it skips them. Any other
  predicate switches the shortcut off.
- Each multipart compiles a regular expression for its boundary,
  ``(?P<sep>--BOUNDARY)(?P<end>--)?(?P<ws>[ \\t]*)(?P<linesep>\\r\\n|\\r|\\n)?$``: 0.13 ms, and
  boundaries are unique per message, so ``re``'s cache never helps. The part after the
  literal is the same for every boundary: :class:`_Boundary` tests the literal with
  ``startswith`` and matches that shared, compiled remainder from where the literal ends
  (the parser reads only ``group('end')`` and ``group('linesep')`` of a match).
- In a part's body, the iterator hands the parser runs of lines that cannot end the part as
  one string: the parser only joins what the iterator gives it there, and reads boundaries
  through ``readline``, which still gives one line at a time.

If a future CPython changes these internals, the shortcuts fall back: an unknown predicate
or pattern takes the stock path; the comparison tests are what would tell.

``tests/mail/test_mime.py`` parses generated and corpus messages both ways and compares them.
"""

from __future__ import annotations

import re
import sys
import types
from email import feedparser
from email.message import Message
from email.policy import Policy
from typing import Any

__all__ = ["parse_bytes"]


class _TailSearch:
    """``NLCRE_eol`` whose ``search`` over a whole string starts where a match can start."""

    def __init__(self, pattern: Any) -> None:
        self._pattern = pattern

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Any:
        if pos == 0 and endpos >= len(string):
            pos = max(0, len(string) - 2)
        return self._pattern.search(string, pos, endpos)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pattern, name)


_BOUNDARY_HEAD = "(?P<sep>"
_BOUNDARY_TAIL = r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$"
_AFTER_SEPARATOR = re.compile(_BOUNDARY_TAIL[1:])
_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)


class _Boundary:
    """``re.compile(HEAD + re.escape(separator) + TAIL)``, without compiling per boundary."""

    __slots__ = ("_separator",)

    def __init__(self, separator: str) -> None:
        self._separator = separator

    def match(self, line: str) -> re.Match[str] | None:
        if not line.startswith(self._separator):
            return None
        return _AFTER_SEPARATOR.match(line, len(self._separator))


class _Regex:
    """The ``re`` module as ``_parsegen`` sees it: boundary patterns become :class:`_Boundary`."""

    escape = staticmethod(re.escape)

    @staticmethod
    def compile(pattern: str, flags: int = 0) -> Any:
        if not flags and pattern.startswith(_BOUNDARY_HEAD) and pattern.endswith(_BOUNDARY_TAIL):
            escaped = pattern[len(_BOUNDARY_HEAD):-len(_BOUNDARY_TAIL)]
            separator = _UNESCAPE.sub(r"\1", escaped)
            if separator.startswith("--") and re.escape(separator) == escaped:
                return _Boundary(separator)
        return re.compile(pattern, flags)

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)


def _known_predicate(pred: Any) -> bool:
    """Whether a false-EOF predicate only matches lines starting with "-", "\\r" or "\\n"."""
    if pred == feedparser.NLCRE.match or isinstance(getattr(pred, "__self__", None), _Boundary):
        return True
    pattern = getattr(getattr(pred, "__self__", None), "pattern", None)
    return (
        getattr(pred, "__name__", "") == "match"
        and isinstance(pattern, str)
        and pattern.startswith("(?P<sep>\\-\\-")
    )


class _Lines(feedparser.BufferedSubFile):
    """The feed parser's line buffer; lines that cannot be a false EOF skip the predicates,
    and in a body, runs of them come back as one string (see _FeedParser)."""

    def __init__(self) -> None:
        super().__init__()
        self._all_known = True
        self._blank_can_end = False  # NLCRE.match (a blank line ends a part) is on the stack
        self.in_body = False  # set by _FeedParser: the parser is past the current headers

    def push_eof_matcher(self, pred: Any) -> None:
        super().push_eof_matcher(pred)
        self._predicates_changed()

    def pop_eof_matcher(self) -> Any:
        pred = super().pop_eof_matcher()
        self._predicates_changed()
        return pred

    def _predicates_changed(self) -> None:
        self._all_known = all(_known_predicate(p) for p in self._eofstack)
        self._blank_can_end = any(p == feedparser.NLCRE.match for p in self._eofstack)

    def _cannot_end(self, line: str) -> bool:
        """Whether no predicate on the stack can match ``line`` (a known stack, a line not "")."""
        if not self._eofstack:
            return True
        first = line[0]
        return first != "-" and not (self._blank_can_end and first in "\r\n")

    def readline(self) -> Any:
        lines = self._lines
        # "" is the parser's own: it pushes back the false EOF it read (unreadline)
        if lines and self._all_known and lines[0] and self._cannot_end(lines[0]):
            return lines.popleft()
        return super().readline()

    def __next__(self) -> Any:
        lines = self._lines
        if lines and self._all_known and lines[0] and self._cannot_end(lines[0]):
            line = lines.popleft()
            if not self.in_body or not lines or not lines[0] or not self._cannot_end(lines[0]):
                return line
            run = [line]
            append, take = run.append, lines.popleft
            if not self._eofstack:
                while lines and lines[0]:
                    append(take())
            else:  # _cannot_end, inline: this loop sees nearly every line of a message
                stops = "-\r\n" if self._blank_can_end else "-"
                while lines and lines[0] and lines[0][0] not in stops:
                    append(take())
            return "".join(run)
        line = super().readline()
        if line == "":
            raise StopIteration
        return line


_GLOBALS = dict(vars(feedparser))
_GLOBALS["NLCRE_eol"] = _TailSearch(feedparser.NLCRE_eol)
_GLOBALS["re"] = _Regex()
_STOCK_PARSEGEN = feedparser.FeedParser._parsegen


class _FeedParser(feedparser.FeedParser):
    """``FeedParser`` running its own ``_parsegen`` code with :class:`_TailSearch` and
    :class:`_Lines` (the stdlib module itself is left as it is)."""

    _parsegen = types.FunctionType(  # type: ignore[assignment]
        _STOCK_PARSEGEN.__code__, _GLOBALS, _STOCK_PARSEGEN.__name__,
        _STOCK_PARSEGEN.__defaults__, _STOCK_PARSEGEN.__closure__,
    )

    def __init__(self, *, policy: Policy) -> None:
        super().__init__(policy=policy)
        self._input = _Lines()

    # Every part starts with _new_message, then its header lines, then _parse_headers. Past
    # that, the parser reads lines through the iterator only to join them (a body, an
    # epilogue) and reads boundaries through readline(), so the iterator may hand it runs of
    # lines that cannot end the part as one string.
    def _new_message(self) -> None:
        self._input.in_body = False
        super()._new_message()

    def _parse_headers(self, lines: list[str]) -> None:
        super()._parse_headers(lines)
        self._input.in_body = True


def parse_bytes(raw: bytes, policy: Policy) -> Message:
    """``email.message_from_bytes(raw, policy=policy)``, faster."""
    parser = _FeedParser(policy=policy)
    parser.feed(raw.decode("ascii", "surrogateescape"))
    return parser.close()
