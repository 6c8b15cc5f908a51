"""Background checks with their findings and decisions, and the lifecycle of people."""

from .checks import Adjudication, AdverseAction, BackgroundCheck, Finding, WebhookDelivery
from .lifecycle import OnboardingItem, Termination

__all__ = [
    "Adjudication",
    "AdverseAction",
    "BackgroundCheck",
    "Finding",
    "OnboardingItem",
    "Termination",
    "WebhookDelivery",
]
