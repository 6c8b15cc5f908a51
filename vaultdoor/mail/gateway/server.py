"""The running gateway: an aiosmtpd listener that queues, and a worker that processes and relays.

The listener only writes to the disk queue (fsync) and then answers 250; everything slower
(scanning, database, the next hop) happens in the worker thread, so a slow or absent next hop
never makes the sending server wait or time out.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import threading
import time
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from .config import GatewayConfig
from .queue import DiskQueue, Entry, QueueError, new_id
from .relay import HopUnavailable, PermanentFailure, Relay, TemporaryFailure
from .tls import listener_context, relay_context

__all__ = ["Gateway", "GatewayHandler", "Worker"]

logger = logging.getLogger(__name__)
MAX_ADDRESS = 254
BATCH = 50  # entries handled per worker pass between directory fsyncs


class GatewayHandler:
    """aiosmtpd handler: checks the envelope, stores the message durably, then says 250."""

    def __init__(self, config: GatewayConfig, queue: DiskQueue, wake: threading.Event) -> None:
        self.config, self.queue, self.wake = config, queue, wake

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, mail_options: list[str]) -> str:
        if len(address) > MAX_ADDRESS:
            return "553 5.1.7 sender address too long"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if len(envelope.rcpt_tos) >= self.config.max_recipients:
            return "452 4.5.3 too many recipients"
        if len(address) > MAX_ADDRESS or "@" not in address:
            return "553 5.1.3 recipient address not accepted"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        if len(data) > self.config.max_size:  # SIZE is enforced by aiosmtpd too; be sure
            return "552 5.3.4 message size exceeds fixed maximum message size"
        peer = session.peer[0] if isinstance(session.peer, tuple) else str(session.peer or "")
        entry = Entry(id=new_id(), mail_from=envelope.mail_from or "",
                      rcpt_tos=list(envelope.rcpt_tos), data=data,
                      smtputf8="SMTPUTF8" in (o.upper() for o in envelope.mail_options),
                      peer=peer)
        try:
            await asyncio.get_running_loop().run_in_executor(None, self.queue.put_incoming, entry)
        except OSError:
            logger.exception("could not queue a message")
            return "451 4.3.0 cannot queue the message now, try again later"
        self.wake.set()
        return f"250 2.0.0 OK queued as {entry.id}"


class Worker:
    """Processes incoming entries and relays outbound ones, with backoff while the next hop
    is down. One thread; safe to stop between any two steps."""

    def __init__(self, config: GatewayConfig, queue: DiskQueue, wake: threading.Event,
                 processor: Any, *, tls_context: ssl.SSLContext | None = None) -> None:
        """`tls_context`: the client context for STARTTLS to the next hop (gateway/tls.py)."""
        self.config, self.queue, self.wake, self.processor = config, queue, wake, processor
        self.relay = Relay(*config.next_hop, timeout=config.relay_timeout,
                           local_hostname=config.hostname, tls=config.next_hop_tls,
                           tls_context=tls_context)
        self.stopping = threading.Event()
        self.attempts: dict[str, int] = {}
        self.not_before: dict[str, float] = {}
        self.hop_down_until = 0.0
        self.hop_failures = 0
        self.relayed = 0

    def _backoff(self, failures: int) -> float:
        return min(self.config.retry_base * (2 ** max(failures - 1, 0)), self.config.retry_max)

    def process_incoming(self, limit: int = BATCH) -> int:
        done = 0
        for path in self.queue.incoming():
            if self.stopping.is_set() or done >= limit:
                break
            if time.time() < self.not_before.get(path.name, 0.0):
                continue
            try:
                outcome = self.processor.process(path)
                logger.info("%s: %s", path.name, outcome)
                done += 1
                self.not_before.pop(path.name, None)
                self.attempts.pop(path.name, None)
            except QueueError as exc:
                logger.exception("unreadable queue entry %s: moved to failed/", path.name)
                self.queue.move_to_failed(path, f"unreadable queue entry: {exc}")
            except Exception:  # database down and the like: keep it, try again later
                failures = self.attempts.get(path.name, 0) + 1
                self.attempts[path.name] = failures
                self.not_before[path.name] = time.time() + self._backoff(failures)
                logger.exception("processing %s failed (attempt %d)", path.name, failures)
        return done

    def relay_outbound(self, limit: int = BATCH) -> int:
        sent: list[str] = []  # queue ids
        try:
            self._relay(sent, limit)
        finally:
            self.relayed += len(sent)
            self.delivered(sent)
        return len(sent)

    def _relay(self, sent: list[str], limit: int) -> None:
        if time.time() < self.hop_down_until:
            return
        for path in self.queue.outbound():
            if self.stopping.is_set() or len(sent) >= limit:
                break
            if time.time() < self.not_before.get(path.name, 0.0):
                continue
            try:
                entry = self.queue.read(path)
            except QueueError as exc:
                logger.exception("unreadable outbound entry %s: moved to failed/", path.name)
                self.queue.move_to_failed(path, f"unreadable queue entry: {exc}")
                continue
            try:
                self.relay.send(entry)
            except TemporaryFailure as exc:
                self.hop_failures += 1
                failures = self.attempts.get(path.name, 0) + 1
                self.attempts[path.name] = failures
                delay = self._backoff(failures)
                self.not_before[path.name] = time.time() + delay
                if isinstance(exc, HopUnavailable):
                    # The hop is down: wait before trying any other message either.
                    self.hop_down_until = time.time() + self._backoff(self.hop_failures)
                    logger.warning("%s; retrying in %.0f s", exc, delay)
                    break
                logger.warning("%s: %s; retrying in %.0f s", path.name, exc, delay)
                continue
            except PermanentFailure as exc:
                logger.error("%s refused for good (%s): kept in failed/", path.name, exc)
                self.queue.move_to_failed(path, f"the next hop refused it: {exc}")
                self.attempts.pop(path.name, None)  # a retry from failed/ starts afresh
                self.not_before.pop(path.name, None)
                continue
            self.hop_failures = 0
            self.queue.remove(path)
            self.attempts.pop(path.name, None)
            self.not_before.pop(path.name, None)
            sent.append(entry.id)

    def delivered(self, refs: list[str]) -> None:
        """Note the hand-overs (Delivery.relayed_at), one UPDATE for a batch; a failure here
        never re-sends."""
        if not refs:
            return
        try:
            from django.utils import timezone

            from vaultdoor.mail.models import Delivery

            Delivery.objects.filter(ref__in=refs).update(relayed_at=timezone.now())
        except Exception:  # the messages are delivered; the timestamp is a nicety
            logger.exception("could not note delivery of %d messages", len(refs))

    def next_wait(self) -> float:
        """Seconds until something may be due (at most one)."""
        now = time.time()
        due = [t - now for t in self.not_before.values()] + [self.hop_down_until - now]
        return max(0.05, min([1.0, *[d for d in due if d > 0]]))

    def run(self) -> None:
        from django.db import close_old_connections, connections

        try:
            while not self.stopping.is_set():
                self.wake.clear()
                close_old_connections()
                # Batches: one directory fsync per folder and pass instead of per message;
                # incoming entries are removed (durably) before any of theirs is relayed.
                with self.queue.batch():
                    busy = self.process_incoming()
                with self.queue.batch():
                    busy += self.relay_outbound()
                if not busy:
                    self.wake.wait(self.next_wait())
        finally:
            self.relay.close()
            connections.close_all()  # this thread's connections: none left open after stop

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()


class Gateway:
    """The SMTP listener and the worker, each in its own thread; `start()` returns once the
    listener is bound (`.port` is the real port, also when asked for port 0)."""

    def __init__(self, config: GatewayConfig, *, host: str = "127.0.0.1", port: int = 2525,
                 processor: Any = None) -> None:
        self.config = config
        self.host, self.port = host, port
        # Built before anything else, so that a bad certificate fails before the queue opens.
        self._tls_context = (listener_context(config.tls_cert, config.tls_key)
                             if config.tls_cert is not None and config.tls_key is not None
                             else None)
        relay_tls = relay_context(config.next_hop_tls, config.next_hop_ca)
        self.queue = DiskQueue(Path(config.queue_dir))
        self.wake = threading.Event()
        if processor is None:
            from .process import Processor

            processor = Processor(config, self.queue)
        self.worker = Worker(config, self.queue, self.wake, processor, tls_context=relay_tls)
        self.handler = GatewayHandler(config, self.queue, self.wake)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._threads: list[threading.Thread] = []

    def _smtp(self) -> SMTP:
        return SMTP(self.handler, data_size_limit=self.config.max_size, enable_SMTPUTF8=True,
                    decode_data=False, hostname=self.config.hostname, timeout=120,
                    ident="vaultdoor mail gateway", tls_context=self._tls_context,
                    require_starttls=self.config.require_tls)

    def start(self, *, worker: bool = True) -> None:
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                self._server = loop.run_until_complete(
                    loop.create_server(self._smtp, host=self.host, port=self.port))
                self.port = self._server.sockets[0].getsockname()[1]
            except BaseException as exc:  # bind failed: report it to start()
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            self._server.close()
            loop.run_until_complete(self._server.wait_closed())
            loop.close()

        listener = threading.Thread(target=serve, name="mail-gateway-smtp", daemon=True)
        listener.start()
        ready.wait()
        if failure:
            raise failure[0]
        self._threads.append(listener)
        if worker:
            self.start_worker()

    def start_worker(self) -> None:
        thread = threading.Thread(target=self.worker.run, name="mail-gateway-worker",
                                  daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self.worker.stop()
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._loop = None
        for thread in self._threads:
            thread.join(timeout=30)
        self._threads.clear()
