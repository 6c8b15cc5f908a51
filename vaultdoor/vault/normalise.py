"""Normalisation and validation of searchable and checked values (pure Python).

The same normal form feeds the blind index at import and at search, so `07700 900123`,
`+44 7700 900123` and `+447700900123` find the same customer.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import phonenumbers

__all__ = ["InvalidValue", "card_expiry", "contains_pan", "digits", "email", "luhn_ok", "pan",
           "phone"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# a run of digits, single spaces or dashes allowed between them (`4111 1111-1111 1111`)
_DIGIT_RUN = re.compile(r"[0-9](?:[ -]?[0-9])*")


class InvalidValue(ValueError):
    """A value fails validation; the message says why and never repeats the value."""


def digits(value: str) -> str:
    """Only the digits of `value` (account and card numbers are searched by digits)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", value) if ch.isdigit())


def phone(value: str, region: str = "GB") -> str:
    """The E.164 form of a phone number (`+447700900123`), read in `region` if national."""
    try:
        number = phonenumbers.parse(unicodedata.normalize("NFKC", value), region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidValue("not a phone number") from exc
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        raise InvalidValue(f"not a valid phone number (read in region {region})")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email(value: str) -> str:
    """An email address in NFKC, lowercased, trimmed."""
    text = unicodedata.normalize("NFKC", value).strip().lower()
    if not _EMAIL.match(text) or len(text) > 254:
        raise InvalidValue("not an email address")
    return text


def luhn_ok(number: str) -> bool:
    """Whether a string of digits passes the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def contains_pan(text: str) -> bool:
    """Whether free text holds what looks like a whole card number: a run of 12 to 19 digits
    (spaces or dashes between them allowed) that passes the Luhn check. Used to keep card
    numbers out of typed reasons, which are stored and audited in clear."""
    for match in _DIGIT_RUN.finditer(unicodedata.normalize("NFKC", text)):
        number = digits(match.group())
        if 12 <= len(number) <= 19 and luhn_ok(number):
            return True
    return False


def pan(value: str) -> str:
    """A payment card number as digits, checked: 12-19 digits and the Luhn check."""
    number = digits(value)
    if not 12 <= len(number) <= 19:
        raise InvalidValue("a card number has 12 to 19 digits")
    if not luhn_ok(number):
        raise InvalidValue("card number fails the Luhn check")
    return number


def card_expiry(value: str, today: dt.date | None = None) -> str:
    """A card expiry `MM/YY` (or MM/YYYY, YYYY-MM) as `MM/YY`, refused once past."""
    text = value.strip()
    match = re.fullmatch(r"(\d{1,2})\s*/\s*(\d{2}|\d{4})", text) or None
    if match:
        month, year = int(match.group(1)), int(match.group(2))
    elif m2 := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(m2.group(1)), int(m2.group(2))
    else:
        raise InvalidValue("card expiry must be MM/YY")
    if year < 100:
        year += 2000
    if not 1 <= month <= 12:
        raise InvalidValue("card expiry month must be 01 to 12")
    today = today or dt.date.today()
    if (year, month) < (today.year, today.month):
        raise InvalidValue("card has expired")
    return f"{month:02d}/{year % 100:02d}"


def date_of_birth(value: str, today: dt.date | None = None) -> str:
    """A date of birth as ISO `YYYY-MM-DD`, not in the future."""
    try:
        born = dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidValue("date of birth must be YYYY-MM-DD") from exc
    if born > (today or dt.date.today()) or born.year < 1900:
        raise InvalidValue("date of birth is out of range")
    return born.isoformat()
