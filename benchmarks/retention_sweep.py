"""The retention sweep against one raw SQL DELETE, and an erasure of one member with many rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python benchmarks/retention_sweep.py \
        [EXPIRED_ROWS] [ERASURE_ROWS]

Defaults: 1,000,000 expired activity rows; a member with 100,000 rows to erase.
"""

import sys
import time

from _setup import measure, report, throwaway_database

SAMPLE = 2000


def insert_expired_activity(user_id: int, rows: int):
    from django.db import connection

    from wagtail_gdpr.models import MemberActivity

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {MemberActivity._meta.db_table}
                (user_id, kind, detail, ip_address, user_agent, created_at)
            SELECT %s, 'login', '', '203.0.113.0', 'Mozilla/5.0',
                   now() - interval '2 years' - (g || ' seconds')::interval
            FROM generate_series(1, %s) AS g
            """,
            [user_id, rows],
        )
        # Every timed run starts from the same, freshly vacuumed table: no run pays for the
        # dead rows an earlier run left.
        cursor.execute(f"VACUUM ANALYZE {MemberActivity._meta.db_table}")


def main(expired_rows: int, erasure_rows: int):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from tests.testapp.models import Order
    from wagtail_gdpr import erasure
    from wagtail_gdpr.erasure import retention
    from wagtail_gdpr.models import MemberActivity
    from wagtail_gdpr.registry import registry

    if connection.vendor != "postgresql":
        sys.exit("Run this benchmark on PostgreSQL: set DATABASE_URL.")
    with throwaway_database():
        member = get_user_model().objects.create_user("member", "member@example.com", "pw")
        declaration = registry.get(MemberActivity)
        cutoff = declaration.retention.cutoff(timezone.now())

        def raw_delete():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {MemberActivity._meta.db_table} WHERE created_at < %s", [cutoff]
                )
                return cursor.rowcount

        def sweep():
            run = retention.sweep()
            return run.counts[declaration.model_label]["deleted"]

        refill = lambda: insert_expired_activity(member.pk, expired_rows)  # noqa: E731
        rows = {
            "raw SQL DELETE": measure(raw_delete, repeat=2, before=refill),
            "retention.sweep": measure(sweep, repeat=2, before=refill),
        }
        for row in rows.values():
            assert row["result"] == expired_rows

        insert_expired_activity(member.pk, SAMPLE)
        started = time.perf_counter()
        for activity in MemberActivity.objects.filter(created_at__lt=cutoff):
            activity.delete()
        per_row_orm = (time.perf_counter() - started) / SAMPLE
        per_row_sweep = rows["retention.sweep"]["seconds"] / expired_rows
        report(f"retention sweep of {expired_rows:,} expired rows", rows, "raw SQL DELETE")
        print(
            f"object-by-object ORM delete: {per_row_orm * 1e6:.1f} µs/row (sample of {SAMPLE:,}); "
            f"sweep: {per_row_sweep * 1e6:.2f} µs/row → {per_row_orm / per_row_sweep:.0f}× faster"
        )

        # One member with many rows, erased in one transaction.
        victim = get_user_model().objects.create_user("victim", "victim@example.com", "pw")
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {MemberActivity._meta.db_table}
                    (user_id, kind, detail, ip_address, user_agent, created_at)
                SELECT %s, 'login', '', '203.0.113.0', 'Mozilla/5.0', now()
                FROM generate_series(1, %s) AS g
                """,
                [victim.pk, erasure_rows // 2],
            )
            cursor.execute(
                f"""
                INSERT INTO {Order._meta.db_table}
                    (customer_id, email, shipping_address, total, created_at)
                SELECT %s, 'victim@example.com', 'Gatan ' || g, 10, now()
                FROM generate_series(1, %s) AS g
                """,
                [victim.pk, erasure_rows - erasure_rows // 2],
            )
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            started = time.perf_counter()
            erasure.execute(victim)  # can only run once: no repeat, no memory tracing
            seconds = time.perf_counter() - started
        print(
            f"\nerasure of one member with {erasure_rows:,} rows ({erasure_rows // 2:,} deleted, "
            f"{erasure_rows - erasure_rows // 2:,} anonymised): {seconds:.2f} s, {queries} queries"
        )


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args + [1_000_000, 100_000][len(args) :]))
