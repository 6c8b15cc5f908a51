"""Template helpers of the console: icons, status badges and query-string links.

Status is never told by colour alone: every badge carries an icon and a word, so the console
reads the same to colour-blind operators and on a monochrome printout.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Simple stroked glyphs on a 24x24 grid, drawn for vaultdoor (no icon font, no external file).
ICONS: dict[str, str] = {
    "check": '<path d="M5 12.5l4.5 4.5L19 7.5"/>',
    "x": '<path d="M6 6l12 12M18 6L6 18"/>',
    "clock": '<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/>',
    "alert": '<path d="M12 3.5l9.5 16.5h-19z"/><path d="M12 10v4.5M12 17.2v.3"/>',
    "phone": '<rect x="7" y="3" width="10" height="18" rx="2"/><path d="M11 18h2"/>',
    "phone-off": '<rect x="7" y="3" width="10" height="18" rx="2"/><path d="M4 4l16 16"/>',
    "shield": '<path d="M12 3l7.5 3v5.5c0 4.5-3.2 8.2-7.5 9.5-4.3-1.3-7.5-5-7.5-9.5V6z"/>',
    "lock": '<rect x="5" y="11" width="14" height="10" rx="1.5"/>'
            '<path d="M8 11V7.5a4 4 0 018 0V11"/>',
    "unlock": '<rect x="5" y="11" width="14" height="10" rx="1.5"/>'
              '<path d="M8 11V7.5a4 4 0 017.7-1.5"/>',
    "users": '<circle cx="9" cy="8.5" r="3.5"/><path d="M2.5 20c.5-3.6 3.1-6 6.5-6s6 2.4 6.5 6"/>'
             '<path d="M15.5 5.2a3.5 3.5 0 010 6.6M18 14.3c2 .8 3.2 2.9 3.5 5.7"/>',
    "user": '<circle cx="12" cy="8" r="4"/>'
            '<path d="M4.5 20.5c.6-4 3.6-6.5 7.5-6.5s6.9 2.5 7.5 6.5"/>',
    "door": '<path d="M6 21V4.5L15 3v18M15 5h3v16M3.5 21h17"/><path d="M12 12.5v.5"/>',
    "layers": '<path d="M12 3l9 5-9 5-9-5z"/><path d="M3 12.5l9 5 9-5M3 17l9 5 9-5"/>',
    "grid": '<rect x="3.5" y="3.5" width="7" height="7"/>'
            '<rect x="13.5" y="3.5" width="7" height="7"/>'
            '<rect x="3.5" y="13.5" width="7" height="7"/>'
            '<rect x="13.5" y="13.5" width="7" height="7"/>',
    "card": '<rect x="2.5" y="5.5" width="19" height="13" rx="2"/><path d="M2.5 10h19M6 15h4"/>',
    "key": '<circle cx="8" cy="14" r="4.5"/><path d="M11.2 10.8L20 2M16.5 5.5l3 3M14 8l2 2"/>',
    "calendar": '<rect x="3.5" y="5" width="17" height="15.5" rx="1.5"/>'
                '<path d="M3.5 10h17M8 3v4M16 3v4"/>',
    "list": '<path d="M9 6h11M9 12h11M9 18h11M4.5 6h.5M4.5 12h.5M4.5 18h.5"/>',
    "activity": '<path d="M2.5 12h4l3-8 5 16 3-8h4"/>',
    "home": '<path d="M3.5 11L12 4l8.5 7M6 9.5V20h12V9.5"/>',
    "book": '<path d="M4 4.5h6a2 2 0 012 2V20a2 2 0 00-2-2H4z"/>'
            '<path d="M20 4.5h-6a2 2 0 00-2 2V20a2 2 0 012-2h6z"/>',
    "database": '<ellipse cx="12" cy="5.5" rx="7.5" ry="2.5"/>'
                '<path d="M4.5 5.5v13c0 1.4 3.4 2.5 7.5 2.5s7.5-1.1 7.5-2.5v-13"/>'
                '<path d="M4.5 12c0 1.4 3.4 2.5 7.5 2.5s7.5-1.1 7.5-2.5"/>',
    "search": '<circle cx="10.5" cy="10.5" r="6.5"/><path d="M15.5 15.5L21 21"/>',
    "logout": '<path d="M14 4.5H5.5v15H14M10 12h10.5M17 8.5l3.5 3.5-3.5 3.5"/>',
    "eye": '<path d="M2 12s3.6-6.5 10-6.5S22 12 22 12s-3.6 6.5-10 6.5S2 12 2 12z"/>'
           '<circle cx="12" cy="12" r="3"/>',
    "fingerprint": '<path d="M7 19c1.5-2 2-4.5 2-7a3 3 0 016 0c0 3-.6 5.7-2 8"/>'
                   '<path d="M4.5 15.5c.3-1.2.5-2.3.5-3.5a7 7 0 0114 0c0 1.7-.2 3.4-.6 5"/>'
                   '<path d="M12 12c0 3-.8 5.6-2.2 8"/>',
    "pause": '<circle cx="12" cy="12" r="8.5"/><path d="M10 9v6M14 9v6"/>',
    "arrow-in": '<path d="M3.5 12h12M11.5 7.5l4.5 4.5-4.5 4.5M19.5 4v16"/>',
    "arrow-out": '<path d="M8.5 12h12M16.5 7.5l4.5 4.5-4.5 4.5M4.5 4v16"/>',
    "stairs": '<path d="M3.5 20h5v-5h5v-5h5V5h2.5"/>',
    "settings": '<circle cx="12" cy="12" r="3"/><path d="M12 2.5v3M12 18.5v3M2.5 12h3M18.5 12h3'
                'M5.3 5.3l2.1 2.1M16.6 16.6l2.1 2.1M5.3 18.7l2.1-2.1M16.6 7.4l2.1-2.1"/>',
}


@register.simple_tag
def icon(name: str, label: str = "", size: int = 16) -> SafeString:
    """An inline SVG icon; with `label` it is announced to screen readers, else hidden."""
    body = ICONS.get(name, ICONS["alert"])
    aria = format_html('role="img" aria-label="{}"', label) if label else 'aria-hidden="true"'
    return format_html(
        '<svg class="icon icon-{}" width="{}" height="{}" viewBox="0 0 24 24" {} '
        'focusable="false">{}</svg>',
        name, size, size, mark_safe(aria), mark_safe(body),  # noqa: S308 - constants above
    )


# value -> (css tone, icon, label). Tones: ok, bad, warn, info, muted.
_BADGES: dict[str, dict[str, tuple[str, str, str]]] = {
    "decision": {
        "grant": ("ok", "check", "Granted"),
        "deny": ("bad", "x", "Denied"),
        "pending": ("warn", "clock", "Pending"),
    },
    "status": {
        "active": ("ok", "check", "Active"),
        "suspended": ("warn", "pause", "Suspended"),
        "terminated": ("muted", "x", "Terminated"),
        "lost": ("bad", "alert", "Lost"),
        "revoked": ("muted", "x", "Revoked"),
    },
    "vetting": {
        "cleared": ("ok", "shield", "Cleared"),
        "pending": ("warn", "clock", "Pending"),
        "not_started": ("muted", "clock", "Not started"),
        "adverse": ("bad", "alert", "Adverse"),
        "expired": ("warn", "alert", "Expired"),
    },
    "security": {
        "public": ("sec-public", "users", "Public"),
        "standard": ("sec-standard", "door", "Standard"),
        "restricted": ("sec-restricted", "lock", "Restricted"),
        "high": ("sec-high", "shield", "High"),
    },
    "phones": {
        "allowed": ("info", "phone", "Phones allowed"),
        "forbidden": ("muted", "phone-off", "No phones"),
    },
    "mode": {
        "card": ("info", "card", "Card"),
        "card_and_pin": ("info", "key", "Card + PIN"),
        "card_and_biometric": ("info", "fingerprint", "Card + biometric"),
        "pin": ("warn", "key", "PIN only"),
        "locked": ("bad", "lock", "Locked"),
        "unlocked": ("warn", "unlock", "Unlocked"),
    },
    "direction": {
        "in": ("muted", "arrow-in", "In"),
        "out": ("muted", "arrow-out", "Out"),
    },
}


@register.simple_tag
def badge(kind: str, value: Any, label: str = "") -> SafeString:
    """A status badge: tone, icon and a word, e.g. `{% badge "decision" event.decision %}`."""
    tone, glyph, default_label = _BADGES.get(kind, {}).get(
        str(value), ("muted", "alert", str(value).replace("_", " ").capitalize())
    )
    return format_html(
        '<span class="badge badge-{}">{}<span>{}</span></span>',
        tone, icon(glyph), label or default_label,
    )


@register.simple_tag
def security_class(level: str) -> str:
    """The CSS class of a security level (fill and pattern in the floor view)."""
    return f"sec-{level}" if level in _BADGES["security"] else "sec-standard"


@register.simple_tag(takes_context=True)
def query(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with `changes` applied (None or "" removes a key)."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def percent(part: int | None, whole: int | None) -> int:
    """`part` as a whole percentage of `whole` (0 when there is no whole)."""
    if not whole:
        return 0
    return min(100, round(100 * (part or 0) / whole))


@register.filter
def reason_label(code: str) -> str:
    """A decision reason code as words (`outside_schedule` -> `Outside schedule`)."""
    from vaultdoor.access.choices import ReasonChoices

    try:
        return str(ReasonChoices(code).label)
    except ValueError:
        return code.replace("_", " ").capitalize()
