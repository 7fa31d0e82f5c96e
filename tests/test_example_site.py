"""The example site as an integrator's site: declarations pass the check, fill the inventory."""

import json
import os
import subprocess
import sys
from pathlib import Path

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


def test_the_demos_email_links_lead_to_where_it_is_served(tmp_path):
    """``make demo`` serves on HOST:PORT; the links its emails carry must include the port."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1:8123",
    }
    script = (
        "from wagtail_gdpr import routes; from wagtail_gdpr.models import DataSubjectRequest; "
        "dsr = DataSubjectRequest.objects.filter(member__username='alice').first(); "
        "print(routes.request_url(dsr)); print(routes.centre_url('my_data', absolute=True))"
    )
    for args in (["migrate", "--noinput"], ["seed_demo"], ["shell", "-c", script]):
        result = subprocess.run(
            [sys.executable, "example_site/manage.py", *args],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
    request_link, data_link = result.stdout.split()[-2:]
    assert request_link.startswith("http://127.0.0.1:8123/")
    assert data_link.startswith("http://127.0.0.1:8123/") and data_link.endswith("/data/")
