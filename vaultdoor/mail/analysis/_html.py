"""Reading an HTML body: clickable links with their visible text.

selectolax's lexbor (an HTML5 tokenizer and tree builder in C) does the parsing when it is
installed: about five times faster than html.parser on a 50 KB newsletter, and linear on
hostile markup by construction. Without it the standard library's html.parser does, with the
same findings on the corpus (vaultdoor/mail/tests/test_html_backends.py compares them).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["HtmlFindings", "scan_html"]

_MAX_HTML = 2_000_000  # characters; beyond this a body is truncated, not rejected
_MAX_ITEMS = 1000
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\";]+)", re.IGNORECASE)
_SCRIPT_REDIRECT = re.compile(
    r"(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*=|location\.(?:replace|assign)\(",
    re.IGNORECASE,
)
_HIDDEN_TEXT_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript"})
# Tags whose attributes matter. Newsletters are mostly <td style="..."> whose attributes nobody
# needs; skipping their attribute parsing roughly halves the parse time.
_TAGS_WITH_ATTRIBUTES = frozenset({"a", "area", "form", "input", "meta", "img"})
# Layout tags carry no links. They are removed before html.parser sees the document (block
# tags become a space, inline ones nothing, so "www.<b>cnn</b>.com" still reads as one name):
# a 50 KB newsletter is mostly table cells, and parsing them one by one is most of the cost.
# No "<" inside a tag body or its quoted values: a failed match stops at the next tag, which
# keeps the passes linear on hostile input ("<td" a million times, unbalanced quotes).
# Possessive (*+, ++): a tag body has one reading, so the engine never needs to backtrack.
_TAG_BODY = r"""\b(?:[^<>"']++|"[^"<]*+"|'[^'<]*+')*+>"""


_NAME_PART = re.compile(r"\[[^\]]*\]|.")  # a character class, or one character


def _any_case(names: str) -> str:
    """``td|th|thead`` as ``[tT](?:[dD]|[hH](?:|[eE][aA][dD]))``: letters in either case (a
    third faster than re.IGNORECASE on a whole document), and names sharing their first
    letters share their test (sre tries a branch per name at every "<" otherwise).

    The same tags match: a name is always followed by ``\\b`` and no name continues another
    with a non-word character, so at most one name can match at a "<", whatever the order."""
    trie: dict[str, dict] = {}
    for name in names.split("|"):
        node = trie
        for part in _NAME_PART.findall(name):
            node = node.setdefault(part, {})
        node[""] = {}  # a name ends here

    def branches(node: dict[str, dict]) -> str:
        alternatives = [
            (f"[{part}{part.upper()}]" if part.isalpha() and part.isascii() else part)
            + branches(rest) if part else ""
            for part, rest in node.items()
        ]
        return alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"

    return branches(trie)


_BLOCK_TAGS = ("td|tr|th|table|tbody|thead|tfoot|div|p|center|h[1-6]|ul|ol|li|br|hr|col|colgroup|"
               "blockquote|pre|section|article|header|footer|nav|main|o:p")
_INLINE_TAGS = "span|font|b|i|u|s|strong|em|small|big|sup|sub|code|wbr"
# "/?+": no name starts with "/", so giving the "/" back never helps (saves a backtrack point).
_LAYOUT_BLOCK = re.compile("</?+" + _any_case(_BLOCK_TAGS) + _TAG_BODY)
_LAYOUT_INLINE = re.compile("</?+" + _any_case(_INLINE_TAGS) + _TAG_BODY)
# Inline styles are left in place: removing them cost as much as lexbor's whole parse, and
# cut tags such as <a style="x"href="..."> (no space before href) down to "<ahref=...>".
# html.parser (before CPython 3.11.13) rescans to the end of the document for every "<" that
# opens a tag, comment or declaration it cannot close, which is quadratic: 60 KB of
# '<td title="' takes minutes. Such a "<" is escaped first, in one linear pass (a lookahead
# never runs past the next "<"), so the parser only ever sees tags it can finish.
_UNCLOSABLE_LT = re.compile(
    r"""<(?!(?:[a-zA-Z][^<>"']*(?:(?:"[^"<]*"|'[^'<]*')[^<>"']*)*>"""
    r"""|/[^<>]*>|![^-<>][^<>]*>|!>|\?[^<>]*>|!--))"""
)
_TAG_NAME = re.compile(r"([a-zA-Z][^\t\n\r\f />\x00]*)")


@dataclass(slots=True)
class HtmlFindings:
    """What an HTML document offers the reader to click, and what it does on its own."""

    anchors: list[tuple[str, str]] = field(default_factory=list)  # (href, visible text)
    forms: list[str] = field(default_factory=list)  # form actions ("" for the page itself)
    password_inputs: int = 0
    refresh_urls: list[str] = field(default_factory=list)
    scripts: int = 0
    script_redirect: bool = False
    text: str = ""  # visible text outside links (read for URLs only: white space as found)
    all_text: str = ""  # all visible text, links included


class _LinkParser(HTMLParser):
    """Collects anchors (with the text inside them), areas, forms and meta refreshes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = HtmlFindings()
        self._open_href: str | None = None
        self._open_text: list[str] = []
        self._outside: list[str] = []
        self._everything: list[str] = []
        self._hidden_depth = 0
        self._in_script = False

    def parse_starttag(self, i: int) -> int:
        # Fast path over html.parser's own: same tag boundaries (check_for_whole_start_tag),
        # but no attribute parsing for tags whose attributes are never read.
        match = _TAG_NAME.match(self.rawdata, i + 1)
        if match is None or match.group(1).lower() in _TAGS_WITH_ATTRIBUTES:
            return super().parse_starttag(i)
        endpos = self.check_for_whole_start_tag(i)
        if endpos < 0:
            return endpos
        tag = self.lasttag = match.group(1).lower()
        if self.rawdata[endpos - 2 : endpos] == "/>":
            self.handle_startendtag(tag, [])
        else:
            self.handle_starttag(tag, [])
            if tag in self.CDATA_CONTENT_ELEMENTS:
                self.set_cdata_mode(tag)
        return endpos

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = self.found
        if tag in _HIDDEN_TEXT_TAGS:
            self._hidden_depth += 1
            if tag == "script":
                found.scripts += 1
                self._in_script = True
        if len(found.anchors) >= _MAX_ITEMS:
            return
        values = {name: (value or "") for name, value in attrs}
        if tag == "a":
            self._close_anchor()
            if "href" in values:
                self._open_href = values["href"]
                self._open_text = []
        elif tag == "area" and values.get("href"):
            found.anchors.append((values["href"], values.get("alt", "")))
        elif tag == "form":
            found.forms.append(values.get("action", ""))
        elif tag == "input" and values.get("type", "").lower() == "password":
            found.password_inputs += 1
        elif tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            match = _REFRESH_URL.search(values.get("content", ""))
            if match:
                found.refresh_urls.append(match.group(1).strip())
        elif tag == "img" and self._open_href is not None and values.get("alt"):
            # An image inside a link: its alt text is what a reader with images off sees.
            self._open_text.append(values["alt"])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _HIDDEN_TEXT_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TEXT_TAGS and self._hidden_depth:
            self._hidden_depth -= 1
            if tag == "script":
                self._in_script = False
        if tag == "a":
            self._close_anchor()

    def handle_data(self, data: str) -> None:
        if self._in_script:
            if not self.found.script_redirect and _SCRIPT_REDIRECT.search(data):
                self.found.script_redirect = True
            return
        if self._hidden_depth:
            return
        self._everything.append(data)
        if self._open_href is not None:
            self._open_text.append(data)
        else:
            self._outside.append(data)

    def _close_anchor(self) -> None:
        if self._open_href is not None:
            text = " ".join("".join(self._open_text).split())
            self.found.anchors.append((self._open_href, text))
        self._open_href = None
        self._open_text = []

    def finish(self) -> HtmlFindings:
        self._close_anchor()
        self.found.text = " ".join(" ".join(self._outside).split())
        self.found.all_text = " ".join(" ".join(self._everything).split())
        return self.found


def _make_closable(document: str) -> str:
    """The document with every "<" that html.parser could not close written as "&lt;"."""
    document = _UNCLOSABLE_LT.sub("&lt;", document)
    # A comment runs to the first "-->": only those opened after the last one are unclosed.
    last_close = document.rfind("-->")
    cut = last_close + 3 if last_close >= 0 else 0
    return document[:cut] + document[cut:].replace("<!--", "&lt;!--")


try:  # optional C tokenizer (requirements/base.txt pins it; the fallback stays correct)
    from selectolax.lexbor import LexborHTMLParser
except ImportError:  # pragma: no cover - exercised by forcing the fallback in tests
    LexborHTMLParser = None

_STRIPPED_FOR_TEXT = ["script", "style", "head", "title", "template", "noscript"]


def _simplify(document: str) -> str:
    document = _LAYOUT_BLOCK.sub(" ", document[:_MAX_HTML])
    return _LAYOUT_INLINE.sub("", document)


def _anchor_text(node) -> str:
    """What a link shows: its text, with the alt text of images inside it in their place."""
    child = node.first_child
    if child is None:
        return ""
    if child.next is None and child.is_text_node:  # one text node (most links): no walk
        return child.text_content or ""
    if next(node.iter(include_text=False), None) is None:
        return node.text(deep=True) or ""  # text only (most links): read in C
    parts = []
    for inner in node.traverse(include_text=True):
        if inner.tag == "-text":
            if inner.parent is None or inner.parent.tag not in _HIDDEN_TEXT_TAGS:
                parts.append(inner.text_content or "")
        elif inner.tag == "img":  # what a reader with images off sees
            parts.append(inner.attributes.get("alt") or "")
    return "".join(parts)


def _scan_lexbor(document: str) -> HtmlFindings:
    """The findings from lexbor's tree of the simplified document (same rules as the
    html.parser path: anchor text joined without separators, image alt text inside links,
    text chunks between the remaining tags joined with a space)."""
    found = HtmlFindings()
    tree = LexborHTMLParser(_simplify(document))
    # One walk of the tree for both (a selector list matches in document order).
    for node in tree.css("script, a[href], area[href], form, input, meta"):
        tag = node.tag
        if tag == "script":
            found.scripts += 1
            if not found.script_redirect and _SCRIPT_REDIRECT.search(node.text(deep=True) or ""):
                found.script_redirect = True
            continue
        if len(found.anchors) >= _MAX_ITEMS:
            continue  # the rest of the document only counts its scripts
        attrs = node.attrs  # read one by one: node.attributes builds a dict of them all
        if tag == "a":
            found.anchors.append((attrs.get("href") or "", " ".join(_anchor_text(node).split())))
        elif tag == "area":
            if attrs.get("href"):
                found.anchors.append((attrs.get("href") or "", attrs.get("alt") or ""))
        elif tag == "form":
            found.forms.append(attrs.get("action") or "")
        elif tag == "input" and (attrs.get("type") or "").lower() == "password":
            found.password_inputs += 1
        elif tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            match = _REFRESH_URL.search(attrs.get("content") or "")
            if match:
                found.refresh_urls.append(match.group(1).strip())
    tree.strip_tags(_STRIPPED_FOR_TEXT)
    root = tree.root
    found.all_text = " ".join((root.text(deep=True, separator=" ") if root else "").split())
    tree.strip_tags(["a"])
    root = tree.root
    found.text = root.text(deep=True, separator=" ") if root else ""
    return found


def scan_html(document: str) -> HtmlFindings:
    """Links, forms, refreshes and visible text of an HTML document; never raises."""
    if LexborHTMLParser is not None:
        try:
            return _scan_lexbor(document)
        except Exception:  # noqa: S110 - fall back to the standard library on any failure
            pass
    return _scan_stdlib(document)


def _scan_stdlib(document: str) -> HtmlFindings:
    """html.parser's reading of the document (the fallback)."""
    parser = _LinkParser()
    # html.parser on hostile input: whatever was read before a failure still counts.
    with contextlib.suppress(Exception):
        parser.feed(_make_closable(_simplify(document)))
        parser.close()
    return parser.finish()
