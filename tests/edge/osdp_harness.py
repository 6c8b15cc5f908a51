"""A real libosdp PeripheralDevice playing the door reader, for the OSDP driver tests."""

from __future__ import annotations

import os
import threading
from contextlib import suppress

import osdp

PD_CAPABILITIES = osdp.PDCapabilities([
    (osdp.Capability.OutputControl, 1, 1),
    (osdp.Capability.LEDControl, 1, 1),
    (osdp.Capability.AudibleControl, 1, 1),
    (osdp.Capability.ContactStatusMonitoring, 1, 2),
    (osdp.Capability.CommunicationSecurity, 1, 1),
])


def key_file(path, key: bytes) -> str:
    path.write_text(key.hex())
    os.chmod(path, 0o600)
    return f"file:{path}"


class FakeReader:
    """The reader side: a libosdp PD whose command callback records what the edge sent."""

    def __init__(self, channel, key: bytes, address: int = 101) -> None:
        self.commands: list[dict] = []
        self._cond = threading.Condition()
        self.pd = osdp.PeripheralDevice(
            osdp.PDInfo(address, channel, scbk=key, flags=[osdp.LibFlag.EnforceSecure]),
            PD_CAPABILITIES,
            log_level=osdp.LogLevel.Error,
            command_handler=self._on_command,
        )

    def _on_command(self, command: dict):
        with self._cond:
            self.commands.append(command)
            self._cond.notify_all()
        return 0, None

    def start(self) -> None:
        self.pd.start()

    def stop(self) -> None:
        with suppress(RuntimeError):
            self.pd.stop()

    def teardown(self) -> None:
        with suppress(RuntimeError):
            self.pd.teardown()

    def received(self, kind: int) -> list[dict]:
        with self._cond:
            return [c for c in self.commands if c.get("command") == kind]

    def wait_for(self, kind: int, count: int = 1, timeout: float = 10.0) -> list[dict]:
        with self._cond:
            self._cond.wait_for(lambda: len(self.received_unlocked(kind)) >= count, timeout)
            found = self.received_unlocked(kind)
        assert len(found) >= count, f"reader got {self.commands}, wanted {count} of {kind}"
        return found

    def received_unlocked(self, kind: int) -> list[dict]:
        return [c for c in self.commands if c.get("command") == kind]

    # What a person does at the reader.

    def present_card(self, bits: int, data: bytes) -> None:
        self.pd.submit_event({
            "event": osdp.Event.CardRead, "reader_no": 0, "direction": 0,
            "format": osdp.CardFormat.Wiegand, "length": bits, "data": data,
        })

    def press_keys(self, data: bytes) -> None:
        self.pd.submit_event({"event": osdp.Event.KeyPress, "reader_no": 0, "data": data})

    def set_inputs(self, *states: int) -> None:
        self.pd.submit_event({
            "event": osdp.Event.Status, "type": osdp.StatusReportType.Input,
            "report": bytes(states),
        })

    def set_local(self, tamper: int, power: int = 0) -> None:
        self.pd.submit_event({
            "event": osdp.Event.Status, "type": osdp.StatusReportType.Local,
            "report": bytes([tamper, power]),
        })
