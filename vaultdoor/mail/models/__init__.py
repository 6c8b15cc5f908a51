"""The mail gateway's records: who corresponds with whom, deliveries, quarantine, clicks and
reports."""

from .campaigns import Campaign, CampaignTarget, LandingPage, MessageTemplate, SendingProfile
from .clicks import LinkClick
from .correspondence import Correspondence, DatabaseCorrespondence
from .messages import Delivery, QuarantinedMessage
from .reports import PhishReport
from .training import TrainingAssignment, TrainingModule

__all__ = [
    "Campaign",
    "CampaignTarget",
    "Correspondence",
    "DatabaseCorrespondence",
    "Delivery",
    "LandingPage",
    "LinkClick",
    "MessageTemplate",
    "PhishReport",
    "QuarantinedMessage",
    "SendingProfile",
    "TrainingAssignment",
    "TrainingModule",
]
