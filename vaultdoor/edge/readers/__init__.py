"""Reader drivers: one `Reader` interface, an OSDP implementation and a simulated one.

`vaultdoor.edge.readers.osdp` needs libosdp and is imported on its own, so the simulated driver
(and everything built on the interface) works where libosdp is not installed.
"""

from .base import (
    Buzzer,
    CardRead,
    EventSink,
    InputChanged,
    KeyPress,
    Led,
    LocalStatus,
    OutputPulse,
    Reader,
    ReaderCommand,
    ReaderError,
    ReaderEvent,
    ReaderOffline,
    ReaderStatus,
    card_label,
    decode_card,
)
from .keys import ReaderKeyError, generate_scbk_file, load_scbk
from .simulated import SimulatedReader

__all__ = [
    "Buzzer",
    "CardRead",
    "EventSink",
    "InputChanged",
    "KeyPress",
    "Led",
    "LocalStatus",
    "OutputPulse",
    "Reader",
    "ReaderCommand",
    "ReaderError",
    "ReaderEvent",
    "ReaderKeyError",
    "ReaderOffline",
    "ReaderStatus",
    "SimulatedReader",
    "card_label",
    "decode_card",
    "generate_scbk_file",
    "load_scbk",
]
