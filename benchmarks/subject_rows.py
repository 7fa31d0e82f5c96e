"""Finding every declared row of one member, against raw SQL and a naive ORM loop.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python benchmarks/subject_rows.py [ORDERS]
"""

import sys

from _setup import measure, report, throwaway_database


def main(orders: int):
    from django.contrib.auth import get_user_model
    from django.core.exceptions import EmptyResultSet
    from django.db import connection

    from tests.testapp.models import Order, OrderNote, Visit
    from wagtail_gdpr.registry import find_subject_rows, registry

    with throwaway_database():
        User = get_user_model()
        member = User.objects.create_user("member", "member@example.com", "pw")
        other = User.objects.create_user("other", "other@example.com", "pw")
        for owner in (member, other):
            created = Order.objects.bulk_create(
                Order(customer=owner, email=owner.email, shipping_address="Street 1", total=10)
                for _ in range(orders)
            )
            OrderNote.objects.bulk_create(OrderNote(order=o, text="note") for o in created)
            Visit.objects.bulk_create(
                Visit(user=owner, ip_address="203.0.113.7") for _ in range(orders)
            )

        def registry_way():
            return sum(len(s.rows) for s in find_subject_rows(member))

        def raw_sql():
            """The same rows and columns, as tuples, with hand-written SQL per declaration."""
            total = 0
            with connection.cursor() as cursor:
                for declaration in registry:
                    queryset = declaration.rows_for(member).values_list(
                        *declaration.export_field_names()
                    )
                    try:
                        sql, params = queryset.query.sql_with_params()
                    except EmptyResultSet:  # a declaration that cannot match (no address)
                        continue
                    cursor.execute(sql, params)
                    total += len(cursor.fetchall())
            return total

        def naive_orm():
            """Model instances, following each relation per row (the N+1 way)."""
            total = 0
            for order in Order.objects.filter(customer=member):
                total += 1 + sum(1 for _ in order.notes.all())
            total += sum(1 for _ in Visit.objects.filter(user=member))
            return total

        rows = {
            "raw SQL (tuples)": measure(raw_sql),
            "find_subject_rows": measure(registry_way),
            "naive ORM loop": measure(naive_orm, repeat=1),
        }
        assert rows["find_subject_rows"]["result"] == rows["raw SQL (tuples)"]["result"]
        report(
            f"find_subject_rows: {orders} orders, {orders} notes, {orders} visits per member, "
            f"{len(registry)} declarations",
            rows,
            "raw SQL (tuples)",
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
