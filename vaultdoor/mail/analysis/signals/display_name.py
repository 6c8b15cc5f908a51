"""A display name that pretends to be someone the reader trusts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ..domains import domain_label, registrable_domain
from ..report import Finding
from .base import Evidence, Signal

_ADDRESS_IN_NAME = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
# Words too common to stand for an organisation when taken from its domain name.
_GENERIC = frozenset({
    "mail", "email", "support", "service", "services", "secure", "online", "group", "global",
    "office", "bank", "team", "info", "admin", "contact", "help", "portal", "corp", "company",
})


# Words that dress a brand up as its own department: "PayPal Service", "Apple ID Support",
# "Bank of America Alerts". A display name with any other word ("Apple Pie Bakery",
# "Weekly Outlook") merely mentions the brand.
_SERVICE_WORDS = frozenset([
    "the", "of", "and", "for", "via", "by", "from", "at", "on", "your", "you", "team",
    "support", "security", "secure", "service", "services", "customer", "customers", "care",
    "help", "helpdesk", "desk", "center", "centre", "alert", "alerts", "notice", "notices",
    "notification", "notifications", "message", "messages", "mail", "email", "e-mail", "inbox",
    "account", "accounts", "billing", "payment", "payments", "invoice", "invoices",
    "verification", "verify", "id", "login", "sign-in", "signin", "online", "official", "admin",
    "administrator", "administration", "department", "dept", "info", "information", "noreply",
    "no-reply", "do-not-reply", "reply", "update", "updates", "protection", "fraud", "safety",
    "privacy", "store", "shop", "pay", "wallet", "cloud", "drive", "docs", "documents",
    "office", "365", "teams", "delivery", "shipping", "express", "tracking", "parcel", "bank",
    "banking", "card", "cards", "credit", "business", "premium", "prime", "web", "app", "inc",
    "ltd", "llc", "plc", "corp", "corporation", "co", "uk", "us", "usa", "international",
    "global",
])


def _speaks_as(brand_name: str, display: str) -> bool:
    """Whether a display name presents itself as the brand, not just mentions it."""
    rest = word_pattern(brand_name).sub(" ", display)
    words = re.findall(r"[\w'-]+|&", rest)
    return all(word in _SERVICE_WORDS or word == "&" or word.isdigit() for word in words)


@lru_cache(maxsize=1024)
def word_pattern(phrase: str) -> re.Pattern[str]:
    """A pattern finding ``phrase`` as whole words, case-insensitively."""
    return re.compile(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)")


def org_names(own_domains: frozenset[str]) -> set[str]:
    """Names an organisation goes by, read from its domains (``lakeside`` of ``lakeside-cs``)."""
    names = set()
    for domain in own_domains:
        label = domain_label(domain)
        first = re.split(r"[-.]", label)[0]
        if len(first) >= 5 and first not in _GENERIC:
            names.add(first)
    return names


class DisplayNameImpersonation(Signal):
    """The name shown in From impersonates staff, the organisation itself or a known brand.

    Mail clients show the display name, not the address: "IT Helpdesk <x@freemail>" or
    "paypal@paypal.com <x@elsewhere>" is how most impersonation reaches a reader.
    """

    name = "display_name_impersonation"
    weight = 0.5

    def check(self, evidence: Evidence) -> Iterator[Finding]:
        sender = evidence.message.sender
        if sender is None or not sender.name or not sender.address:
            return
        display = " ".join(sender.name.split())
        lowered = display.lower()
        real = sender.registrable_domain
        if evidence.is_own(real):
            return
        match = _ADDRESS_IN_NAME.search(display)
        if match and registrable_domain(match.group(1).lower()) != real:
            shown = registrable_domain(match.group(1).lower())
            own = evidence.is_own(shown)
            whose = " (the organisation's own domain)" if own else ""
            yield self.finding(
                f"display name shows an address at {shown}{whose} but the mail is from "
                f"{sender.address}",
                weight=0.65 if own else self.weight,
            )
            return
        if lowered in evidence.context.staff_names:
            yield self.finding(f"display name '{display}' is a member of staff, but the address "
                               f"{sender.address} is outside the organisation")
            return
        for brand in evidence.context.brands:
            if real in brand.domains:
                continue
            if word_pattern(brand.name).search(lowered) and _speaks_as(brand.name, lowered):
                yield self.finding(f"display name '{display}' names {brand.name}, but "
                                   f"{real or 'the sender'} is not one of its domains")
                return
        for name in org_names(evidence.own_domains):
            if word_pattern(name).search(lowered):
                yield self.finding(
                    f"display name '{display}' uses the organisation's name from outside ({real})",
                    weight=0.3,
                )
                return
