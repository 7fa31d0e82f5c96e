"""In a site with no Celery app and no broker: a member's copy and an erasure, start to end.

Run in a process of its own by ``tests/test_jobs.py``; prints one JSON object with what it saw.
Any attempt to publish to a broker raises, so a job that tried would fail the run.
"""

import json
import os
import sys
import zipfile

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.sites.settings_without_celery"

import django  # noqa: E402

django.setup()

import celery  # noqa: E402
from celery.app.task import Task  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402


def refuse_to_publish(*args, **kwargs):
    raise AssertionError("a job was sent to a broker in a site without one")


Task.apply_async = refuse_to_publish
celery.Celery.send_task = refuse_to_publish


def main() -> dict:
    from tests.testapp.models import Order
    from wagtail_gdpr import access, erasure, jobs
    from wagtail_gdpr.models import DataSubjectRequest

    seen = {
        "apps": sorted(app.main for app in celery._state._get_active_apps()),
        "current_app": celery.current_app.main,
        "broker_configured": jobs.broker_configured(),
        "backend": jobs.backend(),
    }
    call_command("migrate", verbosity=0, interactive=False)
    member = get_user_model().objects.create_user("alice", "alice@example.com", "pw")
    orders = [
        Order.objects.create(customer=member, email="alice@example.com", total=n) for n in (7, 9)
    ]

    copy = access.request_copy(member)  # outside a transaction: the job runs at once
    copy.refresh_from_db()
    seen["copy_status"] = copy.status
    with copy.report.file.open("rb") as fh, zipfile.ZipFile(fh) as archive:
        data = json.loads(archive.read("data.json"))
    section = next(s for s in data["sections"] if s["model"] == "testapp.Order")
    seen["copy_order_totals"] = sorted(
        float(row[section["columns"].index("Total")]) for row in section["rows"]
    )

    done = erasure.request_erasure(member)
    done.refresh_from_db()
    seen["erasure_status"] = done.status
    seen["orders_left"] = [
        {"email": order.email, "customer_id": order.customer_id}
        for order in Order.objects.filter(pk__in=[o.pk for o in orders]).order_by("pk")
    ]
    seen["member_left"] = get_user_model()._base_manager.filter(pk=member.pk).exists()
    seen["requests"] = sorted(DataSubjectRequest.objects.values_list("kind", "status"))
    return seen


if __name__ == "__main__":
    print(json.dumps(main()))
    sys.exit(0)
