"""The analyser's MIME parsing (analysis/mime.py) reads every message as
``email.message_from_bytes`` does: same tree, headers, payloads, preambles, epilogues, defects."""

from __future__ import annotations

import email
import re
import sysconfig
from email import feedparser
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultdoor.mail.analysis import message as message_module
from vaultdoor.mail.analysis import mime as _mime

POLICY = message_module._POLICY
CORPORA = [Path(__file__).parent / "corpus", Path("/work/shared/data/mail")]
# CPython's own tricky messages (test_email), where the interpreter ships its tests.
STDLIB_MESSAGES = Path(sysconfig.get_paths()["stdlib"]) / "test" / "test_email" / "data"


def _dump(message):
    """Everything the parser decided about a message, part by part."""
    parts = []
    for part in message.walk():
        payload = part._payload
        parts.append((
            part._unixfrom,
            list(part._headers),
            payload if isinstance(payload, str) else len(payload or []),
            part.preamble,
            part.epilogue,
            [type(defect).__name__ for defect in part.defects],
        ))
    return parts


def _same(raw: bytes) -> None:
    stock = email.message_from_bytes(raw, policy=POLICY)
    fast = _mime.parse_bytes(raw, POLICY)
    assert _dump(fast) == _dump(stock)
    assert _flat(fast) == _flat(stock)


def _flat(message):
    try:
        return message.as_bytes()
    except Exception as exc:  # the generator fails on some parses; it must fail alike
        return type(exc)


def test_every_corpus_message_parses_the_same():
    files = [f for corpus in CORPORA if corpus.is_dir() for f in sorted(corpus.glob("*.eml"))]
    files += sorted(STDLIB_MESSAGES.glob("msg_*.txt"))
    assert files
    for path in files:
        _same(path.read_bytes())


# Lines chosen to hit both shortcuts: boundaries and near-boundaries, lines starting with "-"
# or a line break, delivery-status header blocks, nested multiparts, missing separators.
_NL = st.sampled_from(["\n", "\r\n", "\r", ""])
_LINE = st.sampled_from([
    "--b", "--b--", "--b  ", "--b--x", "--bb", "-b", "--", "---", "--c", "--c--", "- x", "",
    "Content-Type: multipart/mixed; boundary=c", "Content-Type: multipart/mixed; boundary=b",
    "Content-Type: message/delivery-status", "Content-Type: message/rfc822",
    "Content-Type: text/plain", "Content-Transfer-Encoding: base64", "X-H: v", " folded",
    "Reporting-MTA: dns; x.example", "Action: failed", "body text", "=3D", "From nobody",
    "\u00e9t\u00e9", "\x0c", "a\rb", "   ", "\t",
])
_BODY = st.lists(st.tuples(_LINE, _NL), max_size=40).map(
    lambda lines: "".join(text + nl for text, nl in lines))
_TOP = st.sampled_from([
    "Content-Type: multipart/mixed; boundary=b\n\n",
    "Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n",
    "Content-Type: message/delivery-status\n\n",
    "Content-Type: multipart/report; boundary=b\n\n",
    "Subject: x\n\n",
    "Content-Type: multipart/mixed; boundary=b\n",
    "",
])


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TOP, _BODY)
def test_generated_messages_parse_the_same(top, body):
    _same((top + body).encode("utf-8", "surrogateescape"))


def test_a_boundary_as_the_last_line_reads_as_before():
    # the parser pushes back the "" of a false EOF; it must still end the part
    for nl in ("\n", "\r\n", "\r", ""):
        _same(f"Content-Type: multipart/mixed; boundary=b{nl}{nl}--b{nl}".encode())
        _same(f"Content-Type: multipart/mixed; boundary=b{nl}{nl}--b{nl}--b{nl}x".encode())


def test_delivery_status_blocks_end_at_blank_lines_as_before():
    for nl in ("\n", "\r\n", "\r"):
        block = f"Reporting-MTA: dns; x.example{nl}{nl}body text{nl}{nl}Action: failed{nl}"
        _same(f"Content-Type: message/delivery-status{nl}{nl}{block}{nl}- x{nl}".encode())
        _same((f"Content-Type: multipart/report; boundary=b{nl}{nl}--b{nl}"
               f"Content-Type: message/delivery-status{nl}{nl}{block}--b--{nl}").encode())


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab\r\n-", max_size=12))
def test_tail_search_finds_what_the_whole_search_finds(text):
    stock = feedparser.NLCRE_eol.search(text)
    tail = _mime._TailSearch(feedparser.NLCRE_eol).search(text)
    assert (stock and (stock.span(), stock.groups())) == (tail and (tail.span(), tail.groups()))


def test_only_predicates_of_a_known_shape_take_the_line_shortcut():
    boundary = re.compile("(?P<sep>" + re.escape("--x") + ")(?P<end>--)?")
    assert _mime._known_predicate(boundary.match)
    assert _mime._known_predicate(feedparser.NLCRE.match)
    assert not _mime._known_predicate(re.compile("x").match)
    assert not _mime._known_predicate(str.isspace)
    lines = _mime._Lines()
    lines.push("--x\nplain\n")
    lines.push_eof_matcher(lambda line: line.startswith("plain"))
    assert lines.readline() == "--x\n"
    assert lines.readline() == ""  # the unknown predicate still runs on every line


_BOUNDARY_CHARS = st.text(alphabet="ab=_.-+()?*[]\\|^$ \t\u00e9'\"/:,", min_size=1, max_size=8)


@settings(max_examples=1000, deadline=None)
@given(_BOUNDARY_CHARS, st.lists(st.sampled_from(["--", "-", " ", "\t", "\r", "\n", "x", "b"]),
                                  max_size=5).map("".join), st.booleans())
def test_boundary_matcher_matches_as_the_compiled_pattern(boundary, rest, exact):
    separator = "--" + boundary
    pattern = "(?P<sep>" + re.escape(separator) + _mime._BOUNDARY_TAIL
    stock = re.compile(pattern)
    fast = _mime._Regex.compile(pattern)
    assert isinstance(fast, _mime._Boundary)
    line = (separator if exact else separator[:-1]) + rest
    a, b = stock.match(line), fast.match(line)
    assert (a is None) == (b is None)
    if a is not None:
        assert [a.group(g) for g in ("end", "ws", "linesep")] == [
            b.group(g) for g in ("end", "ws", "linesep")]
        assert a.end() == b.end()


def test_other_patterns_compile_as_usual():
    assert _mime._Regex.compile("(?P<sep>x)").pattern == "(?P<sep>x)"
    assert _mime._Regex.escape("a.b") == "a\\.b"
