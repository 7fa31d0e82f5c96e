"""Scaling curves: how the copy, the erasure, the sweep, the privacy centre and the consent gate
grow with the data, with a chart of each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python benchmarks/scaling.py [SIZES...]

Sizes default to 10,000, 100,000 and 1,000,000. At each size:

- the copy of a member with SIZE activity rows and SIZE/100 orders;
- the erasure of a member with SIZE rows (half deleted, half anonymised);
- the retention sweep of SIZE expired rows;
- three privacy-centre pages and a plain page behind the consent gate, for one member among
  SIZE members (each with an activity row), after the member has passed the consent step.

For each: the median of 3 runs, queries, and the growth of resident memory (VmHWM). The figures
go to ``benchmarks/results/scaling.json`` and the charts to
``docs/images/performance/scaling-*.png``. The cost must grow linearly with the member's own
rows, and not at all with other members' rows.
"""

import json
import sys
from pathlib import Path

from _setup import measure, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "scaling.json"
CHARTS = ROOT / "docs" / "images" / "performance"
PAGES = {
    "privacy centre": "",
    "my data": "data/",
    "my consents": "consents/",
}


def _execute(sql, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _empty_tables():
    from django.contrib.auth import get_user_model

    from tests.testapp.models import Order
    from wagtail_gdpr.models import AccessReport, DataSubjectRequest, MemberActivity

    for model in (AccessReport, DataSubjectRequest, MemberActivity, Order):
        _execute(f"DELETE FROM {model._meta.db_table}")
    get_user_model().objects.filter(username__startswith="curve-").delete()
    _execute("VACUUM ANALYZE")


def copy_at(size: int) -> dict:
    from access_report import make_data
    from django.contrib.auth import get_user_model

    from wagtail_gdpr import access
    from wagtail_gdpr.models import AccessReport, DataSubjectRequest

    member = get_user_model().objects.create_user("curve-copy", "curve@example.com", "pw")
    make_data(member, size, max(size // 100, 1))
    _execute("ANALYZE")

    def build():
        AccessReport.objects.all().delete()
        DataSubjectRequest.objects.all().delete()
        dsr = DataSubjectRequest.objects.create(
            kind="access", status="queued", member=member, contact_email=member.email
        )
        assert access.build_access_report(dsr.pk) == "done"
        AccessReport.objects.get(request=dsr).file.delete(save=False)

    return measure(build)


def erasure_at(size: int) -> dict:
    from django.contrib.auth import get_user_model

    from tests.testapp.models import Order
    from wagtail_gdpr import erasure
    from wagtail_gdpr.models import MemberActivity

    made = []

    def make_victim():
        victim = get_user_model().objects.create_user(f"curve-victim{len(made)}", "v@example.com")
        made.append(victim)
        _execute(
            f"INSERT INTO {MemberActivity._meta.db_table} "
            "(user_id, kind, detail, ip_address, user_agent, created_at) "
            "SELECT %s, 'login', '', '203.0.113.0', 'Mozilla/5.0', now() "
            "FROM generate_series(1, %s)",
            [victim.pk, size // 2],
        )
        _execute(
            f"INSERT INTO {Order._meta.db_table} "
            "(customer_id, email, shipping_address, total, created_at) "
            "SELECT %s, 'v@example.com', 'Gatan ' || g, 10, now() FROM generate_series(1, %s) g",
            [victim.pk, size - size // 2],
        )
        _execute("ANALYZE")

    return measure(lambda: erasure.execute(made[-1]), before=make_victim)


def sweep_at(size: int) -> dict:
    from django.contrib.auth import get_user_model
    from retention_sweep import insert_expired_activity

    from wagtail_gdpr.erasure import retention

    member = get_user_model().objects.create_user("curve-sweep", "s@example.com")
    return measure(retention.sweep, before=lambda: insert_expired_activity(member.pk, size))


def pages_at(members: int) -> dict:
    """One member's privacy-centre pages and a plain page through the gate, among ``members``."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tests.consent_helpers import (
        add_live_centre,
        configure,
        make_purpose,
        publish_notice,
        step_answer,
    )
    from wagtail_gdpr.models import MemberActivity

    User = get_user_model()
    seeded = User.objects.filter(username__startswith="scale-").count()
    before = User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # Members are added up to ``members``: each size adds to the one before.
    _execute(
        f"INSERT INTO {User._meta.db_table} (username, email, password, first_name, last_name, "
        "is_staff, is_active, is_superuser, date_joined) "
        "SELECT 'scale-' || g, 'scale-' || g || '@example.com', '!', '', '', false, true, "
        "false, now() FROM generate_series(%s, %s) g",
        [seeded + 1, members],
    )
    _execute(
        f"INSERT INTO {MemberActivity._meta.db_table} "
        "(user_id, kind, detail, ip_address, user_agent, created_at) "
        "SELECT id, 'login', '', '203.0.113.0', 'Mozilla/5.0', now() "
        f"FROM {User._meta.db_table} WHERE id > %s",
        [before],
    )
    _execute("ANALYZE")
    if not configure().notice_page_id:
        make_purpose("terms", required=True)
        publish_notice()
        configure(privacy_centre_page=add_live_centre())
    member = User.objects.create_user(f"curve-member-{members}", "m@example.com", "pw")
    client = Client()
    client.force_login(member)
    assert step_answer(client).status_code == 302  # the consent step, passed

    results = {}
    urls = {label: f"/privacy-centre/{path}" for label, path in PAGES.items()}
    urls["plain page (gate)"] = "/"
    for label, path in urls.items():

        def get(path=path):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        results[label] = measure(get, repeat=5)
    return results


def main(sizes: list[int]):
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Run this benchmark on PostgreSQL: set DATABASE_URL.")
    figures: dict = {"sizes": sizes, "copy": {}, "erasure": {}, "sweep": {}, "pages": {}}
    with throwaway_database():
        for size in sizes:
            for name, fn in (("copy", copy_at), ("erasure", erasure_at), ("sweep", sweep_at)):
                _empty_tables()
                row = fn(size)
                figures[name][size] = _kept(row)
                print(
                    f"{name:8} {size:>9,} rows: {row['seconds']:.3f} s, {row['queries']} "
                    f"queries, RSS +{row['rss_mib']:.1f} MiB",
                    flush=True,
                )
        _empty_tables()
        for size in sorted(sizes):
            for label, row in pages_at(size).items():
                figures["pages"].setdefault(label, {})[size] = _kept(row)
                print(f"{label:18} among {size:>9,} members: {row['seconds'] * 1000:.1f} ms, "
                      f"{row['queries']} queries", flush=True)  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2))
    draw(figures)


def _kept(row: dict) -> dict:
    return {k: row[k] for k in ("seconds", "runs", "queries", "rss_mib", "peak_mib")}


def draw(figures: dict):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = figures["sizes"]
    CHARTS.mkdir(parents=True, exist_ok=True)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for name in ("copy", "erasure", "sweep"):
        axes[0].plot(sizes, [figures[name][s]["seconds"] for s in sizes], marker="o", label=name)
    axes[0].set(xscale="log", yscale="log", xlabel="the member's rows", ylabel="seconds",
                title="Copy, erasure and sweep")  # fmt: skip
    axes[0].legend()
    for label, by_size in figures["pages"].items():
        axes[1].plot(sizes, [by_size[s]["seconds"] * 1000 for s in sizes], marker="o", label=label)
    axes[1].set(xscale="log", xlabel="members in the database", ylabel="milliseconds",
                title="One member's pages", ylim=(0, None))  # fmt: skip
    axes[1].legend()
    fig.tight_layout()
    fig.savefig(CHARTS / "scaling.png", dpi=110)
    print(f"chart: {CHARTS / 'scaling.png'}; figures: {RESULTS}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000])
