"""The access report's content, its failure modes, its email, purge and the worker-safe state."""

import hashlib
import html
import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone, translation
from wagtail import hooks

from tests.access_helpers import (
    add_privacy_centre,
    centre,  # noqa: F401  (fixture)
    clean_cache,  # noqa: F401  (autouse)
    completed_copy,
    configure,
    give_member_data,
    html_rows,
    make_member,
    make_purpose,
    open_report,
    private_reports,  # noqa: F401  (autouse)
    stored_report_files,
    url_of,
)
from tests.testapp.models import Order, OrderNote, Visit
from wagtail_gdpr import access, consent, readable, tasks
from wagtail_gdpr import mail as gdpr_mail
from wagtail_gdpr.access import ReportSection, SummaryItem
from wagtail_gdpr.models import (
    AccessReport,
    ConsentRecord,
    DataSubjectRequest,
    VerifiedEmail,
)
from wagtail_gdpr.registry import registry
from wagtail_gdpr.requests import worker_queue
from wagtail_gdpr.requests.intake import RequestRefused
from wagtail_gdpr.rights import RIGHTS

XSS = "<script>alert(1)</script>"
CONSENT_TEXT = "Send me the newsletter & offers <at most weekly>.\nWithdraw any time."


def post_copy(client, centre_page, capture):
    """The member asks for a copy; the commit's callbacks (enqueue, eager task, email) run."""
    with capture(execute=True):
        response = client.post(url_of(centre_page, "copy/"))
    assert response.status_code == 303, response.status_code
    dsr = DataSubjectRequest.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    return dsr


@pytest.fixture
def member_world(centre):  # noqa: F811
    """A member with their own data, a guest order under a confirmed address, and a neighbour."""
    member = make_member("member", email="member@example.com")
    other = make_member("other", email="other@example.com")
    own_order = give_member_data(member, tag="mine")
    Order.objects.filter(pk=own_order.pk).update(total=Decimal("12.50"))
    Order.objects.create(customer=member, shipping_address=XSS)
    guest = Order.objects.create(email="Guest.Member@Example.com", shipping_address="mine guest")
    OrderNote.objects.create(order=guest, text="note on the guest order")
    VerifiedEmail.objects.create(user=member, email="guest.member@example.com")
    Visit.objects.create(user=member, ip_address="203.0.113.0")

    give_member_data(other, tag="theirs")
    # The member's confirmed address on an order of another member: never the member's row.
    Order.objects.create(
        customer=other, email="guest.member@example.com", shipping_address="theirs by email"
    )
    Order.objects.create(email="stranger@example.com", shipping_address="theirs guest")
    VerifiedEmail.objects.create(user=other, email="other-alias@example.com")

    purpose = make_purpose("newsletter", text=CONSENT_TEXT, name="Newsletter")
    consent.give(member, purpose, source=ConsentRecord.SOURCE_API)
    consent.give(other, purpose, source=ConsentRecord.SOURCE_API)
    consent.withdraw(other, purpose, source=ConsentRecord.SOURCE_API)
    configure(
        controller_name="Shop AB",
        authority_name="Integritetsskyddsmyndigheten (IMY)",
        authority_url="https://www.imy.se/",
    )
    return {"centre": centre, "member": member, "other": other, "purpose": purpose}


@pytest.fixture
def requested(client, member_world, django_capture_on_commit_callbacks):
    client.force_login(member_world["member"])
    dsr = post_copy(client, member_world["centre"], django_capture_on_commit_callbacks)
    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.DONE, (dsr.status, dsr.failure_reason)
    return {**member_world, "request": dsr, "report": dsr.report, "zip": open_report(dsr.report)}


# -- content ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_zip_has_json_csv_html_and_a_manifest(requested):
    opened, dsr = requested["zip"], requested["request"]
    declared = {d.model_label for d in registry.about_members()}
    assert {"testapp.Order", "testapp.OrderNote", "testapp.Profile"} <= declared
    assert "testapp.Author" not in declared  # people who are not members: never in a copy

    data = opened.data
    keys = {s["model"]: s["key"] for s in data["sections"]}
    # Files and keys name the data, not the code: orders.csv, never testapp.Order.csv.
    assert keys["testapp.Order"] == "orders"
    assert keys["wagtail_gdpr.MemberActivity"] == "member-activity"
    assert set(opened.files) == (
        {"data.json", "index.html", "manifest.json"} | {f"csv/{key}.csv" for key in keys.values()}
    )
    assert data["format_version"] == 2
    assert data["request_id"] == dsr.pk
    assert data["member_id"] == requested["member"].pk
    assert data["time_zone"] == "Europe/Stockholm"
    assert set(keys) == declared
    acts = registry.member_activities()
    activities = {access.report.data_keys(acts)[a.activity_key]: a for a in acts}
    for section in data["sections"]:
        assert set(section) == {"key", "model", "name", "facts", "columns", "fields", "rows"}
        assert section["facts"]["purpose"]
        # Each section is one processing activity (each form page is one of its own).
        declaration = activities[section["key"]]
        assert declaration.model_label == section["model"]
        width = len(declaration.fields) + (1 if declaration.retention else 0)
        assert len(section["columns"]) == len(section["fields"]) == width, section["key"]
        assert all(len(row) == width for row in section["rows"]), section["key"]
        csv_rows = opened.csv_rows(section["key"])
        assert csv_rows[0] == section["columns"]
        assert len(csv_rows) - 1 == len(section["rows"]), section["key"]


def _model(label):
    return next(d.model for d in registry if d.model_label == label)


@pytest.mark.django_db
def test_only_the_members_rows_and_only_declared_fields(requested):
    opened, member = requested["zip"], requested["member"]
    orders = opened.section("testapp.Order")
    assert orders["columns"] == ["Email", "Shipping address", "Total", "Created at", "Kept until"]
    addresses = sorted(row[1] for row in orders["rows"])
    assert addresses == sorted(["mine Street 1", XSS, "mine guest"])  # the guest order by email
    assert [row[2] for row in orders["rows"] if row[1] == "mine Street 1"] == ["12.50"]
    notes = opened.section("testapp.OrderNote")
    assert [row[0] for row in notes["rows"]] == ["mine note"]
    profile = opened.section("testapp.Profile")
    assert [row[:2] for row in profile["rows"]] == [["mine-nick", "mine Name"]]
    visits = opened.section("testapp.Visit")
    assert sorted(row[0] for row in visits["rows"]) == ["198.51.100.0", "203.0.113.0"]
    account = opened.section(member._meta.label)
    assert [row[0] for row in account["rows"]] == ["member"]
    assert not any("assword" in column for column in account["columns"])
    confirmed = opened.section("wagtail_gdpr.VerifiedEmail")
    assert [row[0] for row in confirmed["rows"]] == ["guest.member@example.com"]
    order_csv = opened.model_csv_rows("testapp.Order")
    assert sorted(row[1] for row in order_csv[1:]) == addresses

    # Nothing of the neighbour, in any file: not their rows, address, password or consent.
    other = requested["other"]
    for name, content in opened.files.items():
        text = content.decode("utf-8")
        for leak in ("theirs", "other@example.com", "other-alias", "stranger@", other.password):
            assert leak not in text, (name, leak)
    assert member.password not in "".join(c.decode() for c in opened.files.values())
    assert [e["action"]["code"] for e in opened.data["consent_history"]] == [ConsentRecord.GIVEN]


@pytest.mark.django_db
def test_the_manifest_and_the_stored_fingerprint_match_the_files(requested, private_reports):  # noqa: F811
    opened, report = requested["zip"], requested["report"]
    manifest = opened.manifest
    listed = {entry["name"]: entry for entry in manifest["files"]}
    assert set(listed) == set(opened.files) - {"manifest.json"}
    for name, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(opened.files[name]).hexdigest(), name
        assert entry["size"] == len(opened.files[name]), name

    with private_reports.open(report.file.name, "rb") as fh:
        stored = fh.read()
    assert report.size == len(stored)
    assert report.sha256 == hashlib.sha256(stored).hexdigest()
    assert report.expires_at > timezone.now() + timedelta(days=6)
    assert stored_report_files(private_reports) == [report.file.name.rsplit("/", 1)[-1]]


@pytest.mark.django_db
def test_index_html_tells_the_art_15_facts_and_the_consent_history(requested):
    page = requested["zip"].index
    orders = requested["zip"].html_section("Orders")
    for fact in (
        "Deliver and bill orders",  # purpose
        "Contact details, Purchases",  # categories
        "Payment provider (Sweden); Carrier (Germany)",  # recipients and their countries
        "7 years, counted from “Created at”. Why: Bookkeeping Act",  # retention
        "No decision about you is made by automated means",  # Art. 22: said, even if none
        "Bookkeeping Act: accounting records are kept for 7 years",  # kept despite erasure
        "You gave it to us, or it was recorded while you used the site.",  # source
    ):
        assert html.escape(fact) in orders, fact
    for _key, title, text, _sub in RIGHTS:
        assert html.escape(str(title)) in page
        assert html.escape(str(text)) in page
    assert "Integritetsskyddsmyndigheten (IMY)" in page
    assert "https://www.imy.se/" in page
    assert "Shop AB" in page
    # The exact text agreed to, escaped, with its line break
    first, second = CONSENT_TEXT.split("\n")
    assert f"{html.escape(first)}<br>{html.escape(second)}" in page
    history = requested["zip"].data["consent_history"]
    assert [(e["purpose"], e["text"], e["version"]) for e in history] == [
        ("Newsletter", CONSENT_TEXT, 1)
    ]
    assert history[0]["text_sha256"] == hashlib.sha256(CONSENT_TEXT.encode()).hexdigest()


@pytest.mark.django_db
def test_markup_a_member_typed_is_escaped_in_index_html(requested):
    page = requested["zip"].index
    assert XSS not in page
    assert html.escape(XSS) in requested["zip"].html_section("Orders")
    assert "<script" not in page
    # the data files keep the value as typed
    assert any(XSS in row for row in requested["zip"].section("testapp.Order")["rows"])


@pytest.mark.django_db
def test_html_shows_a_limited_number_of_rows_the_data_files_all(
    client, member_world, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAIL_GDPR_REPORT_HTML_ROWS = 2
    member = member_world["member"]
    Visit.objects.bulk_create(Visit(user=member, ip_address=f"192.0.2.{i}") for i in range(5))
    client.force_login(member)
    dsr = post_copy(client, member_world["centre"], django_capture_on_commit_callbacks)
    opened = open_report(AccessReport.objects.get(request=dsr))

    visits = opened.html_section("Visits")
    assert html_rows(visits) == 2
    assert "Only the first 2 of 7 rows are shown here" in visits
    assert "csv/visits.csv" in visits
    assert len(opened.csv_rows("visits")) == 1 + 7
    assert len(opened.section("testapp.Visit")["rows"]) == 7
    # A section within the limit says nothing of the kind.
    profile = opened.html_section("Profiles")
    assert html_rows(profile) == 1
    assert "Only the first" not in profile


# -- hooks -----------------------------------------------------------------------------------


def crm_sections(user):
    return [
        ReportSection(
            key="crm",
            name="Customer relations",
            columns=["Segment", "Since"],
            rows=iter([[f"gold for {user.username}", "2020"], ["<b>vip</b>", "2021"]]),
            facts={"purpose": "Loyalty programme", "lawful_basis_label": "Consent"},
            count=2,
        )
    ]


@pytest.mark.django_db
def test_the_report_sections_hook_adds_a_section(
    client, member_world, django_capture_on_commit_callbacks
):
    client.force_login(member_world["member"])
    with hooks.register_temporarily("wagtail_gdpr_report_sections", crm_sections):
        dsr = post_copy(client, member_world["centre"], django_capture_on_commit_callbacks)
    opened = open_report(AccessReport.objects.get(request=dsr))

    crm = opened.section("crm")
    assert crm["name"] == "Customer relations"
    assert crm["columns"] == ["Segment", "Since"]
    assert crm["rows"] == [["gold for member", "2020"], ["<b>vip</b>", "2021"]]
    assert opened.csv_rows("crm") == [["Segment", "Since"], ["gold for member", "2020"],
                                      ["<b>vip</b>", "2021"]]  # fmt: skip
    section = opened.html_section("Customer relations")
    assert "Loyalty programme" in section
    assert html_rows(section) == 2
    assert "&lt;b&gt;vip&lt;/b&gt;" in section
    assert {e["name"] for e in opened.manifest["files"]} >= {"csv/crm.csv"}


@pytest.mark.django_db
def test_the_summary_items_hook_adds_an_item(client, member_world):
    def newsletter_service(user):
        return [SummaryItem(name="Mailing list", count=4, purpose=f"Mails to {user.username}")]

    with hooks.register_temporarily("wagtail_gdpr_summary_items", newsletter_service):
        items = access.live_summary(member_world["member"])
        client.force_login(member_world["member"])
        page = client.get(url_of(member_world["centre"], "data/")).content.decode()

    assert [(i.name, i.count) for i in items if i.name == "Mailing list"] == [("Mailing list", 4)]
    assert "Mailing list" in page
    assert "Mails to member" in page
    assert "Mailing list" not in [i.name for i in access.live_summary(member_world["member"])]


@pytest.mark.django_db
def test_a_section_that_cannot_be_exported_fails_the_request_and_leaves_nothing(
    client,
    member_world,
    django_capture_on_commit_callbacks,
    private_reports,  # noqa: F811
):
    member = member_world["member"]

    def broken_rows():
        yield ["first row"]
        raise ConnectionError(f"CRM refused the lookup of {member.email} ({member.username})")

    def broken_section(user):
        return [ReportSection(key="crm", name="CRM", columns=["Segment"], rows=broken_rows())]

    client.force_login(member)
    with hooks.register_temporarily("wagtail_gdpr_report_sections", broken_section):
        dsr = post_copy(client, member_world["centre"], django_capture_on_commit_callbacks)
    dsr.refresh_from_db()

    assert dsr.status == DataSubjectRequest.FAILED
    assert "crm" in dsr.failure_reason
    for personal in (member.email, member.username, "first row", "mine"):
        assert personal not in dsr.failure_reason
    assert not AccessReport.objects.exists()
    assert stored_report_files(private_reports) == []
    assert mail.outbox == []
    status = client.get(url_of(member_world["centre"], f"copy/{dsr.pk}/"))
    assert b"Something went wrong" in status.content
    assert b"/download/" not in status.content


# -- the email, in the member's language ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_member_is_emailed_when_the_copy_is_ready(client, monkeypatch):
    """Real commits: the task runs on commit, the email after the report's own commit.

    Not ``serialized_rollback``: other transactional tests flush the database before this one
    runs, and restoring the serialized content types then collides; the helpers rebuild the
    default site instead.
    """
    centre_page = add_privacy_centre()
    member = make_member("member", email="member@example.com")
    languages = []
    real_render = gdpr_mail.render_to_string

    def spy(*args, **kwargs):
        languages.append(translation.get_language())
        return real_render(*args, **kwargs)

    monkeypatch.setattr(gdpr_mail, "render_to_string", spy)
    client.force_login(member)

    with translation.override("sv"):
        response = client.post(url_of(centre_page, "copy/"))

    assert response.status_code == 303
    dsr = DataSubjectRequest.objects.get(member=member)
    assert dsr.status == DataSubjectRequest.DONE
    assert dsr.language == "sv"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["member@example.com"]
    status_path = url_of(centre_page, f"copy/{dsr.pk}/")
    links = [a for a in message.body.split() if a.startswith("http")]
    assert [urlsplit(a).path for a in links] == [status_path]
    html_body = message.alternatives[0][0]
    assert f'href="{links[0]}"' in html_body
    assert languages and set(languages) == {"sv"}


@pytest.mark.django_db
def test_the_email_uses_the_language_stored_with_the_request(
    client, member_world, monkeypatch, django_capture_on_commit_callbacks
):
    """The work is done later, outside the member's request: the stored language counts."""
    languages = []
    real_render = gdpr_mail.render_to_string
    monkeypatch.setattr(
        gdpr_mail,
        "render_to_string",
        lambda *a, **k: languages.append(translation.get_language()) or real_render(*a, **k),
    )
    client.force_login(member_world["member"])
    with django_capture_on_commit_callbacks(execute=True):
        with translation.override("sv"):
            response = client.post(url_of(member_world["centre"], "copy/"))
        assert translation.get_language() == "en"  # the callbacks run after this

    dsr = DataSubjectRequest.objects.get(member=member_world["member"])
    assert response.status_code == 303
    assert dsr.language == "sv"
    assert dsr.status == DataSubjectRequest.DONE
    assert [m.to for m in mail.outbox] == [["member@example.com"]]
    assert set(languages) == {"sv"}


@pytest.mark.django_db
def test_the_report_page_declares_the_language_it_was_made_in(member_world):
    member = member_world["member"]
    with translation.override("sv"):
        dsr = access.request_copy(member)
    assert access.build_access_report(dsr.pk) == "done"
    page = open_report(AccessReport.objects.get(request=dsr)).index
    assert '<html lang="sv">' in page


# -- purge -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_expired_files_are_purged_and_the_rows_kept(member_world, private_reports):  # noqa: F811
    old = completed_copy(member_world["member"]).report
    current = completed_copy(member_world["other"]).report
    AccessReport.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    old_name, current_name = old.file.name, current.file.name
    assert private_reports.exists(old_name)

    assert tasks.purge_expired_reports.delay().get() == 1

    old.refresh_from_db()
    current.refresh_from_db()
    assert not private_reports.exists(old_name)
    assert old.purged_at is not None
    assert not old.file
    assert old.sha256 and old.size  # the record of delivery stays
    assert private_reports.exists(current_name)
    assert current.purged_at is None
    assert access.purge_expired() == 0  # nothing left to do
    assert stored_report_files(private_reports) == [current_name.rsplit("/", 1)[-1]]


@pytest.mark.django_db
def test_purge_expired_takes_the_time_it_is_given(member_world, private_reports):  # noqa: F811
    report = completed_copy(member_world["member"]).report
    assert access.purge_expired(now=report.expires_at - timedelta(seconds=1)) == 0
    assert private_reports.exists(report.file.name)
    assert access.purge_expired(now=report.expires_at) == 1
    assert stored_report_files(private_reports) == []


# -- running twice, dead workers, lost messages ----------------------------------------------


@pytest.mark.django_db
def test_building_a_finished_request_again_is_a_no_op(member_world, private_reports):  # noqa: F811
    dsr = completed_copy(member_world["member"])
    files = stored_report_files(private_reports)

    assert access.build_access_report(dsr.pk) == "skipped"
    assert tasks.build_access_report.delay(dsr.pk).get() == "skipped"

    assert AccessReport.objects.filter(request=dsr).count() == 1
    assert stored_report_files(private_reports) == files
    again = DataSubjectRequest.objects.get(pk=dsr.pk)
    assert again.attempts == dsr.attempts == 1
    assert again.status == DataSubjectRequest.DONE


def running(dsr, *, heartbeat_age):
    DataSubjectRequest.objects.filter(pk=dsr.pk).update(
        status=DataSubjectRequest.RUNNING, heartbeat_at=timezone.now() - heartbeat_age, attempts=1
    )


@pytest.mark.django_db
def test_claim_leaves_a_request_to_a_live_worker(member_world, settings):
    settings.WAGTAIL_GDPR_WORKER_LEASE_SECONDS = 60
    dsr = access.request_copy(member_world["member"])
    running(dsr, heartbeat_age=timedelta(seconds=30))

    assert worker_queue.claim(dsr.pk) is None
    assert access.build_access_report(dsr.pk) == "skipped"
    assert DataSubjectRequest.objects.get(pk=dsr.pk).attempts == 1
    assert not AccessReport.objects.exists()


@pytest.mark.django_db
def test_claim_takes_over_from_a_dead_worker(member_world, settings):
    settings.WAGTAIL_GDPR_WORKER_LEASE_SECONDS = 60
    dsr = access.request_copy(member_world["member"])
    running(dsr, heartbeat_age=timedelta(seconds=61))

    claimed = worker_queue.claim(dsr.pk)

    assert claimed is not None
    assert claimed.status == DataSubjectRequest.RUNNING
    assert claimed.attempts == 2
    assert timezone.now() - claimed.heartbeat_at < timedelta(seconds=5)
    assert worker_queue.claim(dsr.pk) is None  # now a live worker holds it


@pytest.mark.django_db
def test_a_dead_workers_request_is_finished_by_the_next_one(member_world, settings):
    settings.WAGTAIL_GDPR_WORKER_LEASE_SECONDS = 60
    dsr = access.request_copy(member_world["member"])
    running(dsr, heartbeat_age=timedelta(minutes=5))

    assert access.build_access_report(dsr.pk) == "done"

    dsr.refresh_from_db()
    assert dsr.status == DataSubjectRequest.DONE
    assert AccessReport.objects.filter(request=dsr).count() == 1


@pytest.mark.django_db
def test_requeue_stuck_sends_a_request_whose_enqueue_was_lost(member_world, settings):
    settings.WAGTAIL_GDPR_WORKER_LEASE_SECONDS = 60
    lost = access.request_copy(member_world["member"])  # on_commit never ran
    busy = access.request_copy(member_world["other"])
    running(busy, heartbeat_age=timedelta(seconds=5))
    assert lost.status == DataSubjectRequest.QUEUED
    assert DataSubjectRequest.objects.get(pk=lost.pk).enqueued_at is None

    assert worker_queue.requeue_stuck() == 1

    lost.refresh_from_db()
    assert lost.status == DataSubjectRequest.DONE
    assert lost.enqueued_at is not None
    assert AccessReport.objects.filter(request=lost).count() == 1
    assert DataSubjectRequest.objects.get(pk=busy.pk).status == DataSubjectRequest.RUNNING
    assert not AccessReport.objects.filter(request=busy).exists()
    assert worker_queue.requeue_stuck() == 0


@pytest.mark.django_db
def test_the_periodic_task_requeues_too(member_world):
    lost = access.request_copy(member_world["member"])
    assert tasks.requeue_stuck_requests.delay().get() == 1
    assert DataSubjectRequest.objects.get(pk=lost.pk).status == DataSubjectRequest.DONE


# -- sections a hook cannot count ------------------------------------------------------------


@pytest.mark.django_db
def test_a_hook_section_without_a_count_still_says_the_rest_is_in_the_csv(member_world, settings):
    settings.WAGTAIL_GDPR_REPORT_HTML_ROWS = 2

    def uncounted(user):
        rows = ([f"event {i}"] for i in range(5))
        return [ReportSection(key="events", name="Events", columns=["Event"], rows=rows)]

    dsr = access.request_copy(member_world["member"])
    with hooks.register_temporarily("wagtail_gdpr_report_sections", uncounted):
        assert access.build_access_report(dsr.pk) == "done"
    opened = open_report(AccessReport.objects.get(request=dsr))

    assert len(opened.csv_rows("events")) == 1 + 5
    section = opened.html_section("Events")
    assert html_rows(section) == 2
    assert "csv/events.csv" in section  # the member is told the other 3 rows exist


def test_two_kinds_of_data_with_one_name_get_files_of_their_own():
    """Two forms with one slug (the site's English and Swedish contact pages) share a name and
    an app; the copy still writes one file each."""
    from types import SimpleNamespace

    contact_en = SimpleNamespace(
        activity_key="wagtailforms.FormSubmission:3", data_name="form contact"
    )
    contact_sv = SimpleNamespace(
        activity_key="wagtailforms.FormSubmission:8", data_name="form contact"
    )
    orders = SimpleNamespace(activity_key="testapp.Order", data_name="orders")

    keys = access.report.data_keys([contact_en, contact_sv, orders])

    assert keys == {
        "wagtailforms.FormSubmission:3": "form-contact-wagtailforms",
        "wagtailforms.FormSubmission:8": "form-contact-wagtailforms-2",
        "testapp.Order": "orders",
    }


@pytest.mark.django_db
def test_a_copy_asked_for_again_too_soon_says_when_in_words(requested):
    member = requested["member"]
    with pytest.raises(RequestRefused) as refused:
        access.request_copy(member)
    request = requested["request"]
    request.refresh_from_db()
    when = readable.in_words(request.completed_at + access.copies.cooldown())
    assert refused.value.message == (
        f"You received a copy recently. You can ask for a new one after {when}."
    )
    assert not re.search(r"\d{4}-\d{2}-\d{2}", refused.value.message)
