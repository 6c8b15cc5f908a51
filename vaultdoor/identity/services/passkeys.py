"""WebAuthn passkeys: the registration and authentication ceremonies, server side.

The browser side is `static/identity/webauthn.js`: it fetches the options JSON made here,
calls `navigator.credentials`, and posts the result back. The challenge lives in the session
for one ceremony only. The relying party id is `VAULTDOOR_WEBAUTHN_RP_ID` or the request's
host name; the expected origin is the request's own scheme and host.
"""

from __future__ import annotations

import json
from typing import Any

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from .. import clock
from ..conf import webauthn_rp_id
from ..constants import SESSION_WEBAUTHN
from ..models import Account, WebAuthnCredential

__all__ = [
    "PasskeyError", "authentication_options", "registration_options", "verify_authentication",
    "verify_registration",
]

RP_NAME = "vaultdoor"


class PasskeyError(ValueError):
    """A WebAuthn ceremony failed (the message is safe to show)."""


def _rp_id(request: Any) -> str:
    configured = webauthn_rp_id()
    return configured or request.get_host().rsplit(":", 1)[0].strip("[]")


def _origin(request: Any) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _descriptors(account: Account) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(c.credential_id))
            for c in account.webauthn_credentials.all()]


def registration_options(request: Any, account: Account) -> str:
    """Options JSON for `navigator.credentials.create()`; remembers the challenge."""
    user = account.user
    options = generate_registration_options(
        rp_id=_rp_id(request), rp_name=RP_NAME, user_name=user.get_username(),
        user_id=f"vaultdoor-account-{account.pk}".encode(),
        user_display_name=user.get_full_name() or user.get_username(),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(account),
    )
    request.session[SESSION_WEBAUTHN] = {"kind": "register", "account": account.pk,
                                         "challenge": bytes_to_base64url(options.challenge)}
    return options_to_json(options)


def _take_challenge(request: Any, kind: str, account: Account) -> bytes:
    state = request.session.pop(SESSION_WEBAUTHN, None)
    if not state or state.get("kind") != kind or state.get("account") != account.pk:
        raise PasskeyError("This passkey request has expired. Try again.")
    return base64url_to_bytes(state["challenge"])


def verify_registration(request: Any, account: Account, credential: str | dict,
                        name: str = "Passkey") -> WebAuthnCredential:
    """Check the browser's attestation and store the new credential."""
    challenge = _take_challenge(request, "register", account)
    try:
        verified = verify_registration_response(
            credential=credential, expected_challenge=challenge,
            expected_rp_id=_rp_id(request), expected_origin=_origin(request),
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyError("The passkey could not be registered.") from exc
    data = json.loads(credential) if isinstance(credential, str) else credential
    transports = (data.get("response") or {}).get("transports") or []
    return WebAuthnCredential.objects.create(
        account=account, name=name[:100] or "Passkey",
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=bytes_to_base64url(verified.credential_public_key),
        sign_count=verified.sign_count, transports=list(transports)[:8], created=clock.now(),
    )


def authentication_options(request: Any, account: Account) -> str:
    """Options JSON for `navigator.credentials.get()` limited to the account's passkeys."""
    options = generate_authentication_options(
        rp_id=_rp_id(request), allow_credentials=_descriptors(account),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[SESSION_WEBAUTHN] = {"kind": "authenticate", "account": account.pk,
                                         "challenge": bytes_to_base64url(options.challenge)}
    return options_to_json(options)


def verify_authentication(request: Any, account: Account, credential: str | dict) -> bool:
    """Check an assertion against the account's stored passkey; updates its sign count."""
    challenge = _take_challenge(request, "authenticate", account)
    try:
        data = json.loads(credential) if isinstance(credential, str) else credential
    except ValueError:
        return False  # not JSON: a failed attempt like any other
    if not isinstance(data, dict):
        return False
    stored = account.webauthn_credentials.filter(credential_id=str(data.get("id", ""))).first()
    if stored is None:
        return False
    try:
        verified = verify_authentication_response(
            credential=credential, expected_challenge=challenge,
            expected_rp_id=_rp_id(request), expected_origin=_origin(request),
            credential_public_key=base64url_to_bytes(stored.public_key),
            credential_current_sign_count=stored.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError):
        return False
    WebAuthnCredential.objects.filter(pk=stored.pk).update(
        sign_count=verified.new_sign_count, last_used=clock.now())
    return True
