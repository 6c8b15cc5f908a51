"""Following the server: enrolment, the first full snapshot, then signed deltas by long-poll.

Standard library HTTP only (`urllib.request`). Every update is verified before it is used:
the server's Ed25519 signature (key pinned at enrolment), the addressee, the payload hash, the
version chain (a delta must follow the version held; nothing older than what is held is ever
taken back) and the fingerprint of the state it produces. After a gap in the chain the
controller fetches a full snapshot by itself.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from .envelope import SignedHeader, SnapshotRefused, Update
from .store import EdgeConfig, EdgeStore, decode_pin_key
from .wire import SiteState, WireError

__all__ = [
    "ChainGap",
    "ReplayedSnapshot",
    "ServerClient",
    "ServerRefused",
    "ServerUnavailable",
    "Synchroniser",
    "enroll",
]

log = logging.getLogger(__name__)

LONG_POLL_S = 20.0


class ServerUnavailable(Exception):
    """The server could not be reached or failed (network, 5xx): try again later."""


class ServerRefused(Exception):
    """The server said no (4xx); `status` is the HTTP status, the message its reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"server refused ({status}): {message}")
        self.status = status


class ReplayedSnapshot(SnapshotRefused):
    """An update not newer than the version held: a replay, refused."""


class ChainGap(SnapshotRefused):
    """A delta that does not follow the version held: resynchronise with a full snapshot."""


class ServerClient:
    """The controller's calls to `/api/v1/controllers/...`."""

    def __init__(self, server: str, token: str | None = None, *, timeout: float = 10.0) -> None:
        parsed = urllib.parse.urlsplit(server)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            raise ValueError(f"server must be an http(s) URL, not {server!r}")
        self.base = server.rstrip("/") + "/api/v1/controllers/"
        self.token = token
        self.timeout = timeout

    def _call(self, method: str, path: str, body: Any = None, *,
              timeout: float | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310 - http(s) checked in __init__
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Controller {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:  # noqa: S310
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            try:
                detail = json.loads(exc.read() or b"{}").get("detail", exc.reason)
            except (ValueError, AttributeError):
                detail = str(exc.reason)
            if exc.code >= 500:
                raise ServerUnavailable(f"server error {exc.code}: {detail}") from None
            raise ServerRefused(exc.code, str(detail)) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise ServerUnavailable(f"cannot reach {self.base}: {exc}") from None

    def enrol(self, code: str) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", "enrol", {"code": code})
        return result

    def snapshot(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "snapshot")
        return result

    def deltas(self, since: int, wait: float = 0.0) -> dict[str, Any]:
        query = urllib.parse.urlencode({"since": since, "wait": wait})
        result: dict[str, Any] = self._call("GET", f"deltas?{query}",
                                            timeout=self.timeout + wait)
        return result

    def post_events(self, events: list[dict[str, Any]], status: dict[str, Any]
                    ) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", "events",
                                            {"events": events, "status": status})
        return result

    def heartbeat(self, status: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", "heartbeat", {"status": status})
        return result


def enroll(server: str, code: str, store: EdgeStore, *, timeout: float = 10.0) -> EdgeConfig:
    """Exchange a one-time code for this controller's credential and keep it in `store`.

    The store is checked first: a code the server has accepted cannot be used again, so a
    data directory that cannot be written must stop us before the code is spent."""
    client = ServerClient(server, timeout=timeout)  # a malformed URL is refused here, too
    store.prepare()
    answer = client.enrol(code)
    try:
        config = EdgeConfig(
            server=server.rstrip("/"), controller=str(answer["controller"]),
            site=str(answer["site"]), doors=tuple(str(d) for d in answer["doors"]),
            server_key=str(answer["server_key"]), server_key_id=str(answer["server_key_id"]),
        )
        config.public_key()  # refuse a malformed key now, not at the first snapshot
        pin_key = decode_pin_key(str(answer["pin_key"]))
        token = str(answer["token"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ServerUnavailable(f"the server's enrolment answer is malformed ({exc})") from None
    store.save_enrolment(config, token=token, pin_key=pin_key)
    return config


Installer = Callable[[SiteState, SignedHeader], None]
EventSink = Callable[[str, dict[str, Any]], None]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Synchroniser:
    """Holds the verified state and keeps it current; hands each new state to `install`."""

    def __init__(
        self, store: EdgeStore, config: EdgeConfig, client: ServerClient, *,
        install: Installer, record: EventSink | None = None,
        on_contact: Callable[[dt.datetime], None] | None = None,
        clock: Callable[[], dt.datetime] = _utcnow, long_poll_s: float = LONG_POLL_S,
    ) -> None:
        self.store = store
        self.config = config
        self.client = client
        self.key = config.public_key()
        self.install = install
        self.record = record or (lambda _type, _data: None)
        self.on_contact = on_contact or (lambda _at: None)
        self.clock = clock
        self.long_poll_s = long_poll_s
        self.header: SignedHeader | None = None
        self.state: SiteState | None = None
        self._lock = threading.Lock()

    @property
    def version(self) -> int:
        return self.header.version if self.header is not None else 0

    def load_cached(self) -> bool:
        """Install the verified snapshot from disk, if any; a tampered one is refused."""
        try:
            cached = self.store.load_snapshot(self.key, controller=self.config.controller)
        except SnapshotRefused as exc:
            log.error("%s", exc)
            self.record("snapshot.refused", {"reason": str(exc), "source": "cache"})
            return False
        if cached is None:
            return False
        header, state = cached
        try:
            self._install(state, header)
        except SnapshotRefused as exc:
            log.error("%s", exc)
            self.record("snapshot.refused", {"reason": str(exc), "source": "cache"})
            return False
        self.header, self.state = header, state
        return True

    def apply(self, raw: Any) -> bool:
        """Verify and install one update; False if it changes nothing (already held).

        Raises `ReplayedSnapshot`, `ChainGap` or `SnapshotRefused` (bad signature, altered
        payload, wrong controller, fingerprint mismatch); nothing is installed then."""
        with self._lock:
            update = Update.from_dict(raw)
            update.verify(self.key, controller=self.config.controller)
            header, held = update.header, self.version
            if header.kind == "full":
                if header.version < held:
                    raise ReplayedSnapshot(
                        f"full snapshot version {header.version} is older than the version "
                        f"held ({held}): replay refused"
                    )
                if header.version == held and self.header is not None:
                    if header.fingerprint == self.header.fingerprint:
                        return False
                    raise SnapshotRefused(
                        f"full snapshot version {header.version} differs from the one held "
                        "under the same version"
                    )
                state = self._read(lambda: SiteState.from_payload(update.payload))
            else:
                if header.version <= held:
                    raise ReplayedSnapshot(
                        f"delta to version {header.version} is not newer than the version held "
                        f"({held}): replay refused"
                    )
                if self.state is None or header.prev_version != held:
                    raise ChainGap(
                        f"delta {header.prev_version}->{header.version} does not follow the "
                        f"version held ({held})"
                    )
                current = self.state
                state = self._read(lambda: current.apply(update.payload))
            if state.fingerprint() != header.fingerprint:
                raise SnapshotRefused(
                    f"{header.kind} version {header.version} does not produce the signed "
                    "fingerprint (altered or corrupt)"
                )
            self._install(state, header)
            base = self.header
            self.header, self.state = header, state
        # Persist after installing: the door uses the new entitlements at once; a crash
        # before the write only means fetching them again. A delta writes only what it
        # changed (`base`: the state it was applied to, if the cache holds that one).
        self.store.save_snapshot(header, state, base=base if header.kind == "delta" else None)
        return True

    def _install(self, state: SiteState, header: SignedHeader) -> None:
        try:
            self.install(state, header)
        except WireError as exc:
            raise SnapshotRefused(f"{header.kind} version {header.version}: {exc}") from None

    @staticmethod
    def _read(build: Callable[[], SiteState]) -> SiteState:
        try:
            return build()
        except WireError as exc:
            raise SnapshotRefused(str(exc)) from None

    def _contact(self) -> None:
        self.on_contact(self.clock())

    def fetch_full(self) -> bool:
        answer = self.client.snapshot()
        self._contact()  # heard from the server, whatever the answer turns out to be
        return self.apply(answer)

    def sync_once(self, wait: float = 0.0) -> int:
        """One round: a full snapshot if none is held, then the deltas (waiting up to `wait`
        seconds for one). Returns how many updates were installed."""
        applied = 0
        if self.header is None:
            applied += int(self.fetch_full())
        answer = self.client.deltas(self.version, wait=wait)
        self._contact()
        for raw in answer.get("updates") or []:
            try:
                applied += int(self.apply(raw))
            except ChainGap as exc:
                log.info("%s: resynchronising", exc)
                self.record("snapshot.resync", {"reason": str(exc), "held": self.version})
                applied += int(self.fetch_full())
                break
            except ReplayedSnapshot as exc:
                self.record("snapshot.refused", {"reason": str(exc)})
        return applied

    def run(self, stop: threading.Event) -> None:
        """Follow the server until `stop` is set, backing off while it is away."""
        backoff = 0.5
        while not stop.is_set():
            try:
                self.sync_once(wait=self.long_poll_s)
                backoff = 0.5
            except ServerUnavailable as exc:
                if stop.is_set():  # stopping: the interrupted long-poll is no news
                    return
                log.info("server unavailable: %s", exc)
                stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
            except ServerRefused as exc:
                log.error("%s", exc)
                self.record("controller.refused", {"status": exc.status, "reason": str(exc)})
                stop.wait(30.0 if exc.status in (401, 403) else 5.0)
            except SnapshotRefused as exc:
                log.error("snapshot refused: %s", exc)
                self.record("snapshot.refused", {"reason": str(exc)})
                stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
