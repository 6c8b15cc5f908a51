"""Links to what looks like a phishing kit's sign-in page on someone else's web site."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache
from itertools import accumulate

from ..hostlists import Brand
from ..report import Finding
from ..wordtrie import trie_pattern
from .base import Evidence, Signal

_LOGIN_SCRIPT = re.compile(
    r"(?:sign-?in|log-?in|logon|auth\w*|verif\w*|validat\w*|secure\w*|account\w*|webscr|"
    r"update\w*|confirm\w*|session|password\w*|owa)[\w-]*\.(?:php\d?|aspx?|jsp|cgi)$",
    re.IGNORECASE,
)
# Directories of a WordPress install: kits are dropped there on hacked sites
# (SpamAssassin's URI_WP_HACKED family of rules looks for the same).
_CMS_DIRECTORY = re.compile(r"/wp-(?:admin|content|includes)/", re.IGNORECASE)


@lru_cache(maxsize=64)
def _brand_words(brands: tuple[Brand, ...]) -> tuple[re.Pattern[str] | None, dict[str, Brand]]:
    """One pattern finding any brand's name (spaces removed, five letters or more) in a path."""
    words = {b.name.lower().replace(" ", ""): b for b in brands}
    words = {w: b for w, b in words.items() if len(w) >= 5}
    if not words:
        return None, {}
    return re.compile(trie_pattern(words)), words


class LoginPageUrl(Signal):
    """A sign-in script (``signin.php``, ``auth.php``) on a site that is not the sender's,
    stronger inside a WordPress directory or with a brand's name in the path."""

    name = "login_page_url"
    weight = 0.35

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        sender_domain, is_own = evidence.sender_domain, evidence.is_own
        candidates = [
            link for link in evidence.web_links
            if link.host and link.registrable_domain != sender_domain and not is_own(link.host)
        ]
        if not candidates:
            return
        brands = _brands_in_paths(evidence.context.brands, [link.path for link in candidates])
        best = None
        for index, link in enumerate(candidates):
            path = link.path
            script = path.rsplit("/", 1)[-1]
            login = "." in script and _LOGIN_SCRIPT.search(script)
            if not login and index not in brands:
                continue  # most links: neither a sign-in script nor a brand's name
            reasons = []
            weight = 0.0
            if login:
                reasons.append(f"sign-in script {script}")
                weight = self.weight
            if reasons and _CMS_DIRECTORY.search(path):
                reasons.append("inside a WordPress directory")
                weight = 1 - (1 - weight) * 0.7
            brand = brands.get(index)
            if brand is not None and link.registrable_domain not in brand.domains:
                reasons.append(f"'{brand.name}' in the path of {link.registrable_domain}")
                weight = 1 - (1 - weight) * 0.7
            if reasons:
                link.reasons.append(self.name)
                if best is None or weight > best[0]:
                    best = (weight, f"{link.host}: {', '.join(reasons)}", link)
        if best is not None:
            yield self.finding(best[1], weight=min(best[0], 0.8), link=best[2])


def _brands_in_paths(brands: tuple[Brand, ...], paths: list[str]) -> dict[int, Brand]:
    """The first brand named in each path, by the path's index (paths naming none are absent).

    One search over all paths joined by line breaks, which no brand word contains, so no match
    spans two paths: the same as searching each path, without a call per link.
    """
    pattern, brand_of = _brand_words(brands)
    if pattern is None:
        return {}
    lowered = [path.lower() for path in paths]
    starts = list(accumulate((len(path) + 1 for path in lowered[:-1]), initial=0))
    joined = "\n".join(lowered)
    if not any(word in joined for word in brand_of):  # str's search beats re's scan 2:1
        return {}
    found: dict[int, Brand] = {}
    for match in pattern.finditer(joined):
        found.setdefault(bisect_right(starts, match.start()) - 1, brand_of[match.group(0)])
    return found
