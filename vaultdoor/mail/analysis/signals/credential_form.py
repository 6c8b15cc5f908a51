"""A form inside the mail itself that asks for a password."""

from __future__ import annotations

from collections.abc import Iterator

from ..report import Finding
from .base import Evidence, Signal


class CredentialForm(Signal):
    """An HTML body with a password field or a form posting elsewhere.

    Mail has no business collecting input; a password field in it is a harvest page.
    """

    name = "credential_form"
    weight = 0.6

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        for found in evidence.message.html:
            if found.password_inputs:
                yield self.finding("the message body contains a password field")
                return
            external = [a for a in found.forms if a.startswith(("http:", "https:", "//"))]
            if external:
                yield self.finding(
                    f"the message body contains a form posting to {external[0][:80]}", weight=0.4
                )
                return
