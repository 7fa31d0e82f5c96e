"""Finding one person's form submissions: the index of addresses against the old JSON scan.

WAGTAIL_GDPR_BENCH_DATABASE=h18_bench \\
DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    .venv/bin/python benchmarks/form_submission_lookup.py [SUBMISSIONS]

Fills ``wagtailforms_formsubmission`` with SUBMISSIONS rows (default 1,000,000) over two form
pages with INSERT ... SELECT. The first 50,000 are indexed by the data migration's own backfill
(timed), the rest in SQL with the same normalisation. Then it times both ways of finding a
person's submissions (which must agree) and prints each query's plan (EXPLAIN ANALYZE).
"""

import sys
import time

from _setup import measure, report, throwaway_database

BACKFILL_SAMPLE = 50_000


def main(submissions: int):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from wagtail.contrib.forms.models import FormSubmission
    from wagtail.models import Page

    from tests.testapp.models import ContactField, ContactPage, PlainFormField, PlainFormPage
    from wagtail_gdpr.builtin import FormSubmissionData
    from wagtail_gdpr.form_privacy import addresses
    from wagtail_gdpr.models import FormSubmissionAddress
    from wagtail_gdpr.registry import registry

    with throwaway_database():
        root = Page.objects.get(depth=1).get_children().first() or Page.objects.get(depth=1)
        contact = ContactPage(title="Contact", slug="contact", privacy_keep_for=30,
                              privacy_keep_unit="days")  # fmt: skip
        root.add_child(instance=contact)
        ContactField.objects.create(page=contact, label="Your email", field_type="email")
        plain = PlainFormPage(title="Competition", slug="competition")
        root.add_child(instance=plain)
        PlainFormField.objects.create(page=plain, label="Email address", field_type="email")
        PlainFormField.objects.create(page=plain, label="Friend's email", field_type="email")

        def fill(first, last):
            with connection.cursor() as cursor:
                # Every second row on each page; a hundred thousand people, ten rows each.
                cursor.execute(
                    """
                    INSERT INTO wagtailforms_formsubmission (form_data, page_id, submit_time)
                    SELECT CASE WHEN mod(i, 2) = 0
                        THEN jsonb_build_object(
                            'your_email', 'Person' || mod(i, 100000) || '@example.com',
                            'message', 'Question number ' || i)
                        ELSE jsonb_build_object(
                            'email_address', 'person' || mod(i, 100000) || '@example.com',
                            'friends_email', 'friend' || i || '@example.com')
                        END,
                        CASE WHEN mod(i, 2) = 0 THEN %s ELSE %s END,
                        now() - mod(i, 365) * interval '1 day'
                    FROM generate_series(%s, %s) AS i
                    """,
                    [contact.pk, plain.pk, first, last],
                )

        # The data migration's backfill, timed on the first rows (it is plain Python, batched).
        sample = min(submissions, BACKFILL_SAMPLE)
        fill(1, sample)
        started = time.perf_counter()
        written = addresses.backfill(FormSubmission, FormSubmissionAddress, None)
        backfilled = time.perf_counter() - started
        # The rest, indexed in SQL with the same normalisation (trimmed, lower case), so that
        # the benchmark does not wait on the backfill; both lookups must then agree.
        started = time.perf_counter()
        fill(sample + 1, submissions)
        with connection.cursor() as cursor:
            for key in ("your_email", "email_address", "friends_email"):
                cursor.execute(
                    """
                    INSERT INTO wagtail_gdpr_formsubmissionaddress (submission_id, page_id, email)
                    SELECT id, page_id, lower(trim(form_data ->> %s))
                    FROM wagtailforms_formsubmission
                    WHERE id > %s AND form_data ? %s
                    ON CONFLICT DO NOTHING
                    """,
                    [key, sample, key],
                )
            cursor.execute("ANALYZE wagtailforms_formsubmission")
            cursor.execute("ANALYZE wagtail_gdpr_formsubmissionaddress")
        filled = time.perf_counter() - started

        member = get_user_model().objects.create_user("member", "m@example.com", "pw")
        emails = ["person4242@example.com", "PERSON4243@example.com ", "nobody@example.com"]
        old = FormSubmissionData(FormSubmission)
        new = registry.get(FormSubmission)

        def json_scan():
            return len(list(old.rows_for(member, emails).values_list("pk", flat=True)))

        def address_index():
            return len(list(new.rows_for(member, emails).values_list("pk", flat=True)))

        rows = {
            "JSON scan (before)": measure(json_scan),
            "address index (now)": measure(address_index),
        }
        found = rows["address index (now)"]["result"]
        assert rows["JSON scan (before)"]["result"] == found > 0
        print(
            f"filled and indexed the other {submissions - sample:,} submissions in {filled:.1f} s"
        )
        print(
            f"backfill (the data migration) indexed {sample:,} submissions ({written:,} "
            f"addresses) in {backfilled:.1f} s: {sample / backfilled:,.0f} submissions a second"
        )
        report(
            f"A person's submissions among {submissions:,} ({found} of them theirs)",
            rows,
            "JSON scan (before)",
        )
        base = rows["JSON scan (before)"]["seconds"]
        print(f"speed-up: {base / rows['address index (now)']['seconds']:.0f}x")
        for label, declaration in (("JSON scan (before)", old), ("address index (now)", new)):
            queryset = declaration.rows_for(member, emails).values_list("pk", flat=True)
            sql, params = queryset.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)
                plan = "\n    ".join(line for (line,) in cursor.fetchall())
            print(f"\n{label}:\n    {plan}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
