"""SPF, DKIM and DMARC failures reported by the organisation's own mail server."""

from __future__ import annotations

from collections.abc import Iterator

from ..domains import registrable_domain
from ..report import Finding
from .base import Evidence, Signal


class AuthenticationFailure(Signal):
    """The receiving MTA says the sender is not who From claims.

    DMARC failing for one of the organisation's own domains is the strongest case: someone
    outside is writing as the organisation. A DMARC failure that ARC explains (a mailing list
    that rewrote the message) hardly counts.
    """

    name = "authentication_failure"
    weight = 0.35

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        auth = evidence.auth
        if auth is None:
            return
        from_domain = evidence.sender_domain
        arc_pass = any(r.result == "pass" for r in auth.of("arc"))
        failures: list[str] = []
        weight = 0.0
        for result in auth.of("dmarc"):
            if result.result != "fail":
                continue
            domain = registrable_domain(result.domain or from_domain)
            if evidence.is_own(domain):
                failures.append(f"DMARC fails for the organisation's own domain {domain}")
                weight = max(weight, 0.8)
            elif arc_pass:
                failures.append(
                    f"DMARC fails for {domain}, but ARC passes (forwarded or list mail)"
                )
                weight = max(weight, 0.05)
            else:
                failures.append(f"DMARC fails for {domain}")
                weight = max(weight, self.weight)
        spf = [r for r in auth.of("spf") if r.result in {"fail", "softfail"}]
        for result in spf:
            hard = result.result == "fail"
            own = evidence.is_own(result.domain)
            failures.append(f"SPF {result.result} for {result.domain or 'the envelope sender'}")
            weight = 1 - (1 - weight) * (1 - (0.25 if hard else 0.1) * (2 if own else 1))
        dkim_pass_aligned = any(
            r.result == "pass" and registrable_domain(r.domain) == from_domain
            for r in auth.of("dkim")
        )
        for result in auth.of("dkim"):
            if result.result == "fail" and not dkim_pass_aligned and (
                not from_domain or registrable_domain(result.domain) == from_domain
            ):
                failures.append(f"DKIM signature of {result.domain or 'the sender'} fails")
                weight = 1 - (1 - weight) * 0.8
                break
        if failures:
            yield self.finding("; ".join(failures), weight=min(weight, 0.95))
