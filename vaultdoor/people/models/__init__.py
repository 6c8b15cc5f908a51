"""People and their credentials."""

from .credentials import Biometric, Card, Pin
from .persons import Person

__all__ = ["Biometric", "Card", "Person", "Pin"]
