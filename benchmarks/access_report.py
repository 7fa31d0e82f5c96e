"""The access report of a member with a lot of data, against merely fetching the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python benchmarks/access_report.py \
        [ACTIVITY_ROWS] [ORDERS]

Defaults: 1,000,000 activity rows and 10,000 orders, on PostgreSQL (rows are made with
generate_series). The copy is built twice: as PostgreSQL writes its files (the default there),
and as Python writes them (the general path). Prints the median wall time of 3 runs as a ratio
to PostgreSQL's own ``COPY (SELECT ...) TO STDOUT`` of the same columns of the same rows read by
psycopg (the fastest way out of the database), and to fetching them as tuples; the queries; and
the peak memory growth of each, as the OS sees it (resident memory, VmHWM) and as tracemalloc
sees it.
"""

import sys
from unittest import mock

from _setup import measure, report, throwaway_database


def make_data(user, activity_rows, orders):
    from django.db import connection

    from tests.testapp.models import Order
    from wagtail_gdpr.models import MemberActivity

    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {MemberActivity._meta.db_table}
                (user_id, kind, detail, ip_address, user_agent, created_at)
            SELECT %s, 'login', '', '203.0.113.0', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140',
                   now() - (g || ' minutes')::interval
            FROM generate_series(1, %s) AS g
            """,
            [user.pk, activity_rows],
        )
        cursor.execute(
            f"""
            INSERT INTO {Order._meta.db_table}
                (customer_id, email, shipping_address, total, created_at)
            SELECT %s, 'member@example.com', 'Storgatan ' || g || ', 111 22 Stockholm',
                   g %% 1000, now() - (g || ' hours')::interval
            FROM generate_series(1, %s) AS g
            """,
            [user.pk, orders],
        )


def main(activity_rows: int, orders: int):
    from django.contrib.auth import get_user_model
    from django.core.exceptions import EmptyResultSet
    from django.db import connection

    from wagtail_gdpr import access
    from wagtail_gdpr.access import formatted_rows
    from wagtail_gdpr.models import AccessReport, DataSubjectRequest
    from wagtail_gdpr.registry import registry

    if connection.vendor != "postgresql":
        sys.exit("Run this benchmark on PostgreSQL: set DATABASE_URL.")
    with throwaway_database():
        member = get_user_model().objects.create_user("member", "member@example.com", "pw")
        make_data(member, activity_rows, orders)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        def fetch_tuples():
            """The floor: every declared row of the member, as tuples, nothing else."""
            total = 0
            for declaration in registry:
                names = declaration.export_field_names()
                for _row in declaration.rows_for(member).values_list(*names).iterator(2000):
                    total += 1
            return total

        def copy_out():
            """The limit: the same columns of the same rows, formatted by PostgreSQL (COPY),
            read by psycopg in the chunks it receives."""
            from wagtail_gdpr import readable
            from wagtail_gdpr.registry import verified_emails

            emails = list(verified_emails(member))
            size = 0
            with connection.connection.cursor() as cursor:
                for declaration in registry.about_members():
                    names = readable.Columns(declaration).values_names()
                    queryset = declaration.rows_for(member, emails).values_list(*names)
                    try:
                        sql, params = queryset.query.sql_with_params()
                    except EmptyResultSet:
                        continue  # no rows can match: Django sends no query either
                    with cursor.copy(f"COPY ({sql}) TO STDOUT", params) as copy:
                        for block in copy:
                            size += len(block)
            return size

        def build_report():
            AccessReport.objects.all().delete()
            DataSubjectRequest.objects.all().delete()
            dsr = DataSubjectRequest.objects.create(
                kind="access", status="queued", member=member, contact_email=member.email
            )
            assert access.build_access_report(dsr.pk) == "done"
            built = AccessReport.objects.get(request=dsr)
            size = built.size
            built.file.delete(save=False)
            return size

        def build_report_in_python():
            """The general path, where Python writes every row (other databases, fields the
            database cannot write): the same files, for comparison."""
            with mock.patch.object(formatted_rows, "formatter", lambda *args: None):
                return build_report()

        rows = {
            "COPY (SELECT ...) TO STDOUT": measure(copy_out),
            "fetch rows as tuples": measure(fetch_tuples),
            "build_access_report": measure(build_report),
            "build_access_report, Python writes": measure(build_report_in_python),
        }
        zip_mib = rows["build_access_report"]["result"] / 2**20
        report(
            f"access report: {activity_rows:,} activity rows, {orders:,} orders, "
            f"{len(registry)} declarations; ZIP {zip_mib:.1f} MiB",
            rows,
            "COPY (SELECT ...) TO STDOUT",
        )


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args + [1_000_000, 10_000][len(args) :]))
