"""The breach register in the Wagtail admin: privacy officers only, every step a form that
calls one service, the 72 hours on the dashboard, the exports."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.access_helpers import configure, make_member, make_orders
from wagtail_gdpr.breaches import record
from wagtail_gdpr.models import Breach, BreachAffectedPerson, BreachEntry

pytestmark = pytest.mark.django_db

BASE = "/admin/gdpr/breaches/"


def officer_client(username="officer"):
    user = make_member(username)
    user.groups.add(Group.objects.get(name="Privacy officers"))
    client = Client()
    client.force_login(user)
    return client, user


def moment(value):
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_only_privacy_officers_see_the_register():
    breach = record.record_breach(None, title="Lost laptop", discovered_at=timezone.now())
    editor = make_member("editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(editor)
    for url in [BASE, f"{BASE}new/", f"{BASE}{breach.pk}/", f"{BASE}{breach.pk}/notification.json",
                f"{BASE}export.csv"]:  # fmt: skip
        assert client.get(url).status_code == 403, url
    assert (
        client.post(f"{BASE}{breach.pk}/assess/", {"risk": "high_risk", "reasons": "x"}).status_code
        == 403
    )
    breach.refresh_from_db()
    assert breach.risk == ""
    officer, _user = officer_client()
    assert officer.get(BASE).status_code == 200


def test_an_officer_records_a_breach_with_people_from_a_csv_file():
    client, officer = officer_client()
    alice = make_member("alice")
    make_orders(alice, 2)
    upload = SimpleUploadedFile("people.csv", b"email\nalice@example.com\nguest@example.org\n")
    response = client.post(
        f"{BASE}new/",
        {
            "title": "Orders emailed to the wrong customer",
            "discovered_at": moment(timezone.now() - timedelta(hours=2)),
            "declarations": ["testapp.Order"],
            "listed_people_only": "on",
            "people_file": upload,
            "cause": "A wrong mail merge",
        },
    )
    breach = Breach.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{BASE}{breach.pk}/"
    assert BreachAffectedPerson.objects.filter(breach=breach).count() == 2
    assert breach.entries.get().by == officer
    page = client.get(f"{BASE}{breach.pk}/").content.decode()
    assert "1 members, 1 other people with an address, 2 records." in page
    assert "alice" in page  # the preview
    assert "70 hours left" in page or "69 hours left" in page


def test_a_bad_form_is_shown_again_with_the_reason():
    client, _officer = officer_client()
    response = client.post(
        f"{BASE}new/",
        {"title": "x", "discovered_at": moment(timezone.now()),
         "occurred_at": moment(timezone.now() + timedelta(days=1))},
    )  # fmt: skip
    assert response.status_code == 200
    assert "cannot be discovered before it happened" in response.content.decode()
    assert not Breach.objects.exists()


def test_each_step_through_the_admin_is_recorded():
    configure(dpo_email="dpo@example.com")
    client, officer = officer_client()
    breach = record.record_breach(
        officer, title="Lost laptop", discovered_at=timezone.now(), declarations=["testapp.Order"]
    )
    url = f"{BASE}{breach.pk}/"
    # Not before the risk is assessed.
    client.post(f"{url}notify/", {})
    breach.refresh_from_db()
    assert breach.authority_notified_at is None
    client.post(f"{url}assess/", {"risk": "high_risk", "reasons": "Unencrypted disk"})
    facts = {"title": "Lost laptop", "discovered_at": moment(breach.discovered_at),
             "declarations": ["testapp.Order"], "containment": "Remote wipe"}  # fmt: skip
    client.post(f"{url}edit/", facts)
    client.post(f"{url}notification/", {"measures": "Remote wipe; passwords reset"})
    exported = json.loads(client.get(f"{url}notification.json").content)
    assert exported["items"]["measures"] == "Remote wipe; passwords reset"
    assert "dpo@example.com" in exported["items"]["contact"]
    printable = client.get(f"{url}notification.html")
    assert "no-store" in printable["Cache-Control"]
    assert "Remote wipe; passwords reset" in printable.content.decode()
    client.post(f"{url}notify/", {})
    client.post(f"{url}supplement/", {"text": "The laptop was found"})
    client.post(f"{url}close/", {})
    breach.refresh_from_db()
    assert breach.authority_notified_at and breach.closed_at and breach.containment == "Remote wipe"
    assert [e.kind for e in breach.entries.all()] == [
        BreachEntry.RECORDED, BreachEntry.ASSESSED, BreachEntry.CHANGED, BreachEntry.DRAFT_EDITED,
        BreachEntry.AUTHORITY_NOTIFIED, BreachEntry.SUPPLEMENT, BreachEntry.CLOSED,
    ]  # fmt: skip
    page = client.get(url).content.decode()
    assert "The laptop was found" in page and "Containment and remediation" in page
    assert client.get(f"{url}assess/").status_code == 405


def test_the_dashboard_shows_the_72_hours():
    client, _officer = officer_client()
    record.record_breach(None, title="Fresh one", discovered_at=timezone.now() - timedelta(hours=2))
    record.record_breach(None, title="Old one", discovered_at=timezone.now() - timedelta(hours=80))
    page = client.get("/admin/").content.decode()
    assert "Fresh one" in page and "hours left to decide" in page
    assert "the authority decision is overdue" in page


def test_the_register_lists_filters_and_exports():
    client, _officer = officer_client()
    notified = record.record_breach(None, title="=SUM(A1)", discovered_at=timezone.now())
    record.assess(notified, None, Breach.HIGH_RISK, "bad")
    record.notify_authority(notified, None)
    record.record_breach(None, title="Lost phone", discovered_at=timezone.now())
    listing = client.get(BASE, {"notified": "no"}).content.decode()
    assert "Lost phone" in listing and "=SUM(A1)" not in listing
    exported = client.get(f"{BASE}export.csv", {"notified": "yes"})
    text = exported.content.decode()
    assert exported["Content-Type"].startswith("text/csv")
    assert "'=SUM(A1)" in text and "Lost phone" not in text
