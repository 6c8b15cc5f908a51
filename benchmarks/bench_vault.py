"""Benchmark the customer-data vault: encrypt-and-store, fetch-and-decrypt, blind-index search.

Uses a fresh SQLite database in a temporary data directory, or the PostgreSQL database in
VAULTDOOR_DATABASE_URL (its vault tables are emptied first: use a scratch database).

1. encrypt-and-store: `--records` customers (9 encrypted fields each, 5 blind indexes, a fresh
   data key wrapped under the KEK): validated data -> `encrypt_columns` -> `insert_customers`
   (one `executemany`) in batches of 1,000, one transaction per batch, as the CSV import
   does. Target >= 2,000 records/s.
2. fetch-and-decrypt: `--fetch` of them read back from the database, data key unwrapped and
   all 9 fields decrypted. Target >= 5,000 fields/s.
3. search: the table is filled up to `--customers` rows (default 200,000; the issue's size is
   1,000,000) with bulk inserts (real blind indexes over unique phone numbers and emails; the
   filler rows share one dummy ciphertext, as search never decrypts), then `--searches` exact
   searches by phone number typed in national format (normalised to E.164, HMAC, indexed
   query returning the matching ids), half hits, half misses. Target p95 <= 10 ms.

    .venv/bin/python benchmarks/bench_vault.py [--records 20000] [--fetch 5000]
        [--customers 200000] [--searches 1000]
    .venv/bin/python benchmarks/bench_vault.py --customers 1000000     # the issue's size
    VAULTDOOR_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/vaultbench \\
        .venv/bin/python benchmarks/bench_vault.py --customers 1000000

`--data-dir DIR` keeps the database (SQLite) and the keys; `--data-dir DIR --search-only`
then repeats only the searches on what that run filled (also on PostgreSQL: the same
VAULTDOOR_DATABASE_URL and DIR, whose index key made the blind indexes).

Ends with one line: `vault: store <R> records/s, decrypt <F> fields/s, search among <N>:
p50 <X> ms, p95 <Y> ms (<db>)`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FILL_BATCH = 10_000


def _phone(i: int) -> str:
    return f"+447400{i:06d}"  # 07400 000000 .. 07400 999999: valid GB mobile numbers


def _data(i: int):  # type: ignore[no-untyped-def]
    from vaultdoor.vault.services.records import CustomerData

    return CustomerData(
        name=f"Customer Number {i}", phones=[_phone(i)], email=f"customer{i}@example.net",
        postal_address=f"{i} High Street, Reading RG1 1AA", date_of_birth="1980-01-31",
        account_number=f"{10_000_000 + i}", card_number="4929123456789015",
        card_expiry="09/31", notes="prefers email; called about a refund last week")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--fetch", type=int, default=5_000)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--searches", type=int, default=1_000)
    parser.add_argument("--data-dir", default=None,
                        help="keep the SQLite database here (default: a new temporary folder)")
    parser.add_argument("--search-only", action="store_true",
                        help="only the searches, on the database a previous run filled")
    args = parser.parse_args()
    if args.customers > 1_000_000:
        parser.error("--customers: at most 1,000,000 (unique phone numbers run out)")

    os.environ["VAULTDOOR_DATA_DIR"] = args.data_dir or tempfile.mkdtemp(prefix="vaultdoor-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaultdoor.server.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from vaultdoor.vault import blind
    from vaultdoor.vault.keys import index_key, keyring
    from vaultdoor.vault.models import Customer, Queue
    from vaultdoor.vault.services.records import (
        build_customer,
        decrypt_customer,
        encrypt_columns,
        insert_customers,
    )
    from vaultdoor.vault.services.search import search_query

    call_command("migrate", verbosity=0)
    if args.search_only:
        _search(args, Customer, search_query, connection.vendor, "", "")
        return
    Customer.objects.all().delete()
    queue, _ = Queue.objects.get_or_create(code="bench", defaults={"name": "Bench"})
    ring, key = keyring(), index_key()
    vendor = connection.vendor

    # 1. encrypt and store (the plaintext input is made before the clock starts)
    inputs = [_data(i) for i in range(args.records)]
    start = time.perf_counter()
    cpu = time.process_time()
    for first in range(0, args.records, 1000):
        rows = [encrypt_columns(queue.pk, data, ring=ring, key=key)
                for data in inputs[first:first + 1000]]
        with transaction.atomic():
            insert_customers(rows)
    store_s = time.perf_counter() - start
    store_rate = args.records / store_s
    store_cpu = time.process_time() - cpu
    print(f"encrypt-and-store: {args.records} records in {store_s:.2f} s = "
          f"{store_rate:,.0f} records/s (CPU {store_cpu:.2f} s = "
          f"{args.records / store_cpu:,.0f} records per CPU-second)")

    # 2. fetch and decrypt
    ids = list(Customer.objects.values_list("id", flat=True)[:args.fetch])
    start = time.perf_counter()
    cpu = time.process_time()
    fields = 0
    for chunk in range(0, len(ids), 500):
        for row in Customer.objects.filter(id__in=ids[chunk:chunk + 500]):
            fields += len(decrypt_customer(row, ring=ring))
    fetch_s = time.perf_counter() - start
    field_rate = fields / fetch_s
    fetch_cpu = time.process_time() - cpu
    print(f"fetch-and-decrypt: {fields} fields of {len(ids)} records in {fetch_s:.2f} s = "
          f"{field_rate:,.0f} fields/s (CPU {fetch_cpu:.2f} s = "
          f"{fields / fetch_cpu:,.0f} fields per CPU-second)")

    # 3. fill to --customers rows with bulk inserts, then search
    dummy = build_customer(queue, _data(0), ring=ring, key=key)
    start = time.perf_counter()
    table = Customer._meta.db_table
    columns = ("id", "queue_id", "wrapped_key", "kek_version", "name_ct", "phones_ct",
               "card_number_ct", "phone_bidx", "phone2_bidx", "email_bidx", "account_bidx",
               "card_bidx", "erased", "created", "updated")
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
    from django.utils import timezone

    now = timezone.now()
    card = blind.blind_index(key, "card", "4929123456789015")
    for first in range(args.records, args.customers, FILL_BATCH):
        batch = []
        for i in range(first, min(first + FILL_BATCH, args.customers)):
            row_id = uuid.uuid4()
            batch.append((
                row_id.hex if vendor == "sqlite" else row_id, queue.pk, dummy.wrapped_key,
                dummy.kek_version, dummy.name_ct, dummy.phones_ct, dummy.card_number_ct,
                blind.blind_index(key, "phone", _phone(i)), "",
                blind.blind_index(key, "email", f"customer{i}@example.net"),
                blind.blind_index(key, "account", f"{10_000_000 + i}"), card, False, now, now))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    print(f"filled to {Customer.objects.count():,} customers in "
          f"{time.perf_counter() - start:.1f} s")
    _search(args, Customer, search_query, vendor, f"store {store_rate:,.0f} records/s, ",
            f"decrypt {field_rate:,.0f} fields/s, ")


def _search(args, customer_model, search_query, vendor, stored, decrypted):  # type: ignore[no-untyped-def]
    """`--searches` phone searches, half hits, half misses; prints p50/p95 (wall and CPU)."""
    total = customer_model.objects.count()

    rng = random.Random(7)
    timings = []
    cpu_timings = []
    hits = 0
    for n in range(args.searches):
        i = rng.randrange(total) if n % 2 == 0 else 1_000_000 + n
        typed = f"07400 {i % 1_000_000:06d}" if n % 2 == 0 else f"07401 {n:06d}"
        begin = time.perf_counter()
        begin_cpu = time.process_time()
        query = search_query("phone", typed)
        found = list(customer_model.objects.filter(query).values_list("id", flat=True)) if (
            query is not None) else []
        timings.append((time.perf_counter() - begin) * 1000)
        cpu_timings.append((time.process_time() - begin_cpu) * 1000)
        hits += len(found) > 0
    timings.sort()
    cpu_timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    cpu_p95 = cpu_timings[int(len(cpu_timings) * 0.95) - 1]
    print(f"search by phone among {total:,}: {args.searches} searches ({hits} hits), "
          f"p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {timings[-1]:.2f} ms "
          f"(CPU p95 {cpu_p95:.2f} ms)")
    print(f"vault: {stored}{decrypted}search among {total:,}: p50 {p50:.2f} ms, "
          f"p95 {p95:.2f} ms, CPU p95 {cpu_p95:.2f} ms ({vendor})")


if __name__ == "__main__":
    main()
