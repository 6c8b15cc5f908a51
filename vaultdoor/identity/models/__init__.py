"""Identity models: accounts, password history, second factors, lockout counters, enrolment
links and API tokens."""

from .accounts import Account, AccountSession, EnrolmentLink, PasswordHistory
from .factors import RecoveryCode, TotpDevice, WebAuthnCredential
from .lockout import AddressThrottle, FailureCounter
from .tokens import ApiToken

__all__ = [
    "Account", "AccountSession", "AddressThrottle", "ApiToken", "EnrolmentLink", "FailureCounter",
    "PasswordHistory", "RecoveryCode", "TotpDevice", "WebAuthnCredential",
]
