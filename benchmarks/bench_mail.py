"""Mail analyser throughput: how many typical 50 KB HTML messages one core scans per second.

    .venv/bin/python benchmarks/bench_mail.py [--messages N] [--size BYTES] [--unique-headers]

The message is built here: a marketing-style HTML newsletter (tables, inline styles, 120
links through a click tracker and to the sender's site, images, a plain-text alternative)
padded to the requested size, the shape that dominates real inbound mail. Each run uses a
fresh Scanner and a cold URL cache first, then reports the steady state.

    .venv/bin/python benchmarks/bench_mail.py --gateway 200
    .venv/bin/python benchmarks/bench_mail.py --instructions   # callgrind: any host, any load

measures the mail gateway end to end instead: smtplib sends N messages over one connection to
`vaultdoor mail gateway` on loopback (queue fsync'd, scanned, correspondence looked up,
banner and link rewriting, Delivery rows in a fresh SQLite database) and an aiosmtpd sink as
the next hop; it reports how fast the gateway accepted them (250 after fsync), how fast
they reached the sink (wall clock) and the gateway's CPU time per message (sender and sink
run in processes of their own; the listener and worker are threads of the gateway's).
"""

from __future__ import annotations

import argparse
import email
import os
import platform
import random
import statistics
import sys
import time
from email import policy
from email.message import EmailMessage
from html.parser import HTMLParser

from vaultdoor.mail.analysis import ScanContext, Scanner


def newsletter(size: int, seed: int = 7, *, unique_headers: bool = False) -> bytes:
    """A realistic HTML newsletter of about ``size`` bytes.

    ``unique_headers``: From, To, Subject and the List-Unsubscribe and Authentication-Results
    values differ from message to message, as in real mail (parsed headers are memoised, so
    identical headers flatter the analyser)."""
    rng = random.Random(seed)
    words = [
        "queue", "callback", "agents", "service", "level", "forecast", "schedule", "wallboard",
        "survey", "customer", "journey", "channel", "chat", "email", "voice", "staffing",
        "shrinkage", "adherence", "coaching", "quality", "omnichannel", "insight", "report",
        "webinar", "release", "update",
    ]
    blocks: list[str] = []
    text_lines: list[str] = []
    i = 0
    while sum(len(b) for b in blocks) < size * 0.78:
        title = " ".join(rng.choice(words) for _ in range(6)).capitalize()
        para = " ".join(rng.choice(words) for _ in range(60))
        token = "".join(rng.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _ in range(22))
        tracked = f"https://click.mlsend.com/link/c/{token}/{i}"
        direct = f"https://www.supportops.example/articles/{i}?utm_source=email&utm_campaign=d{i}"
        blocks.append(
            f'<tr><td style="padding:12px 24px;font-family:Arial,sans-serif;font-size:14px;'
            f'color:#333333;line-height:20px"><h2 style="margin:0 0 8px 0;font-size:18px">'
            f'<a href="{tracked}" style="color:#0067b8;text-decoration:none">{title}</a></h2>'
            f'<img src="https://img.supportops.example/a/{i}.jpg" width="552" alt="" '
            f'style="display:block;border:0"><p style="margin:8px 0">{para}</p>'
            f'<p><a href="{direct}" style="color:#0067b8">Read the article</a> | '
            f'<a href="{tracked}?s=1">www.supportops.example/articles/{i}</a></p></td></tr>'
        )
        text_lines.append(f"{title}\n{para[:200]}\n{tracked}\n")
        i += 1
    html = (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; '
        'charset=utf-8"><title>Digest</title><style>td{font-family:Arial}</style></head>'
        '<body style="margin:0;background:#f4f4f4"><table role="presentation" width="600" '
        'align="center" cellpadding="0" cellspacing="0" style="background:#ffffff">'
        + "".join(blocks)
        + '<tr><td style="font-size:11px;color:#777;padding:24px">You receive this digest '
        'because you subscribed. <a href="https://click.mlsend.com/unsub/88121/rd">Unsubscribe'
        '</a></td></tr></table></body></html>'
    )
    n = seed if unique_headers else ""
    message = EmailMessage()
    message["From"] = f"Support Ops Digest{n} <digest{n}@supportops.example>"
    message["To"] = f"Rosa Delgado{n} <rosa.delgado{n}@lakeside-cs.example>"
    message["Subject"] = f"Support Ops Digest: this week {n}".strip()
    message["List-Unsubscribe"] = f"<https://click.mlsend.com/unsub/88121{n}/rd>"
    message["Authentication-Results"] = (
        f"mx.lakeside-cs.example; spf=pass smtp.mailfrom=m{n}.mlsend.com; "
        "dkim=pass header.d=supportops.example; dmarc=pass header.from=supportops.example"
    )
    message.set_content("\n".join(text_lines))
    message.add_alternative(html, subtype="html")
    return message.as_bytes()


def _stdlib_floors(corpus: list[bytes]) -> dict[str, float]:
    """CPU time of the standard-library steps alone: what no optimisation of ours removes."""
    sample = corpus[: min(50, len(corpus))]
    start = time.process_time()
    messages = [email.message_from_bytes(raw, policy=policy.default) for raw in sample]
    parse = (time.process_time() - start) / len(sample)
    documents = [p.get_content() for m in messages for p in m.walk()
                 if p.get_content_type() == "text/html"]
    start = time.process_time()
    for document in documents:
        parser = HTMLParser()
        parser.feed(document)
        parser.close()
    html = (time.process_time() - start) / len(documents)
    start = time.process_time()
    total = 0
    for i in range(100_000):
        total += i
    loop = time.process_time() - start
    return {"email (policy.default)": parse * 1000, "html.parser": html * 1000,
            "100k-iteration Python loop": loop * 1000}


def _sink(ports, arrived, done, count: int) -> None:
    """The next hop, in its own process: counts what arrives."""
    import asyncio

    from aiosmtpd.smtp import SMTP

    class Sink:
        async def handle_DATA(self, server, session, envelope) -> str:
            with arrived.get_lock():
                arrived.value += 1
                if arrived.value >= count:
                    done.set()
            return "250 OK"

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(Sink(), enable_SMTPUTF8=True), host="127.0.0.1", port=0))
    ports.put(server.sockets[0].getsockname()[1])
    loop.run_forever()


def _sender(port: int, count: int, size: int, results) -> None:
    """The internet-facing server, in its own process: one connection, `count` messages."""
    import smtplib

    corpus = [newsletter(size, seed=i).replace(b"\n", b"\r\n") for i in range(min(count, 50))]
    results.put(len(corpus[0]))
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(count):
            smtp.sendmail("digest@supportops.example", ["rosa.delgado@lakeside-cs.example"],
                          corpus[i % len(corpus)])
    results.put(time.perf_counter() - start)


def gateway_throughput(count: int, size: int) -> None:
    """Send `count` messages through a gateway on loopback to a sink; print the rates.

    The sender and the sink run in processes of their own, so the CPU time reported is the
    gateway's alone (listener and worker threads)."""
    import multiprocessing
    import tempfile
    from pathlib import Path

    os.environ["VAULTDOOR_DATA_DIR"] = tempfile.mkdtemp(prefix="vaultdoor-bench-mail-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaultdoor.server.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from vaultdoor.mail.gateway import Gateway, GatewayConfig

    call_command("migrate", verbosity=0)
    connections.close_all()  # the children are forked: none inherits an open connection
    fork = multiprocessing.get_context("fork")
    ports, results = fork.Queue(), fork.Queue()
    arrived, done = fork.Value("i", 0), fork.Event()
    sink = fork.Process(target=_sink, args=(ports, arrived, done, count), daemon=True)
    sink.start()
    queue = Path(os.environ["VAULTDOOR_DATA_DIR"]) / "mail-queue"
    gateway = Gateway(GatewayConfig(queue_dir=queue, next_hop=("127.0.0.1", ports.get()),
                                    org_domains=("lakeside-cs.example",)),
                      host="127.0.0.1", port=0)
    gateway.start(worker=False)
    sender = fork.Process(target=_sender, args=(gateway.port, count, size, results),
                          daemon=True)
    sender.start()
    message_size = results.get()
    start = time.perf_counter()
    cpu = time.process_time()
    gateway.start_worker()
    accepted = results.get(timeout=600)
    done.wait(timeout=600)
    total = time.perf_counter() - start
    cpu = time.process_time() - cpu
    gateway.stop()
    sender.join(timeout=10)
    sink.terminate()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {load:.1f}; SQLite, fsync on")
    print(f"gateway: {count} messages of ~{message_size:,} bytes over one SMTP connection; "
          f"sender and sink in processes of their own")
    print(f"accepted (250 after fsync): {count / accepted:,.0f} messages/s")
    print(f"end to end (at the sink, rewritten): {arrived.value}/{count} in {total:.1f} s = "
          f"{arrived.value / total:,.1f} messages/s; gateway process CPU {cpu:.1f} s "
          f"({cpu * 1000 / max(arrived.value, 1):.1f} ms/message)")


def _scan_only(count: int) -> None:
    """Warm up on 10 messages, then scan `count` new ones (the run callgrind counts). The
    same 50 messages are built whatever `count` is, so that the difference of two runs is
    the scanning alone."""
    corpus = [newsletter(50_000, seed=i) for i in range(50)]
    scanner = Scanner(ScanContext.build(org_domains=["lakeside-cs.example"]))
    for raw in corpus[: 10 + count]:
        scanner.scan_bytes(raw)


def instructions(count: int = 40) -> None:  # at most 40: _scan_only builds 50 messages
    """Instructions per scanned message, counted by valgrind's callgrind: the same on any
    host and under any load, unlike CPU time (needs valgrind; takes a few minutes)."""
    import re
    import shutil
    import subprocess

    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("error: --instructions needs valgrind (apt-get install valgrind)")
    totals = []
    for n in (0, count):
        run = subprocess.run(  # noqa: S603 - our own script, arguments fixed here
            [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
             __file__, "--scan-only", str(n)], capture_output=True, text=True, check=True)
        totals.append(int(re.search(r"Collected : (\d+)", run.stderr).group(1)))
    print(f"Python {platform.python_version()} ({os.path.realpath(sys.executable)})")
    print(f"instructions per message (callgrind, {count} new messages after 10 warm-up ones): "
          f"{(totals[1] - totals[0]) / count / 1e6:.1f} million")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--distinct", type=int, default=200,
                        help="different messages cycled through (unique URLs defeat caches)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--gateway", type=int, default=0, metavar="N",
                        help="measure the gateway end to end with N messages instead")
    parser.add_argument("--unique-headers", action="store_true",
                        help="new From/To/Subject values in every message, as real mail has")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions per message with callgrind instead")
    parser.add_argument("--scan-only", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scan_only is not None:
        _scan_only(args.scan_only)
        return
    if args.instructions:
        instructions()
        return
    if args.gateway:
        gateway_throughput(args.gateway, args.size)
        return

    corpus = [newsletter(args.size, seed=i, unique_headers=args.unique_headers)
              for i in range(args.distinct)]
    scanner = Scanner(ScanContext.build(org_domains=["lakeside-cs.example"]))
    start = time.process_time()
    first = scanner.scan_bytes(corpus[0])
    cold = time.process_time() - start
    per_round = max(1, args.messages // args.rounds)
    rates = []
    index = 1
    for _ in range(args.rounds):
        start = time.process_time()  # CPU time of this process: one core, whatever else runs
        for _ in range(per_round):
            scanner.scan_bytes(corpus[index % len(corpus)])
            index += 1
        rates.append(per_round / (time.process_time() - start))
    median = statistics.median(rates)
    floors = _stdlib_floors(corpus)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()} ({os.path.realpath(sys.executable)}), "
          f"load average {load:.1f}; one process, CPU time")
    print(f"message: ~{len(corpus[0]):,} bytes, {len(first.links)} links, verdict {first.verdict}; "
          f"{len(corpus)} distinct messages"
          + (", each with its own headers" if args.unique_headers else ""))
    print(f"first scan (lists and PSL loaded): {cold * 1000:.1f} ms")
    print(f"steady state: median {median:,.0f} messages/s (min {min(rates):,.0f}, "
          f"max {max(rates):,.0f}; {args.rounds} rounds of {per_round}); "
          f"{1000 / median:.2f} ms/message")
    print("stdlib alone, same messages: " + ", ".join(f"{k} {v:.2f} ms" for k, v in floors.items()))
    print(f"target >= 500 messages/s: {'met' if median >= 500 else 'MISSED'}")


if __name__ == "__main__":
    main()
