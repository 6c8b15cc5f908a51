"""Mail sent by a web site's server account rather than by a mail system."""

from __future__ import annotations

from collections.abc import Iterator

from ..report import Finding
from .base import Evidence, Signal

# The accounts web servers run as. Mail whose envelope sender is one of them was sent by a
# script on a web host - the way phishing kits on compromised sites send their mail.
_WEB_ACCOUNTS = frozenset(
    {"www-data", "apache", "apache2", "nginx", "httpd", "nobody", "wwwrun", "www"}
)


class WebServerSender(Signal):
    """The envelope sender is a web server's account on a host unrelated to From."""

    name = "webserver_sender"
    weight = 0.3

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        envelope = evidence.message.envelope_from
        local, _, host = envelope.partition("@")
        if local not in _WEB_ACCOUNTS or not host:
            return
        if evidence.sender_domain and host.endswith(evidence.sender_domain):
            return
        yield self.finding(
            f"sent by the web-server account {envelope}, not by a mail system of "
            f"{evidence.sender_domain or 'the sender'}"
        )
