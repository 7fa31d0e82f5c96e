"""The example site as an integrator's site: declarations pass the check, fill the inventory."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wagtail_gdpr import jobs

REPO_ROOT = Path(__file__).resolve().parent.parent


def manage(*args):
    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    return subprocess.run(
        [sys.executable, "example_site/manage.py", *args],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_example_site_passes_every_system_check():
    result = manage("check")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_inventory_lists_every_declared_model_of_the_example_site():
    result = manage("gdpr_inventory", "--format", "json")
    assert result.returncode == 0, result.stderr
    entries = {e["model"]: e for e in json.loads(result.stdout)["declarations"]}
    portal_models = {
        "portal.MemberProfile",
        "portal.Order",
        "portal.OrderLine",
        "portal.SupportTicket",
        "portal.NewsletterSubscription",
    }
    assert portal_models <= set(entries)
    for label in portal_models:
        entry = entries[label]
        assert entry["purpose"] and entry["lawful_basis_label"], label
        assert entry["fields"] and all(f["erasure"] for f in entry["fields"]), label
    orders = entries["portal.Order"]
    assert orders["retention"]["years"] == 7
    assert orders["retained_by_law"]
    assert entries["portal.SupportTicket"]["retention"]["years"] == 2
    assert entries["portal.NewsletterSubscription"]["lawful_basis"] == "consent"
    assert {"auth.User", "wagtailforms.FormSubmission", "wagtail_gdpr.MemberActivity"} <= set(
        entries
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo as ``make demo`` builds it, served on a port of its own: migrated and seeded."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL")},
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}",
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1:8123",
    }

    def run(*args):
        result = subprocess.run(
            [sys.executable, "example_site/manage.py", *args],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    run("migrate", "--noinput")
    run("seed_demo")
    return run


def test_the_demos_email_links_lead_to_where_it_is_served(demo):
    """``make demo`` serves on HOST:PORT; the links its emails carry must include the port."""
    script = (
        "from wagtail_gdpr import routes; from wagtail_gdpr.models import DataSubjectRequest; "
        "dsr = DataSubjectRequest.objects.filter(member__username='alice').first(); "
        "print(routes.request_url(dsr)); print(routes.centre_url('my_data', absolute=True))"
    )
    request_link, data_link = demo("shell", "-c", script).split()[-2:]
    assert request_link.startswith("http://127.0.0.1:8123/")
    assert data_link.startswith("http://127.0.0.1:8123/") and data_link.endswith("/data/")


def test_every_record_the_demo_creates_is_within_its_retention(demo):
    script = (
        "import json; from wagtail_gdpr.erasure import retention; "
        "print(json.dumps({r.model: [r.due_now, str(r.next_due)] for r in retention.next_sweep()}))"
    )
    preview = json.loads(demo("shell", "-c", script).splitlines()[-1])
    assert {"portal.Order", "portal.SupportTicket", "wagtail_gdpr.MemberActivity"} <= set(preview)
    assert {model: due for model, (due, _next) in preview.items() if due} == {}
    # ...and each kind with rows says when the first of them falls due.
    assert preview["portal.Order"][1] != "None"


def test_the_demo_runs_its_periodic_jobs_without_redis(demo):
    printed = demo("gdpr_run_periodic")
    lines = [line for line in printed.splitlines() if line.startswith("wagtail_gdpr.")]
    assert lines == [f"{job.name}: done" for job in jobs.PERIODIC]
    count = "from wagtail_gdpr.models import RetentionRun; print(RetentionRun.objects.count())"
    assert int(demo("shell", "-c", count).split()[-1]) >= 1


def test_the_demo_speaks_english_and_swedish(demo):
    script = (
        "from wagtail.models import Page; from wagtail_gdpr.models import ConsentPurpose; "
        "print(sorted(Page.objects.filter(depth__gt=1, live=True).values_list("
        "'locale__language_code', 'slug'))); "
        "print(sorted(ConsentPurpose.objects.values_list('locale__language_code', 'slug')))"
    )
    pages, purposes = demo("shell", "-c", script).splitlines()[-2:]
    for slug in ("privacy-notice", "privacy-centre", "contact", "about"):
        assert f"('en', '{slug}')" in pages and f"('sv', '{slug}')" in pages
    for slug in ("terms", "newsletter", "product-research"):
        assert f"('en', '{slug}')" in purposes and f"('sv', '{slug}')" in purposes


def test_the_beat_schedule_and_the_periodic_jobs_are_the_same():
    from wagtail_gdpr.schedule import BEAT_SCHEDULE

    assert {entry["task"] for entry in BEAT_SCHEDULE.values()} == {j.name for j in jobs.PERIODIC}
