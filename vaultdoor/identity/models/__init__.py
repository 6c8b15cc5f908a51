"""Identity models: accounts, password history, second factors, lockout counters, enrolment
links and API tokens."""

from .accounts import Account, EnrolmentLink, PasswordHistory
from .factors import RecoveryCode, TotpDevice, WebAuthnCredential
from .lockout import AddressThrottle, FailureCounter
from .tokens import ApiToken

__all__ = [
    "Account", "AddressThrottle", "ApiToken", "EnrolmentLink", "FailureCounter",
    "PasswordHistory", "RecoveryCode", "TotpDevice", "WebAuthnCredential",
]
