"""``user@`` in front of a URL's host, to make the link look like another site."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..report import Finding
from .base import Evidence, Signal

_HOSTNAME_LIKE = re.compile(r"(?:[a-z0-9-]+\.)+[a-z][a-z0-9-]+", re.IGNORECASE)


class UrlUserinfo(Signal):
    """A web link with user information (``https://portal.bank.example@evil.example/``).

    Browsers go to the host after the last ``@``; readers see the part before it. Nobody puts
    credentials in web links they mail out any more, so this is deceptive or careless.
    """

    name = "url_userinfo"
    weight = 0.55

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        best = None
        for link in evidence.web_links:
            if not link.userinfo:
                continue
            link.reasons.append(self.name)
            user = link.userinfo
            if _HOSTNAME_LIKE.fullmatch(user.split(":")[0]):
                candidate = (0.8, f"the link shows {user.split(':')[0]} but goes to {link.host}")
            elif "@" in user:
                candidate = (0.6, f"the link hides {link.host} behind several '@' signs")
            elif len(user) > 64:
                candidate = (0.6, f"a {len(user)}-character user part pushes {link.host} out of "
                                  f"sight")
            else:
                candidate = (self.weight, f"the link carries the user name '{user[:40]}' before "
                                          f"{link.host}")
            if best is None or candidate[0] > best[0][0]:
                best = (candidate, link)
        if best is not None:
            (weight, detail), link = best
            yield self.finding(detail, weight=weight, link=link)
