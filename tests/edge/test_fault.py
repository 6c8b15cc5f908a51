"""Fault test: 1,000 swipes at the edge while the server is killed and restarted and while the
network path is cut. Every decision reaches the server exactly once and in order, and the
audit chain verifies.

The server runs as real `vaultdoor serve` processes on a throw-away data directory (not the
test database); the edge reaches it through a TCP proxy this test can cut. Slow (a minute or
more on a busy machine); `-m "not slow"` leaves it out.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]
SITE_FILE = ROOT / "vaultdoor" / "controllers" / "tests" / "data" / "example-site.yaml"
VAULTDOOR = str(Path(sys.executable).parent / "vaultdoor")
SWIPES = 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Proxy:
    """A TCP forwarder whose path can be cut (every connection dropped, new ones refused)."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.cut = False
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut:
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while chunk := src.recv(65536):
                dst.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def set_cut(self, cut: bool) -> None:
        self.cut = cut
        if cut:
            with self.lock:
                for s in self.open:
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                        s.close()
                    except OSError:
                        pass
                self.open.clear()

    def close(self) -> None:
        self.set_cut(True)
        self.listener.close()


class Server:
    """`vaultdoor serve` in its own process group, killable with SIGKILL."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port = env, port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [VAULTDOOR, "serve", "--bind", f"127.0.0.1:{self.port}"], env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )

    def kill(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
            self.process = None


def run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([VAULTDOOR, *args], env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def wait_for(condition, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_every_event_arrives_once_in_order_through_kills_and_cuts(tmp_path):
    from vaultdoor.edge.daemon import EdgeDaemon
    from vaultdoor.edge.store import EdgeStore
    from vaultdoor.edge.sync import ServerClient, ServerRefused, ServerUnavailable, enroll

    env = {**os.environ, "VAULTDOOR_DATA_DIR": str(tmp_path / "server")}
    env.pop("VAULTDOOR_TEST_DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run(env, "init")
    run(env, "site", "import", str(SITE_FILE))
    added = run(env, "controller", "add", "ctl-1", "--doors", "D-MAIN,D-VAULT")
    code = re.search(r"([A-Z0-9]{5}(?:-[A-Z0-9]{5}){3})", added).group(1)

    port = free_port()
    server = Server(env, port)
    server.start()
    proxy = Proxy(port)
    url = f"http://127.0.0.1:{proxy.port}"
    probe = ServerClient(url, timeout=30)

    def server_up() -> bool:
        try:
            probe.snapshot()
        except ServerRefused:
            return True
        except ServerUnavailable:
            return False
        return True

    daemon = None
    try:
        wait_for(server_up, "the server to start", 120)
        enroll(url, code, EdgeStore(tmp_path / "edge"), timeout=30)
        daemon = EdgeDaemon(tmp_path / "edge", long_poll_s=2.0, heartbeat_s=1.0, timeout_s=10)
        daemon.start(socket=False)
        wait_for(lambda: daemon.controller.version >= 1, "the first snapshot", 60)
        cards = ["42:10231", "42:10232", "42:10901", "42:10234"]
        for i in range(SWIPES):
            if i == 250:
                server.kill()
            elif i == 450:
                server.start()
            elif i == 650:
                proxy.set_cut(True)
            elif i == 850:
                proxy.set_cut(False)
            decision = daemon.swipe({"door": "D-MAIN", "card": cards[i % len(cards)]})
            assert decision["decision"] in {"grant", "deny"}
        wait_for(lambda: daemon.spool.depth == 0, "the spool to drain", 600)
    finally:
        if daemon is not None:
            daemon.stop()
        proxy.close()
        server.kill()

    out = tmp_path / "audit.jsonl"
    run(env, "audit", "export", str(out))
    verified = run(env, "audit", "verify")
    assert verified.startswith("ok:")
    events = [json.loads(line) for line in out.read_text().splitlines()]
    decisions = [e for e in events if e.get("type") == "event"
                 and e.get("action") == "access.decision"
                 and e.get("actor") == "controller:ctl-1"]
    seqs = [e["context"]["edge_seq"] for e in decisions]
    ids = [e["context"]["event_id"] for e in decisions]
    assert len(decisions) == SWIPES
    assert len(set(ids)) == SWIPES
    assert seqs == sorted(seqs) and len(set(seqs)) == SWIPES
