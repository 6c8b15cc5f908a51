"""The OSDP driver against a real libosdp PeripheralDevice, over an in-memory link or a pty.

Waits are bounded (a few seconds) and event-driven; nothing asserts on how long things take.
"""

from __future__ import annotations

import secrets

import osdp
import pytest

from vaultdoor.edge.doorio import DoorConfig, DoorStation
from vaultdoor.edge.readers import CardRead, InputChanged, KeyPress, ReaderOffline, ReaderStatus
from vaultdoor.edge.readers.base import Led
from vaultdoor.edge.readers.channels import memory_link, pty_link
from vaultdoor.edge.readers.osdp import OsdpBus
from vaultdoor.engine.cards import encode

from .conftest import GOOD_PIN, Recorder, eventually
from .osdp_harness import FakeReader, key_file


class Link:
    """An edge bus with one OSDP reader and the fake reader at the other end of the line."""

    def __init__(self, tmp_path, *, pd_key=None, use_pty=False, retry_s=5.0):
        key = secrets.token_bytes(16)
        cp_end, pd_end = pty_link() if use_pty else memory_link()
        self.channels = (cp_end, pd_end)
        self.fake = FakeReader(pd_end, pd_key if pd_key is not None else key)
        self.bus = OsdpBus(retry_s=retry_s)
        self.reader = self.bus.add_reader(
            "R-1", address=101, channel=cp_end, key=key_file(tmp_path / "r1.scbk", key)
        )
        self.events = Recorder()
        self.reader.attach(self.events_sink)

    def events_sink(self, event):
        self.events(event)

    def of(self, cls):
        return [e for e in self.events.events if isinstance(e, cls)]

    def wait_event(self, cls, predicate=lambda e: True, timeout=10.0):
        with self.events._cond:
            self.events._cond.wait_for(
                lambda: any(isinstance(e, cls) and predicate(e) for e in self.events.events),
                timeout=timeout,
            )
        found = [e for e in self.of(cls) if predicate(e)]
        assert found, f"no {cls.__name__} within {timeout}s; got {self.events.events}"
        return found[-1]

    def start(self):
        self.fake.start()
        self.bus.start()
        self.wait_event(ReaderStatus, lambda e: e.online)

    def close(self):
        self.bus.stop()
        self.fake.teardown()
        for channel in self.channels:
            close = getattr(channel, "close", None)
            if close:
                close()


@pytest.fixture
def link(tmp_path):
    link = Link(tmp_path)
    link.start()
    yield link
    link.close()


def test_comes_online_with_secure_channel(link):
    status = link.of(ReaderStatus)[-1]
    assert status.online and status.secure
    assert link.reader.online and link.fake.pd.is_sc_active()


def test_card_read_arrives_as_raw_bits(link):
    bits, data = encode("h10301", 42, 10231)
    link.fake.present_card(bits, data)
    read = link.wait_event(CardRead)
    assert (read.reader, read.bits, read.data) == ("R-1", 26, data)


def test_37_bit_card(link):
    bits, data = encode("h10304", 1234, 400000)
    link.fake.present_card(bits, data)
    read = link.wait_event(CardRead)
    assert (read.bits, read.data) == (37, data)


def test_ascii_card_read_is_not_a_known_format(tmp_path):
    # libosdp 3.2.9's PD does not send the deprecated ASCII format, so feed the dispatcher.
    bus = OsdpBus()
    cp_end, _ = memory_link()
    reader = bus.add_reader("R-1", address=1, channel=cp_end,
                            key=key_file(tmp_path / "k.scbk", secrets.token_bytes(16)))
    seen = []
    reader.attach(seen.append)
    bus._dispatch(reader, {"event": osdp.Event.CardRead, "reader_no": 0, "direction": 0,
                           "format": osdp.CardFormat.ASCII, "data": b"12345678"})
    assert seen == [CardRead("R-1", 0, b"12345678", at=seen[0].at)]  # engine: unreadable_card


def test_keypad_presses_arrive_as_keys(link):
    link.fake.press_keys(b"48")
    link.fake.press_keys(b"21\x0d")  # OSDP sends # as 0x0D
    link.fake.press_keys(b"\x7f")  # and * as 0x7F
    link.wait_event(KeyPress, lambda e: e.keys == "*")
    assert [e.keys for e in link.of(KeyPress)] == ["48", "21#", "*"]


def test_inputs_report_changes(link):
    link.fake.set_inputs(0, 0)
    link.wait_event(InputChanged, lambda e: e.input_no == 1)
    link.fake.set_inputs(1, 0)
    link.wait_event(InputChanged, lambda e: e.input_no == 0 and e.active)
    changes = [(e.input_no, e.active) for e in link.of(InputChanged)]
    assert changes == [(0, False), (1, False), (0, True)]


def test_tamper_and_power_reports(link):
    from vaultdoor.edge.readers import LocalStatus

    link.fake.set_local(1, 0)
    link.wait_event(LocalStatus, lambda e: e.tamper)
    link.fake.set_local(0, 1)
    status = link.wait_event(LocalStatus, lambda e: e.power_failure)
    assert not status.tamper and status.reader == "R-1"


def test_led_buzzer_and_output_reach_the_reader(link):
    from vaultdoor.edge.readers import Buzzer, OutputPulse

    link.reader.send(Led("green", 3000))
    link.reader.send(Buzzer(200, 0, 1))
    link.reader.send(OutputPulse(0, 4000))
    (led,) = link.fake.wait_for(osdp.Command.LED)
    assert led["on_color"] == osdp.CommandLEDColor.Green
    assert led["temporary"] and led["timer_count"] == 30
    (beep,) = link.fake.wait_for(osdp.Command.Buzzer)
    assert beep["on_count"] == 2 and beep["rep_count"] == 1
    (pulse,) = link.fake.wait_for(osdp.Command.Output)
    assert pulse == {"command": osdp.Command.Output, "output_no": 0, "control_code": 6,
                     "timer_count": 40}


def test_wrong_key_never_comes_online(tmp_path):
    link = Link(tmp_path, pd_key=secrets.token_bytes(16))
    link.fake.start()
    link.bus.start()
    try:
        assert eventually(lambda: bool(link.reader.last_error))
        assert "secure channel" in link.reader.last_error
        assert not link.reader.online
        assert not link.fake.pd.is_sc_active()
        assert not any(e.online for e in link.of(ReaderStatus))
        with pytest.raises(ReaderOffline):
            link.reader.send(Led("green", 1000))
        assert link.fake.commands == []
    finally:
        link.close()


def test_pty_link(tmp_path):
    link = Link(tmp_path, use_pty=True)
    link.start()
    try:
        bits, data = encode("h10301", 7, 77)
        link.fake.present_card(bits, data)
        assert link.wait_event(CardRead).data == data
        link.reader.send(Led("red", 1000))
        assert link.fake.wait_for(osdp.Command.LED)[0]["on_color"] == osdp.CommandLEDColor.Red
    finally:
        link.close()


@pytest.mark.slow
def test_supervision_reports_offline_and_online_again(tmp_path):
    """Stop the reader: libosdp gives up after its probes (about 8 s) and the edge reports
    `offline`; start it again and the edge's retry brings it back."""
    link = Link(tmp_path, retry_s=0.5)
    link.start()
    try:
        link.fake.stop()
        link.wait_event(ReaderStatus, lambda e: not e.online, timeout=20)
        assert not link.reader.online
        link.fake.start()
        link.wait_event(ReaderStatus, lambda e: e.online and e is not link.of(ReaderStatus)[0],
                        timeout=20)
        assert [e.online for e in link.of(ReaderStatus)] == [True, False, True]
    finally:
        link.close()


def test_end_to_end_card_to_decision_to_strike(link, decisions):
    """A card at the reader reaches the edge, is decided, and the reader gets its LED, buzzer
    and strike commands; a denied card gets red and no strike."""
    recorder = Recorder()
    station = DoorStation(DoorConfig("D-1", grant_time_s=6), link.reader, decisions, recorder)
    station.attach()

    link.fake.present_card(*encode("h10301", 42, 10231))
    decision = recorder.wait("access.decision")
    assert decision.detail["decision"] == "grant"
    (pulse,) = link.fake.wait_for(osdp.Command.Output)
    assert pulse["timer_count"] == 60 and pulse["control_code"] == 6
    (led,) = link.fake.wait_for(osdp.Command.LED)
    assert led["on_color"] == osdp.CommandLEDColor.Green
    link.fake.wait_for(osdp.Command.Buzzer)

    link.fake.present_card(*encode("h10301", 42, 999))
    denial = recorder.wait("access.decision", count=2)
    assert denial.detail["reason"] == "unknown_credential"
    leds = link.fake.wait_for(osdp.Command.LED, count=2)
    assert leds[1]["on_color"] == osdp.CommandLEDColor.Red
    link.fake.wait_for(osdp.Command.Buzzer, count=2)
    assert len(link.fake.received(osdp.Command.Output)) == 1  # no strike for the denial

    # The door contact through OSDP inputs: the granted person opens and closes the door;
    # opening it again without a grant is forced.
    link.fake.set_inputs(1, 0)
    recorder.wait("door.opened")
    link.fake.set_inputs(0, 0)
    recorder.wait("door.closed")
    link.fake.set_inputs(1, 0)
    recorder.wait("door.forced_open")
    assert "door.forced_open" not in recorder.kinds()[:-1]


def test_end_to_end_card_and_pin(link, decisions):
    recorder = Recorder()
    decisions.pin_doors.add("D-1")
    station = DoorStation(DoorConfig("D-1", mode="card_and_pin"), link.reader, decisions,
                          recorder)
    station.attach()
    link.fake.present_card(*encode("h10301", 42, 10231))
    link.fake.wait_for(osdp.Command.LED)  # amber: enter your PIN
    link.fake.press_keys(GOOD_PIN.encode() + b"\x0d")
    assert recorder.wait("access.decision").detail["decision"] == "grant"
    assert decisions.swipes[-1]["pin"] == GOOD_PIN
    link.fake.wait_for(osdp.Command.Output)


def test_two_readers_on_one_bus_keep_their_own_keys_and_events(tmp_path):
    bus = OsdpBus()
    fakes, readers, ends = [], [], []
    recorder = Recorder()
    for index, address in enumerate((101, 102)):
        key = secrets.token_bytes(16)
        cp_end, pd_end = memory_link()
        ends += [cp_end, pd_end]
        fakes.append(FakeReader(pd_end, key, address=address))
        reader = bus.add_reader(f"R-{index}", address=address, channel=cp_end,
                                key=key_file(tmp_path / f"r{index}.scbk", key))
        reader.attach(recorder)
        readers.append(reader)
    for fake in fakes:
        fake.start()
    bus.start()
    try:
        assert eventually(lambda: all(r.online for r in readers))
        fakes[1].present_card(*encode("h10301", 1, 2))
        fakes[0].present_card(*encode("h10301", 3, 4))
        assert eventually(lambda: sum(isinstance(e, CardRead) for e in recorder.events) == 2)
        reads = {e.reader: e.data for e in recorder.events if isinstance(e, CardRead)}
        assert reads == {"R-0": encode("h10301", 3, 4)[1], "R-1": encode("h10301", 1, 2)[1]}
        readers[1].send(Led("blue", 500))
        assert fakes[1].wait_for(osdp.Command.LED)[0]["on_color"] == osdp.CommandLEDColor.Blue
        assert fakes[0].received(osdp.Command.LED) == []
    finally:
        bus.stop()
        for fake in fakes:
            fake.teardown()


def test_bus_configuration_errors(tmp_path):
    from vaultdoor.edge.readers import ReaderError, ReaderKeyError

    bus = OsdpBus()
    cp_end, _ = memory_link()
    ref = key_file(tmp_path / "k.scbk", secrets.token_bytes(16))
    with pytest.raises(ReaderError, match="0 to 126"):
        bus.add_reader("R-1", address=127, channel=cp_end, key=ref)
    with pytest.raises(ReaderKeyError):
        bus.add_reader("R-1", address=1, channel=cp_end, key="00" * 16)
    bus.add_reader("R-1", address=1, channel=cp_end, key=ref)
    with pytest.raises(ReaderError, match="already in use"):
        bus.add_reader("R-2", address=1, channel=cp_end, key=ref)
    with pytest.raises(ReaderError, match="at least one reader"):
        OsdpBus().start()


@pytest.mark.slow
def test_cut_reader_cable(tmp_path):
    """Cut the line: the reader goes offline; mend it: the edge brings it back."""
    link = Link(tmp_path, retry_s=0.5)
    link.start()
    try:
        link.channels[0].cut()
        link.wait_event(ReaderStatus, lambda e: not e.online, timeout=20)
        link.channels[0].mend()
        assert eventually(lambda: link.reader.online, timeout=20)
        link.fake.present_card(*encode("h10301", 5, 55))
        assert link.wait_event(CardRead).data == encode("h10301", 5, 55)[1]
    finally:
        link.close()
