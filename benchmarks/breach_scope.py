"""A breach touching 1,000,000 members: computing its scope and enqueueing their notices.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/4 \
        python benchmarks/breach_scope.py [MEMBERS]

PostgreSQL only (rows are made with generate_series). Each member has one order and one
visit; a tenth as many guest orders carry only an address. Measured: the scope (counts by
declaration, members, other people, records), the notices' start (one row per person, set-based,
then the batches handed to Celery on commit, on a Redis queue no worker reads, emptied after),
against raw SQL counting the same members. Wall time, queries, and the peak resident memory
the OS saw during each step (VmHWM, reset before it).
"""

import os
import sys
import time
from pathlib import Path

from _setup import throwaway_database


def peak_rss_reset():
    """Reset the OS's record of this process's peak resident memory (Linux)."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(fn):
    from django.db import connection

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    peak_rss_reset()
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        result = fn()
    return {
        "seconds": time.perf_counter() - started,
        "queries": queries,
        "peak_rss_mib": peak_rss_mib(),
        "result": result,
    }


def make_data(members: int):
    from django.contrib.auth import get_user_model
    from django.db import connection

    from tests.testapp.models import Order, Visit

    users = get_user_model()._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {users} (password, is_superuser, username, first_name, last_name, email,
                                 is_staff, is_active, date_joined)
            SELECT '!', false, 'member' || g, '', '', 'member' || g || '@example.com', false,
                   true, now()
            FROM generate_series(1, %s) AS g
            """,
            [members],
        )
        cursor.execute(
            f"""
            INSERT INTO {Order._meta.db_table} (customer_id, email, shipping_address, total,
                                                created_at)
            SELECT id, email, 'Storgatan 1, 111 22 Stockholm', 10, now() FROM {users}
            """
        )
        cursor.execute(
            f"""
            INSERT INTO {Order._meta.db_table} (customer_id, email, shipping_address, total,
                                                created_at)
            SELECT NULL, 'guest' || g || '@example.org', '', 10, now()
            FROM generate_series(1, %s) AS g
            """,
            [members // 10],
        )
        cursor.execute(
            f"""
            INSERT INTO {Visit._meta.db_table} (user_id, ip_address, visited_at)
            SELECT id, '203.0.113.0', now() FROM {users}
            """
        )
        cursor.execute("ANALYZE")


def main(members: int):
    from django.db import connection, transaction
    from django.utils import timezone

    from tests.celery_app import app
    from tests.testapp.models import Order
    from wagtail_gdpr.breaches import notices, record, scope
    from wagtail_gdpr.models import Breach, BreachNotice

    queue = f"wagtail-gdpr-bench-{os.getpid()}"
    app.conf.update(task_always_eager=False, task_default_queue=queue)
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=False, CELERY_TASK_DEFAULT_QUEUE=queue)

    with throwaway_database():
        started = time.perf_counter()
        make_data(members)
        print(f"data made in {time.perf_counter() - started:.1f} s")
        breach = record.record_breach(
            None,
            title="Order database copied",
            discovered_at=timezone.now(),
            declarations=["testapp.Order", "testapp.Visit"],
            notice_what_happened="A copy of the order database was taken.",
            notice_what_you_can_do="Be careful with emails about your orders.",
        )
        record.assess(breach, None, Breach.HIGH_RISK, "Addresses")

        def raw_sql():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT COUNT(DISTINCT customer_id), COUNT(*) FROM {Order._meta.db_table}"
                )
                return cursor.fetchone()

        def compute():
            found = scope.compute(breach)
            return (found.members, found.other_addresses, found.records)

        def start():
            with transaction.atomic():
                total = notices.start(breach, None)
            return total

        rows = {
            "raw SQL: count members": timed(raw_sql),
            "scope.compute (2 declarations)": timed(compute),
            "notices.start + enqueue on commit": timed(start),
        }
        with app.connection_for_write() as conn:
            waiting = conn.default_channel.queue_purge(queue)
        assert rows["scope.compute (2 declarations)"]["result"][0] == members
        assert BreachNotice.objects.filter(breach=breach).count() == members + members // 10
        print(
            f"\nA breach touching {members:,} members (+{members // 10:,} guest orders), "
            f"[{connection.vendor}]"
        )
        print(f"{'':36} {'seconds':>9} {'queries':>8} {'peak RSS MiB':>13}  result")
        for label, row in rows.items():
            print(
                f"{label:36} {row['seconds']:9.2f} {row['queries']:8d} "
                f"{row['peak_rss_mib']:13.1f}  {row['result']}"
            )
        print(f"batches handed to Celery: {waiting} (of {notices.BATCH_SIZE} notices each)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
