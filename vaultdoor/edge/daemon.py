"""`vaultdoor edge run`: the door controller as one process.

Threads, each small and each able to fail without stopping the doors:

- the door side: one `DoorStation` per door with simulated entry and exit readers (the
  readers' own threads, or the local socket, drive them), and a ticker for door timers;
- sync: follows the server's signed deltas by long-poll (`sync.Synchroniser`);
- forwarder: sends spooled events in batches and deletes them once acknowledged; heartbeats
  while idle;
- the local socket `<data dir>/edge.sock`: `vaultdoor edge swipe` presents a card there.

Decisions never wait for the server: they read the installed snapshot and write the spool.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import signal
import socketserver
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from vaultdoor.engine import PinHasher

from .controller import EdgeController
from .doorio.door import DoorConfig
from .doorio.events import EdgeEvent
from .doorio.station import DoorStation, Ticker
from .doorstate import EdgeDoorState
from .envelope import SignedHeader
from .readers.simulated import SimulatedReader
from .spool import DEFAULT_CAPACITY, Spool
from .store import EdgeStore
from .sync import ServerClient, ServerRefused, ServerUnavailable, Synchroniser
from .wire import SiteState

__all__ = ["AlreadyRunning", "EdgeDaemon", "SwipeRefused", "request"]

log = logging.getLogger(__name__)

BATCH = 1000  # events per request: the per-request costs (two disk syncs, HTTP) spread thinner
HEARTBEAT_S = 10.0
CONTACT_PERSIST_S = 30.0


class SwipeRefused(ValueError):
    """A local swipe request cannot be presented (unknown door, malformed card)."""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_MAX_REQUEST = 64 * 1024  # one line of the local socket: a swipe is a few hundred bytes


class AlreadyRunning(RuntimeError):
    """Another controller process already runs on this data directory."""


class EdgeDaemon:
    """One door controller: its stations, spool, sync and forwarder."""

    def __init__(
        self, data_dir: Path | str, *, clock: Callable[[], dt.datetime] = _utcnow,
        long_poll_s: float = 20.0, batch: int = BATCH, heartbeat_s: float = HEARTBEAT_S,
        spool_capacity: int = DEFAULT_CAPACITY, timeout_s: float = 10.0,
    ) -> None:
        self.store = EdgeStore(data_dir)
        self.config = self.store.config()
        self.clock = clock
        self.batch = batch
        self._send_size = batch  # smaller after a refused batch, back up as batches pass
        self.heartbeat_s = heartbeat_s
        self.spool = Spool(self.store.spool_path, controller=self.config.controller,
                           capacity=spool_capacity, clock=clock)
        self.client = ServerClient(self.config.server, self.store.token(), timeout=timeout_s)
        self.door_state = EdgeDoorState(self.store.doorstate_path)
        self.controller = EdgeController(
            pin_hasher=PinHasher(self.store.pin_key()), spool=self._spool_decision,
            clock=clock, last_contact=self.store.load_contact(), state=self.door_state,
        )
        self.sync = Synchroniser(
            self.store, self.config, self.client, install=self._install,
            record=self._spool_note, on_contact=self._contact, clock=clock,
            long_poll_s=long_poll_s,
        )
        self.stations: dict[str, DoorStation] = {}
        self.readers: dict[str, tuple[SimulatedReader, SimulatedReader]] = {}
        self._last_decision: dict[str, dict[str, Any]] = {}
        self._swipe_lock = threading.Lock()
        self._stations_lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self._ticker: Ticker | None = None
        self._server: socketserver.UnixStreamServer | None = None
        self._lock_fd: int | None = None  # the data directory's lock, once claimed
        self._contact_saved = 0.0

    # -- events into the spool ------------------------------------------------------------

    def _spool_decision(self, type: str, door: str, data: dict[str, Any], at: dt.datetime
                        ) -> None:
        self.spool.append(type, door=door, data=data, at=at)
        self._wake.set()

    def _spool_note(self, type: str, data: dict[str, Any]) -> None:
        self.spool.append(type, data=data)
        self._wake.set()

    def _record(self, event: EdgeEvent) -> None:
        """The stations' event sink. Decisions were spooled already, before the strike."""
        if event.kind == "access.decision":
            return
        self.spool.append(event.kind, door=event.door,
                          data={"reader": event.reader, **dict(event.detail)}, at=event.at)
        self._wake.set()

    def _contact(self, at: dt.datetime) -> None:
        self.controller.mark_contact(at)
        now = time.monotonic()
        if now - self._contact_saved >= CONTACT_PERSIST_S:
            self._contact_saved = now
            try:
                self.store.save_contact(at)
            except OSError as exc:
                log.warning("cannot save last contact: %s", exc)

    # -- doors ----------------------------------------------------------------------------

    def _install(self, state: SiteState, header: SignedHeader) -> None:
        self.controller.install(state, header)
        self._build_stations()
        log.info("snapshot version %s installed (%s people)", header.version,
                 state.count("people"))

    def _build_stations(self) -> None:
        modes = self.controller.door_modes()
        # The snapshot holds exactly this controller's doors (they may have changed since
        # enrolment); before the first snapshot, the doors enrolment named.
        doors = sorted(modes) if modes else list(self.config.doors)
        with self._stations_lock:
            for door in doors:
                mode = modes.get(door, "card")
                station = self.stations.get(door)
                if station is not None and station.config.mode == mode:
                    continue
                fresh = door not in self.readers
                if fresh:
                    self.readers[door] = (SimulatedReader(f"{door}/in"),
                                          SimulatedReader(f"{door}/out"))
                entry, exit_ = self.readers[door]
                station = DoorStation(DoorConfig(door_id=door, mode=mode), entry,
                                      self._decide, self._record, exit_reader=exit_)
                station.attach()
                self.stations[door] = station
                if fresh and self._ticker is not None:  # a door added while running
                    entry.start()
                    exit_.start()
            if self._ticker is not None:
                self._ticker.stations = list(self.stations.values())

    def _decide(self, swipe: dict[str, Any]) -> dict[str, Any]:
        decision = self.controller.decide(swipe)
        self._last_decision[str(swipe.get("door", ""))] = decision
        return decision

    # -- the local socket -----------------------------------------------------------------

    def swipe(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """Present a card (and PIN) at a door's simulated reader; the decision it got."""
        door = str(request.get("door", ""))
        station = self.stations.get(door)
        if station is None:
            raise SwipeRefused(f"door {door!r} is not driven by controller "
                               f"{self.config.controller} ({', '.join(self.stations)})")
        entry, exit_ = self.readers[door]
        reader = exit_ if request.get("direction") == "out" else entry
        pin = request.get("pin")
        card = request.get("card")
        with self._swipe_lock:
            self._last_decision.pop(door, None)
            if card is not None:
                # ASCII digits only (int() would take " 42", "4_2" and other scripts' digits)
                match = re.fullmatch(r"([0-9]{1,12}):([0-9]{1,20})", str(card))
                if match is None:
                    raise SwipeRefused("card must be FACILITY:NUMBER, e.g. 42:10231")
                facility, number = int(match[1]), int(match[2])
                card_format = str(request.get("format") or "h10301")
                try:
                    reader.present_badge(facility, number, card_format)
                except ValueError as exc:
                    raise SwipeRefused(str(exc)) from None
            if pin is not None and station.config.mode in ("card_and_pin", "pin"):
                reader.key_in(f"{pin}#")
            decision = self._last_decision.get(door)
        if decision is None:
            raise SwipeRefused("the reader made no decision (a PIN is needed at this door: "
                               "give --pin)")
        return decision

    def status(self) -> dict[str, Any]:
        last = self.controller.last_contact
        return {
            "controller": self.config.controller, "server": self.config.server,
            "snapshot_version": self.controller.version, "spool_depth": self.spool.depth,
            "last_contact": last.isoformat() if last else None,
            "offline_expired": self.controller.offline_expired(self.clock()),
            "doors": sorted(self.stations),
        }

    def _serve_socket(self) -> None:
        daemon = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                line = self.rfile.readline(_MAX_REQUEST)
                try:
                    if not line.endswith(b"\n"):
                        raise SwipeRefused(f"request too large (at most {_MAX_REQUEST // 1024} "
                                           "KiB) or cut short")
                    try:
                        req = json.loads(line)
                    except ValueError:
                        raise SwipeRefused("request is not JSON") from None
                    if not isinstance(req, dict):
                        raise SwipeRefused("request must be a JSON object")
                    if req.get("op") == "swipe":
                        answer: dict[str, Any] = {"ok": True, "decision": daemon.swipe(req)}
                    elif req.get("op") == "status":
                        answer = {"ok": True, "status": daemon.status()}
                    else:
                        raise SwipeRefused(f"unknown op {req.get('op')!r}")
                except (ValueError, SwipeRefused) as exc:
                    answer = {"ok": False, "error": str(exc)}
                self.wfile.write(json.dumps(answer).encode() + b"\n")

        path = self.store.socket_path
        path.unlink(missing_ok=True)
        server = socketserver.ThreadingUnixStreamServer(str(path), Handler)
        os.chmod(path, 0o600)  # only the controller's own user may present cards here
        server.daemon_threads = True
        self._server = server
        server.serve_forever(poll_interval=0.2)

    # -- forwarding -----------------------------------------------------------------------

    def status_report(self) -> dict[str, Any]:
        return {"snapshot_version": self.controller.version, "spool_depth": self.spool.depth,
                "clock": self.clock().isoformat()}

    def forward_once(self) -> int:
        """Send one batch; returns how many events the server acknowledged.

        A batch the server refuses whole (400: too large, or one event in it malformed or
        altered) is sent again in halves, down to single events: everything before a bad
        event still arrives, and the one left at the head of the spool is the bad one."""
        events = self.spool.pending(self._send_size)
        if not events:
            return 0
        try:
            answer = self.client.post_events([e.to_dict() for e in events],
                                             self.status_report())
        except ServerRefused as exc:
            if exc.status in (400, 413) and len(events) > 1:
                self._send_size = max(1, len(events) // 2)
                log.warning("batch of %s events refused (%s); sending %s at a time",
                            len(events), exc, self._send_size)
                return 0
            raise
        acked = int(answer.get("acked", 0))
        self.spool.ack(acked)
        self._contact(self.clock())
        self._send_size = min(self.batch, self._send_size * 2)
        return len([e for e in events if e.seq <= acked])

    def _forward_loop(self) -> None:
        backoff, last_beat = 0.5, 0.0
        while not self._stop.is_set():
            try:
                size = self._send_size
                if self.forward_once() or self._send_size < size:  # sent, or try smaller now
                    backoff = 0.5
                    continue
                if time.monotonic() - last_beat >= self.heartbeat_s:
                    self.client.heartbeat(self.status_report())
                    self._contact(self.clock())
                    last_beat = time.monotonic()
                backoff = 0.5
            except ServerUnavailable as exc:
                if self._stop.is_set():
                    return
                log.info("forwarding paused: %s", exc)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            except ServerRefused as exc:
                log.error("events refused: %s", exc)
                self._stop.wait(5.0)
                continue
            self._wake.wait(0.5)
            self._wake.clear()

    # -- life -----------------------------------------------------------------------------

    def start(self, *, socket: bool = True, network: bool = True) -> None:
        """Install the cached snapshot, start the doors, then the threads."""
        self.sync.load_cached()
        self._build_stations()
        for entry, exit_ in self.readers.values():
            entry.start()
            exit_.start()
        self._ticker = Ticker(list(self.stations.values()))
        self._ticker.start()
        targets: list[tuple[str, Callable[[], None]]] = []
        if network:
            targets += [("edge-sync", lambda: self.sync.run(self._stop)),
                        ("edge-forward", self._forward_loop)]
        if socket:
            targets.append(("edge-socket", self._serve_socket))
        for name, target in targets:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self.store.socket_path.unlink(missing_ok=True)
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the lock
            self._lock_fd = None
        if self._ticker is not None:
            self._ticker.stop()
        for thread in self._threads:
            thread.join(timeout=2)
        last = self.controller.last_contact
        if last is not None:
            with contextlib.suppress(OSError):
                self.store.save_contact(last)
        self.spool.close()
        self.door_state.close()

    def claim(self) -> None:
        """Hold the data directory's lock for as long as this process lives, or raise
        `AlreadyRunning`. Two daemons on one directory would both drive the doors, each with
        its own anti-passback state, and the second would take the first's socket."""
        if self._lock_fd is not None:
            return
        import fcntl

        self.store.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.store.root / "edge.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise AlreadyRunning(
                f"a controller is already running on {self.store.root} (pid {holder}); "
                "stop it first") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock_fd = fd

    def run_forever(self) -> None:
        """Run until SIGTERM or SIGINT (one process per data directory)."""
        def _signal(signum: int, frame: Any) -> None:
            self._stop.set()

        self.claim()
        signal.signal(signal.SIGTERM, _signal)
        signal.signal(signal.SIGINT, _signal)
        self.start()
        try:
            while not self._stop.wait(1.0):
                pass
        finally:
            self.stop()


def request(data_dir: Path | str, body: Mapping[str, Any], *, timeout: float = 10.0
            ) -> dict[str, Any]:
    """Send one request to a running controller's local socket; its JSON answer."""
    import socket as socket_module

    path = EdgeStore(data_dir).socket_path
    with socket_module.socket(socket_module.AF_UNIX, socket_module.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(str(path))
        except OSError as exc:
            raise ConnectionError(
                f"no controller running at {path} ({exc.strerror}): start `vaultdoor edge run`"
            ) from None
        sock.sendall(json.dumps(dict(body)).encode() + b"\n")
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
            if chunk.endswith(b"\n"):
                break
    answer: dict[str, Any] = json.loads(b"".join(chunks) or b"{}")
    return answer
