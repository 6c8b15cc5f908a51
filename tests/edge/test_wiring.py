"""The wiring file and the door rig built from it."""

from __future__ import annotations

import json
import secrets

import osdp
import pytest

from vaultdoor.edge.doorio import DoorRig, ManualClock
from vaultdoor.edge.readers import ReaderError
from vaultdoor.edge.readers.channels import memory_link
from vaultdoor.edge.readers.wiring import WiringError, load_wiring, parse_wiring
from vaultdoor.engine.cards import encode

from .conftest import GOOD_PIN, Recorder, eventually
from .osdp_harness import FakeReader, key_file

YAML = """
readers:
  - {id: R-A, door: D-A, driver: simulated}
  - {id: R-A-OUT, door: D-A, direction: out, driver: simulated}
  - {id: R-B, door: D-B, driver: simulated}
doors:
  D-A: {grant_time_s: 7, held_open_s: 45}
"""


def test_yaml_and_json_files(tmp_path):
    (tmp_path / "w.yaml").write_text(YAML)
    wiring = load_wiring(tmp_path / "w.yaml")
    assert [r.id for r in wiring.readers] == ["R-A", "R-A-OUT", "R-B"]
    assert wiring.door("D-A").grant_time_s == 7 and wiring.door("D-B").held_open_s == 30
    (tmp_path / "w.json").write_text(json.dumps({"readers": [
        {"id": "R-1", "door": "D-1", "driver": "osdp", "line": "/dev/ttyUSB0",
         "address": 3, "key": "file:/k"}]}))
    assert load_wiring(tmp_path / "w.json").readers[0].baud == 9600


def test_every_problem_is_reported_at_once():
    with pytest.raises(WiringError) as caught:
        parse_wiring({
            "readers": [
                {"id": "R-1", "door": "D-1", "driver": "osdp", "line": "/dev/x",
                 "address": 200, "key": "0011"},
                {"id": "R-2", "door": "D-2", "driver": "wiegand"},
                {"id": "R-3", "door": "D-3", "driver": "simulated", "direction": "out"},
                {"id": "R-4", "door": "D-4", "driver": "simulated"},
                {"id": "R-4", "door": "D-5", "driver": "simulated", "colour": "red"},
            ],
            "doors": {"D-4": {"grant_time_s": "long"}, "D-5": {"strike": 1}},
        })
    where = [w for w, _ in caught.value.issues]
    text = str(caught.value)
    assert "`address` from 0 to 126" in text and "file reference" in text
    assert "`driver` must be one of" in text and "no `in` reader" in text
    assert "unknown keys ['colour']" in text
    assert "doors.D-4" in where and "doors.D-5" in where


def test_empty_or_unreadable(tmp_path):
    with pytest.raises(WiringError, match="at least one reader"):
        parse_wiring({"readers": []})
    with pytest.raises(WiringError, match="mapping"):
        parse_wiring(["R-1"])
    with pytest.raises(WiringError, match="cannot read"):
        load_wiring(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_text("readers: [")
    with pytest.raises(WiringError, match="not valid"):
        load_wiring(tmp_path / "bad.yaml")


def test_two_readers_on_one_side_of_a_door():
    with pytest.raises(WiringError, match="already has an `in` reader"):
        parse_wiring({"readers": [{"id": "R-1", "door": "D-1", "driver": "simulated"},
                                  {"id": "R-2", "door": "D-1", "driver": "simulated"}]})


def test_rig_with_simulated_readers(decisions):
    recorder = Recorder()
    clock = ManualClock()
    rig = DoorRig.build(parse_wiring_yaml(YAML), door_modes={"D-A": "card", "D-B": "card_and_pin"},
                        decide=decisions, record=recorder, clock=clock)
    decisions.pin_doors.add("D-B")
    rig.start()
    try:
        rig.simulated("D-A").present_badge(42, 10231)
        assert rig.simulated("D-A").strike_pulses()[0].duration_ms == 7000
        rig.simulated("D-A", "out").present_badge(42, 10231)
        assert decisions.swipes[-1]["direction"] == "out"
        b = rig.simulated("D-B")
        b.present_badge(42, 10231)
        b.key_in(GOOD_PIN + "#")
        assert decisions.swipes[-1]["pin"] == GOOD_PIN
        assert rig.stations["D-A"].config.held_open_s == 45
        with pytest.raises(ReaderError, match="not wired"):
            rig.simulated("D-Z")
        with pytest.raises(ReaderError, match="no simulated `out` reader"):
            rig.simulated("D-B", "out")
    finally:
        rig.stop()


def test_mode_changes_with_a_new_snapshot(decisions):
    rig = DoorRig.build(parse_wiring_yaml(YAML), door_modes={"D-A": "card_and_pin"},
                        decide=decisions, record=Recorder(), clock=ManualClock())
    rig.start()
    try:
        reader = rig.simulated("D-A")
        reader.present_badge(42, 10231)
        assert decisions.swipes == []  # waiting for a PIN
        rig.update_modes({"D-A": "card"})
        reader.present_badge(42, 10231)
        assert len(decisions.swipes) == 1 and "pin" not in decisions.swipes[0]
        assert rig.stations["D-B"].config.mode == "locked"  # not in the snapshot
    finally:
        rig.stop()


def test_rig_with_an_osdp_reader(tmp_path, decisions):
    key = secrets.token_bytes(16)
    cp_end, pd_end = memory_link()
    fake = FakeReader(pd_end, key, address=5)
    wiring = parse_wiring({"readers": [
        {"id": "R-1", "door": "D-1", "driver": "osdp", "line": "/dev/ttyS9", "address": 5,
         "key": key_file(tmp_path / "r.scbk", key)}]})
    lines = []

    def channel(line, baud):
        lines.append((line, baud))
        return cp_end

    recorder = Recorder()
    rig = DoorRig.build(wiring, door_modes={"D-1": "card"}, decide=decisions, record=recorder,
                        channel_factory=channel)
    fake.start()
    rig.start()
    try:
        assert lines == [("/dev/ttyS9", 9600)]
        recorder.wait("reader.online")
        fake.present_card(*encode("h10301", 42, 10231))
        assert recorder.wait("access.decision").detail["decision"] == "grant"
        fake.wait_for(osdp.Command.Output)
    finally:
        rig.stop()
        fake.teardown()
    assert eventually(lambda: recorder.kinds()[-1] == "reader.offline")
    assert not rig.readers["R-1"].online


def parse_wiring_yaml(text):
    import yaml

    return parse_wiring(yaml.safe_load(text))
