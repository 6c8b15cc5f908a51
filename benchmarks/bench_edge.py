"""Benchmark the edge controller: decisions at the door, memory, revocation, forwarding.

    .venv/bin/python benchmarks/bench_edge.py                      # the full run (~1 minute)
    .venv/bin/python benchmarks/bench_edge.py --cardholders 20000 --revocations 10

1. swipe-to-decision at the edge (excluding the serial link): `EdgeController.decide` on a
   generated site of N cardholders, timed per call, with the spool write (SQLite WAL,
   synchronous=FULL) and without it;
2. edge memory for N cardholders: a fresh child process reads the snapshot file, installs it
   (wire state + compiled engine snapshot) and reports its resident set size;
3. revocation propagation: a real server (`vaultdoor serve`, gunicorn) and an edge daemon in
   this process; a card is marked lost (or found again) through the ORM and the time until the
   edge decides accordingly is measured, K times;
4. spool forwarding throughput: M spooled events sent to `POST /api/v1/controllers/events` in
   batches (the daemon's size, or `--batch`) until the spool is empty (each event lands in
   the audit log).

The last line is the summary:

    edge: decision p99 <X> ms, revocation p99 <Y> s, forwarding <Z> events/s, memory <W> MB
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_decisions import generate_site  # noqa: E402

from vaultdoor.edge.controller import EdgeController  # noqa: E402
from vaultdoor.edge.daemon import BATCH  # noqa: E402
from vaultdoor.edge.envelope import SignedHeader  # noqa: E402
from vaultdoor.edge.spool import Spool  # noqa: E402
from vaultdoor.edge.wire import SiteState  # noqa: E402
from vaultdoor.engine import PinHasher  # noqa: E402

EXAMPLE = ROOT / "vaultdoor" / "controllers" / "tests" / "data" / "example-site.yaml"
VENV_BIN = Path(sys.executable).parent
NOW = dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC)  # a Tuesday, office hours


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def header(version: int = 1) -> SignedHeader:
    return SignedHeader(controller="bench", kind="full", version=version, prev_version=0,
                        fingerprint="", issued_at="", payload_sha256="", key_id="")


# --- 1 and 2: local decisions and memory ---------------------------------------------------


def build_state(cardholders: int, hasher: PinHasher) -> SiteState:
    site = generate_site(cardholders, 40, 20, seed=11, hasher=hasher)
    modes = {d.id: "secure" for d in site.doors}
    return SiteState.from_site(site, controller={"name": "bench", "offline_grace_s": 604800,
                                                 "failure_modes": modes})


def swipes_for(state: SiteState, count: int) -> list[dict[str, Any]]:
    rng = random.Random(5)
    people = [json.loads(t) for t in state.entities["people"].values()]
    doors = list(state.entities["doors"])
    result = []
    for i in range(count):
        card = rng.choice(people)["cards"][0]
        at = NOW + dt.timedelta(seconds=i)
        result.append({"at": at.isoformat(), "door": rng.choice(doors), "direction": "in",
                       "card": {"format": card["format"], "facility": card["facility"],
                                "number": card["number"]}})
    return result


def bench_decisions(state: SiteState, hasher: PinHasher, count: int, tmp: Path
                    ) -> dict[str, float]:
    spool = Spool(tmp / "spool.sqlite3", controller="bench")
    with_spool = EdgeController(pin_hasher=hasher, last_contact=NOW, clock=lambda: NOW,
                                spool=lambda t, d, data, at: spool.append(t, door=d, data=data,
                                                                          at=at))
    started = time.perf_counter()
    with_spool.install(state, header())
    install_s = time.perf_counter() - started
    bare = EdgeController(pin_hasher=hasher, last_contact=NOW, clock=lambda: NOW)
    bare.install(state, header())
    swipes = swipes_for(state, count)
    timings: dict[str, list[float]] = {"spool": [], "bare": []}
    for name, ctl in (("bare", bare), ("spool", with_spool)):
        for swipe in swipes:
            t0 = time.perf_counter_ns()
            ctl.decide(swipe)
            timings[name].append((time.perf_counter_ns() - t0) / 1e6)
    spool.close()
    # What a revocation costs at this size: apply a one-person delta, rebuild, compile.
    person = json.loads(next(iter(state.entities["people"].values())))
    person["status"] = "suspended"
    started = time.perf_counter()
    newer = state.apply({"upsert": {"people": [person]}, "remove": {}})
    newer.fingerprint()
    bare.install(newer, header(2))
    delta_s = time.perf_counter() - started
    return {
        "bare_p50": percentile(timings["bare"], 0.5), "bare_p99": percentile(timings["bare"], .99),
        "spool_p50": percentile(timings["spool"], 0.5),
        "spool_p99": percentile(timings["spool"], 0.99), "install_s": install_s,
        "delta_install_s": delta_s,
    }


def bench_memory(state: SiteState, tmp: Path) -> float:
    path = tmp / "payload.json"
    path.write_text(json.dumps(state.to_payload()))
    code = (
        "import json, sys, psutil\n"
        "from vaultdoor.edge.wire import SiteState\n"
        "from vaultdoor.edge.controller import EdgeController\n"
        "from vaultdoor.edge.envelope import SignedHeader\n"
        "from vaultdoor.engine import PinHasher\n"
        "state = SiteState.from_payload(json.loads(open(sys.argv[1]).read()))\n"
        "ctl = EdgeController(pin_hasher=PinHasher(b'k' * 32))\n"
        "ctl.install(state, SignedHeader('bench', 'full', 1, 0, '', '', '', ''))\n"
        "import gc; gc.collect()\n"
        "print(psutil.Process().memory_info().rss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,  # noqa: S603
                         text=True, check=True, cwd=ROOT)
    return int(out.stdout.strip()) / 1e6


# --- 3 and 4: against a real server --------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.001)
    raise RuntimeError(f"timed out waiting for {what}")


def bench_server(revocations: int, events: int, tmp: Path, batch: int) -> dict[str, float]:
    data = tmp / "server"
    env = {**os.environ, "VAULTDOOR_DATA_DIR": str(data)}
    os.environ["VAULTDOOR_DATA_DIR"] = str(data)
    subprocess.run([str(VENV_BIN / "vaultdoor"), "init"], env=env, check=True,  # noqa: S603
                   capture_output=True)
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own command
        [str(VENV_BIN / "vaultdoor"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        return _bench_against(server, port, revocations, events, tmp, batch)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _bench_against(server: subprocess.Popen[bytes], port: int, revocations: int, events: int,
                   tmp: Path, batch: int) -> dict[str, float]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaultdoor.server.settings")
    import django

    django.setup()
    from vaultdoor.access.services.importer import import_site_text
    from vaultdoor.controllers.services.enrolment import add_controller
    from vaultdoor.edge.daemon import EdgeDaemon
    from vaultdoor.edge.store import EdgeStore
    from vaultdoor.edge.sync import ServerClient, ServerRefused, ServerUnavailable, enroll
    from vaultdoor.facilities.models import Site
    from vaultdoor.people.models import Card

    import_site_text(EXAMPLE.read_text(), actor="bench")
    _, code = add_controller("bench-1", site=Site.objects.get(code="northgate"),
                             doors=["D-MAIN", "D-VAULT"], actor="bench")
    url = f"http://127.0.0.1:{port}"
    # Wait until the server answers at all (a 401 is an answer): an enrolment sent while it
    # boots could be spent by a request the client had already given up on.
    probe = ServerClient(url, timeout=30)
    deadline = time.monotonic() + 60
    while True:
        try:
            probe.snapshot()
        except ServerRefused:
            break
        except ServerUnavailable:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    enroll(url, code, EdgeStore(tmp / "edge"), timeout=30)
    daemon = EdgeDaemon(tmp / "edge", long_poll_s=20.0)
    daemon.start(socket=False)
    wait_for(lambda: daemon.controller.version >= 1, 30, "the first snapshot")
    card = Card.objects.get(facility=42, number=10231)
    swipe = {"door": "D-MAIN", "card": "42:10231"}
    latencies = []
    rng = random.Random(3)
    for i in range(revocations):
        time.sleep(rng.uniform(0.05, 0.3))  # land anywhere in the long-poll's cycle
        card.status = "lost" if i % 2 == 0 else "active"
        expected = "credential_inactive" if i % 2 == 0 else "granted"
        held = daemon.controller.version
        t0 = time.perf_counter()
        card.save()
        wait_for(lambda h=held: daemon.controller.version > h, 10, "the delta")
        if daemon.swipe(swipe)["reason"] != expected:
            raise RuntimeError(f"edge did not apply revocation {i}")
        latencies.append(time.perf_counter() - t0)
    wait_for(lambda: daemon.spool.depth == 0, 30, "the spool to drain")
    daemon.stop()
    # Forwarding: fill a spool offline, then send it all.
    quiet = EdgeDaemon(tmp / "edge", batch=batch)
    for i in range(events):
        quiet.spool.append("access.decision", door="D-MAIN", data={
            "decision": "grant", "reason": "granted", "person": "E1001", "door": "D-MAIN",
            "zone": "lobby", "warnings": [], "direction": "in", "n": i,
            "presented": "card h10301 42:10231"})
    started = time.perf_counter()
    sent = 0
    while quiet.spool.depth:
        sent += quiet.forward_once()
    elapsed = time.perf_counter() - started
    quiet.spool.close()
    return {"revocation_p50": percentile(latencies, 0.5),
            "revocation_p99": percentile(latencies, 0.99),
            "revocation_max": max(latencies), "forward_rate": sent / elapsed,
            "forwarded": sent}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cardholders", type=int, default=100_000)
    parser.add_argument("--decisions", type=int, default=2_000)
    parser.add_argument("--revocations", type=int, default=40)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=BATCH,
                        help="events per forwarding request (the daemon's default)")
    parser.add_argument("--no-server", action="store_true", help="skip parts 3 and 4")
    args = parser.parse_args()
    hasher = PinHasher(b"k" * 32)
    with tempfile.TemporaryDirectory(prefix="bench-edge-") as tmp_name:
        tmp = Path(tmp_name)
        started = time.perf_counter()
        state = build_state(args.cardholders, hasher)
        print(f"generated {args.cardholders} cardholders in {time.perf_counter() - started:.1f} s")
        local = bench_decisions(state, hasher, args.decisions, tmp)
        print(f"install (compile) {local['install_s']:.2f} s; one-person delta applied and "
              f"recompiled in {local['delta_install_s']:.2f} s")
        print(f"decision without spool: p50 {local['bare_p50']:.3f} ms, "
              f"p99 {local['bare_p99']:.3f} ms")
        print(f"decision with spool write: p50 {local['spool_p50']:.3f} ms, "
              f"p99 {local['spool_p99']:.3f} ms")
        memory = bench_memory(state, tmp)
        print(f"edge process RSS with {args.cardholders} cardholders installed: {memory:.0f} MB")
        del state
        if args.no_server:
            print(f"edge: decision p99 {local['spool_p99']:.2f} ms, revocation p99 - s, "
                  f"forwarding - events/s, memory {memory:.0f} MB")
            return
        remote = bench_server(args.revocations, args.events, tmp, args.batch)
        print(f"revocation to deny at the edge ({args.revocations} runs): "
              f"p50 {remote['revocation_p50']:.3f} s, p99 {remote['revocation_p99']:.3f} s, "
              f"max {remote['revocation_max']:.3f} s")
        print(f"forwarded {remote['forwarded']} events in batches of {args.batch} at "
              f"{remote['forward_rate']:.0f} events/s")
        print(f"edge: decision p99 {local['spool_p99']:.2f} ms, revocation p99 "
              f"{remote['revocation_p99']:.2f} s, forwarding {remote['forward_rate']:.0f} "
              f"events/s, memory {memory:.0f} MB")


if __name__ == "__main__":
    main()
