"""The retention sweep against one raw SQL DELETE, and an erasure of one member with many rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python benchmarks/retention_sweep.py \
        [EXPIRED_ROWS] [ERASURE_ROWS]

Defaults: 1,000,000 expired activity rows; a member with 100,000 rows to erase. Each is timed
against hand-written SQL doing the same in one transaction; medians of 3 runs, queries, and peak
memory growth (resident, from the OS, and tracemalloc).
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
    from django.db import connection, transaction
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
            "raw SQL DELETE": measure(raw_delete, before=refill),
            "retention.sweep": measure(sweep, before=refill),
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

        # One member with many rows, erased in one transaction, against the hand-written
        # statements that delete and anonymise the same rows (also in one transaction).
        victims = []

        def make_victim():
            victim = get_user_model().objects.create_user(
                f"victim{len(victims)}", f"victim{len(victims)}@example.com", "pw"
            )
            victims.append(victim)
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
                    SELECT %s, %s, 'Gatan ' || g, 10, now()
                    FROM generate_series(1, %s) AS g
                    """,
                    [victim.pk, victim.email, erasure_rows - erasure_rows // 2],
                )
                cursor.execute(f"ANALYZE {MemberActivity._meta.db_table}")
                cursor.execute(f"ANALYZE {Order._meta.db_table}")

        def raw_erasure():
            """The floor: the same end state by hand. The activity is deleted; the orders are
            anonymised and unlinked from the account, in one pass; the account is deleted."""
            victim = victims[-1]
            user_table = get_user_model()._meta.db_table
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {MemberActivity._meta.db_table} WHERE user_id = %s", [victim.pk]
                )
                deleted = cursor.rowcount
                cursor.execute(
                    f"UPDATE {Order._meta.db_table} SET email = 'erased-' || id || "
                    "'@example.invalid', shipping_address = '', customer_id = NULL "
                    "WHERE customer_id = %s",
                    [victim.pk],
                )
                anonymised = cursor.rowcount
                cursor.execute(f"DELETE FROM {user_table} WHERE id = %s", [victim.pk])
            return deleted + anonymised

        def add_on_erasure():
            receipt = erasure.execute(victims[-1])
            assert receipt["account"] == "deleted", receipt["account"]  # the same end state
            return erasure_rows

        rows = {
            "raw SQL DELETE + UPDATE": measure(raw_erasure, before=make_victim),
            "erasure.execute": measure(add_on_erasure, before=make_victim),
        }
        assert rows["raw SQL DELETE + UPDATE"]["result"] == erasure_rows
        report(
            f"erasure of one member with {erasure_rows:,} rows ({erasure_rows // 2:,} deleted, "
            f"{erasure_rows - erasure_rows // 2:,} anonymised), {len(registry)} declarations",
            rows,
            "raw SQL DELETE + UPDATE",
        )


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args + [1_000_000, 100_000][len(args) :]))
