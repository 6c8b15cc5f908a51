"""The controller's local wiring file: which reader sits at which door, and how doors are timed.

Reader wiring (serial lines, OSDP addresses, key files) is local to the controller and never
travels to or from the server. The file is YAML or JSON:

```yaml
readers:
  - {id: R-G-ENTRY, door: D-G-ENTRY, driver: osdp, line: /dev/ttyUSB0, baud: 9600,
     address: 101, key: "file:/var/lib/vaultdoor/secrets/reader-R-G-ENTRY.scbk"}
  - {id: R-G-EXIT, door: D-G-ENTRY, direction: out, driver: osdp, line: /dev/ttyUSB0,
     address: 102, key: "file:/var/lib/vaultdoor/secrets/reader-R-G-EXIT.scbk"}
  - {id: R-1-LAB, door: D-1-LAB, driver: simulated}
doors:
  D-G-ENTRY: {grant_time_s: 6, held_open_s: 45}
```

Every reader needs `id`, `door` and `driver` (`osdp` or `simulated`); an OSDP reader also
`line`, `address` and `key`. `direction` is `in` (default) or `out`; each door has at most one
of each, and the `in` reader carries the door's contact and REX inputs. `doors` is optional:
`grant_time_s` (default 5), `held_open_s` (default 30), `rex_unlocks` (default true),
`strike_output`, `contact_input`, `rex_input`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .base import ReaderError

__all__ = ["DoorWiring", "ReaderWiring", "Wiring", "WiringError", "load_wiring", "parse_wiring"]

DRIVERS = ("osdp", "simulated")
_READER_KEYS = {"id", "door", "driver", "direction", "line", "baud", "address", "key"}
_DOOR_KEYS = {"grant_time_s", "held_open_s", "rex_unlocks", "strike_output", "contact_input",
              "rex_input"}


class WiringError(ReaderError):
    """The wiring file is wrong; `issues` lists every problem as (where, what)."""

    def __init__(self, issues: list[tuple[str, str]]) -> None:
        self.issues = issues
        super().__init__("; ".join(f"{where}: {what}" for where, what in issues))


@dataclass(frozen=True, slots=True)
class ReaderWiring:
    """One reader: where it is and how to reach it."""

    id: str
    door: str
    driver: str
    direction: str = "in"
    line: str = ""
    baud: int = 9600
    address: int = 0
    key: str = ""


@dataclass(frozen=True, slots=True)
class DoorWiring:
    """Local timing and I/O numbers of one door (see `doorio.DoorConfig`)."""

    grant_time_s: float = 5.0
    held_open_s: float = 30.0
    rex_unlocks: bool = True
    strike_output: int = 0
    contact_input: int = 0
    rex_input: int = 1


@dataclass(frozen=True, slots=True)
class Wiring:
    readers: tuple[ReaderWiring, ...]
    doors: Mapping[str, DoorWiring] = field(default_factory=dict)

    def door(self, door_id: str) -> DoorWiring:
        return self.doors.get(door_id, DoorWiring())

    @property
    def door_ids(self) -> list[str]:
        return sorted({r.door for r in self.readers})


def load_wiring(path: Path) -> Wiring:
    """Read and check a wiring file (`.json`, else YAML)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise WiringError([(str(path), f"cannot read: {exc.strerror}")]) from exc
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise WiringError([(str(path), f"not valid {path.suffix or 'YAML'}: {exc}")]) from exc
    return parse_wiring(data)


def parse_wiring(data: Any) -> Wiring:
    """Check a parsed wiring document; `WiringError` with every issue at once."""
    issues: list[tuple[str, str]] = []
    if not isinstance(data, Mapping):
        raise WiringError([("(file)", "must be a mapping with `readers` (and `doors`)")])
    readers = [r for i, item in enumerate(data.get("readers") or [])
               if (r := _reader(f"readers[{i}]", item, issues)) is not None]
    if not data.get("readers"):
        issues.append(("readers", "list at least one reader"))
    _check_together(readers, issues)
    doors: dict[str, DoorWiring] = {}
    raw_doors = data.get("doors") or {}
    if not isinstance(raw_doors, Mapping):
        issues.append(("doors", "must be a mapping of door id to settings"))
        raw_doors = {}
    for door_id, settings in raw_doors.items():
        where = f"doors.{door_id}"
        if not isinstance(settings, Mapping) or set(settings) - _DOOR_KEYS:
            issues.append((where, f"settings may only be {sorted(_DOOR_KEYS)}"))
            continue
        wrong = [name for name, value in settings.items() if not _fits(name, value)]
        if wrong:
            issues.append((where, f"wrong type for {sorted(wrong)}"))
            continue
        doors[str(door_id)] = DoorWiring(**settings)
    if issues:
        raise WiringError(issues)
    return Wiring(tuple(readers), doors)


def _fits(name: str, value: Any) -> bool:
    if name == "rex_unlocks":
        return type(value) is bool
    if name.endswith("_s"):
        return type(value) in (int, float)
    return type(value) is int and value >= 0


def _reader(where: str, item: Any, issues: list[tuple[str, str]]) -> ReaderWiring | None:
    if not isinstance(item, Mapping):
        issues.append((where, "must be a mapping"))
        return None
    before = len(issues)
    unknown = set(item) - _READER_KEYS
    if unknown:
        issues.append((where, f"unknown keys {sorted(unknown)}"))
    for name in ("id", "door", "driver"):
        if not isinstance(item.get(name), str) or not item.get(name):
            issues.append((where, f"`{name}` is required"))
    if item.get("driver") not in (None, *DRIVERS):
        issues.append((where, f"`driver` must be one of {list(DRIVERS)}"))
    if item.get("direction", "in") not in ("in", "out"):
        issues.append((where, "`direction` must be in or out"))
    if item.get("driver") == "osdp":
        if not isinstance(item.get("line"), str) or not item.get("line"):
            issues.append((where, "an OSDP reader needs `line` (its serial device)"))
        address = item.get("address")
        if type(address) is not int or not 0 <= address <= 126:
            issues.append((where, "an OSDP reader needs `address` from 0 to 126"))
        key = item.get("key")
        if not isinstance(key, str) or not key.startswith("file:"):
            issues.append((where, "an OSDP reader needs `key`, a file reference (file:/path)"))
        if type(item.get("baud", 9600)) is not int:
            issues.append((where, "`baud` must be a number"))
    if len(issues) > before:
        return None
    return ReaderWiring(**{k: item[k] for k in _READER_KEYS if k in item})


def _check_together(readers: list[ReaderWiring], issues: list[tuple[str, str]]) -> None:
    seen_ids: set[str] = set()
    seen_sides: set[tuple[str, str]] = set()
    seen_addresses: set[tuple[str, int]] = set()
    for reader in readers:
        if reader.id in seen_ids:
            issues.append((f"reader {reader.id}", "is declared twice"))
        seen_ids.add(reader.id)
        side = (reader.door, reader.direction)
        if side in seen_sides:
            issues.append((f"reader {reader.id}",
                           f"door {reader.door} already has an `{reader.direction}` reader"))
        seen_sides.add(side)
        if reader.driver == "osdp":
            spot = (reader.line, reader.address)
            if spot in seen_addresses:
                issues.append((f"reader {reader.id}",
                               f"address {reader.address} is taken on {reader.line}"))
            seen_addresses.add(spot)
    for door, direction in sorted(seen_sides):
        if direction == "out" and (door, "in") not in seen_sides:
            issues.append((f"door {door}", "has an `out` reader but no `in` reader"))
