"""One-time enrolment links: a new account holder follows one to set their password."""

from __future__ import annotations

import secrets

from django.db import transaction

from vaultdoor.audit import record

from .. import clock
from ..constants import ENROLMENT_LINK_LIFETIME
from ..crypto import digest
from ..models import Account, EnrolmentLink

__all__ = ["EnrolmentError", "find_link", "issue_link", "redeem_link"]


class EnrolmentError(ValueError):
    """The link is unknown, used or expired."""


def issue_link(account: Account, *, created_by: str = "system") -> str:
    """A new one-time token for `account` (earlier unused links stop working)."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    with transaction.atomic():
        account.enrolment_links.filter(used_at__isnull=True).update(used_at=now)
        EnrolmentLink.objects.create(account=account, token_hash=digest(token), created=now,
                                     expires=now + ENROLMENT_LINK_LIFETIME,
                                     created_by=created_by)
    return token


def find_link(token: str) -> EnrolmentLink:
    """The live link for `token`, else `EnrolmentError`."""
    link = (EnrolmentLink.objects.select_related("account__user")
            .filter(token_hash=digest(token)).first())
    if link is None or link.used_at is not None or link.expires <= clock.now():
        raise EnrolmentError("This enrolment link is not valid any more. Ask for a new one.")
    return link


def redeem_link(token: str, password: str, *, request=None) -> Account:
    """Set the account's first password (already validated) and spend the link."""
    with transaction.atomic():
        link = find_link(token)
        spent = EnrolmentLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
            used_at=clock.now())
        if not spent:
            raise EnrolmentError("This enrolment link is not valid any more. Ask for a new one.")
        user = link.account.user
        user.set_password(password)
        user.save()
        # Not the request itself: its path holds the token (spent now, but a token all the same).
        record("auth.enrolled", actor=user.get_username(), target_type="identity.account",
               target_id=str(link.account.pk),
               ip=str(request.META.get("REMOTE_ADDR", "")) if request is not None else "")
    return link.account
