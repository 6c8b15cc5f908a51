"""The mail gateway's records: who corresponds with whom, deliveries, quarantine, clicks and
reports."""

from .clicks import LinkClick
from .correspondence import Correspondence, DatabaseCorrespondence
from .messages import Delivery, QuarantinedMessage
from .reports import PhishReport

__all__ = [
    "Correspondence",
    "DatabaseCorrespondence",
    "Delivery",
    "LinkClick",
    "PhishReport",
    "QuarantinedMessage",
]
