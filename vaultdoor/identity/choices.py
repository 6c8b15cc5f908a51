"""Vocabularies of the identity app."""

from django.db import models

__all__ = ["FailureKind", "RoleChoices", "TokenScope", "TokenStatus"]


class RoleChoices(models.TextChoices):
    """What a console user does; each role is a Django group with least-privilege permissions."""

    SECURITY_ADMIN = "security_admin", "Security admin"
    FACILITIES = "facilities", "Facilities"
    HR_VETTING = "hr_vetting", "HR and vetting officer"
    IT = "it", "IT"
    SUPERVISOR = "supervisor", "Supervisor"
    AUDITOR = "auditor", "Auditor (read-only)"
    AGENT = "agent", "Agent"


class FailureKind(models.TextChoices):
    """Which check failed: password and second-factor failures are counted separately."""

    PASSWORD = "password", "Password"
    SECOND_FACTOR = "second_factor", "Second factor"


class TokenScope(models.TextChoices):
    """What an API token may do, on top of its owner's permissions (never beyond them)."""

    READ = "read", "Read (view permissions only)"
    DECIDE = "decide", "Ask for access decisions (access.decide)"
    WRITE = "write", "Everything the owner may do"


class TokenStatus(models.TextChoices):
    """Where an API token stands now (revoked wins over the rest: revoking is the decision;
    then a disabled owner, whose tokens are refused at sign-in, then expiry)."""

    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
    OWNER_DISABLED = "owner_disabled", "Owner disabled"  # refused while the account is
