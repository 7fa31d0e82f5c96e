"""Members read their data in words: labels for related records, display values for codes, Yes
and No, times in their zone with the zone; machines get ISO 8601 with offsets and codes beside
labels; files and keys name the data."""

import re
import zoneinfo
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone, translation

from tests.access_helpers import (
    centre,  # noqa: F401  (fixture)
    clean_cache,  # noqa: F401  (autouse)
    completed_copy,
    make_member,
    make_purpose,
    open_report,
    private_reports,  # noqa: F401  (autouse)
    url_of,
)
from tests.testapp.models import Order, OrderNote, Profile, Visit
from wagtail_gdpr import activity, consent, readable, rectification
from wagtail_gdpr.access import summary
from wagtail_gdpr.models import AccessReport, ConsentRecord, DataSubjectRequest, MemberActivity
from wagtail_gdpr.registry import CONTRACT, Field, PersonalData, Registry, registry

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
#: 18:37:27.598536 UTC is 19:37 in Stockholm in winter.
WINTER_EVENING = datetime(2026, 12, 1, 18, 37, 27, 598536, tzinfo=UTC)


# -- single values -----------------------------------------------------------------------------


def test_a_time_is_in_the_readers_zone_with_the_zone_and_without_microseconds():
    with timezone.override(STOCKHOLM), translation.override("en"):
        text = readable.moment(WINTER_EVENING)
    assert text == "Dec. 1, 2026, 7:37 p.m. CET"
    with timezone.override(STOCKHOLM), translation.override("sv"):
        assert readable.moment(WINTER_EVENING) == "1 december 2026 19:37 CET"
    with timezone.override(zoneinfo.ZoneInfo("America/New_York")), translation.override("en"):
        assert readable.moment(WINTER_EVENING) == "Dec. 1, 2026, 1:37 p.m. EST"


def test_values_in_words_never_show_a_repr():
    with translation.override("en"):
        assert readable.in_words(True) == "Yes"
        assert readable.in_words(False) == "No"
        assert readable.in_words(None) == "—"
        assert readable.in_words(Decimal("1299.00")) == "1299.00"
        assert readable.in_words({"name": "Alice", "post_code": "753 20"}) == (
            "Name: Alice; Post code: 753 20"
        )
        assert readable.in_words(["a", 2]) == "a, 2"
        assert readable.in_words(date(2033, 1, 1)) == "Jan. 1, 2033"


def test_machines_get_iso_8601_with_the_offset_and_no_microseconds():
    with timezone.override(STOCKHOLM):
        assert readable.for_machines(WINTER_EVENING) == "2026-12-01T19:37:27+01:00"
        assert readable.for_spreadsheets(WINTER_EVENING) == "2026-12-01 19:37:27+01:00"
    assert readable.for_machines(Decimal("12.50")) == "12.50"
    assert readable.for_machines(date(2033, 1, 1)) == "2033-01-01"


def test_a_shortened_network_address_is_said_to_be_shortened():
    assert readable.ip_in_words("203.0.113.0") == "203.0.113.0 (shortened)"
    assert readable.ip_in_words("2001:db8:85a3::") == "2001:db8:85a3:: (shortened)"
    assert readable.ip_in_words("203.0.113.77") == "203.0.113.77"  # stored whole: not claimed
    assert readable.ip_in_words(None) == "—"
    assert "last part is set to zero" in str(readable.SHORTENED_IP_NOTE)


@pytest.mark.django_db
def test_activity_details_and_request_details_are_words():
    make_purpose("newsletter", name="Newsletter")
    with translation.override("en"):
        assert readable.activity_detail_in_words("access #12") == "Copy of my data (access)"
        assert readable.activity_detail_in_words("newsletter: withdrawn") == (
            "Newsletter: consent withdrawn"
        )
        assert readable.activity_detail_in_words("Profile.phone") == "Profiles: Phone"
        assert readable.activity_detail_in_words("erasure confirmation") == (
            "When confirming an erasure"
        )
        details = readable.request_details_in_words(
            {"model": "testapp.Profile", "pk": 7, "field": "phone", "label": "Phone",
             "old": "1", "proposed": "2", "reason": "I moved"}
        )  # fmt: skip
    assert details == "Phone: from “1” to “2”; Your reason: I moved"
    assert "testapp" not in details and "7" not in details


# -- the columns of a declaration ---------------------------------------------------------------


@pytest.mark.django_db
def test_related_records_show_their_label_never_their_id():
    member = make_member("member")
    order = Order.objects.create(customer=member, shipping_address="Storgatan 12")
    OrderNote.objects.create(order=order, text="Leave it at the door")

    class NoteData(PersonalData):
        subject = "order__customer"
        purpose = "Notes"
        lawful_basis = CONTRACT
        fields = {"order": Field(label="Order", shows="shipping_address"), "text": Field()}

    own = Registry()
    own.register(OrderNote, NoteData)
    columns = readable.Columns(own.get(OrderNote))
    rows = list(OrderNote.objects.values_list(*columns.values_names()))
    columns.prepare(rows)
    assert columns.for_people(rows[0]) == ["Storgatan 12", "Leave it at the door"]
    assert columns.for_machines(rows[0])[0] == {"id": order.pk, "label": "Storgatan 12"}

    # Without shows=, the related object's __str__: a member by their username.
    order_columns = readable.Columns(registry.get(Order))

    class OrderWithCustomer(PersonalData):
        subject = "customer"
        purpose = "Orders"
        lawful_basis = CONTRACT
        fields = {"customer": Field(label="Member"), "total": Field()}

    own.register(Order, OrderWithCustomer)
    order_columns = readable.Columns(own.get(Order))
    rows = list(Order.objects.values_list(*order_columns.values_names()))
    order_columns.prepare(rows)
    assert order_columns.for_people(rows[0])[0] == "member"


def test_shows_must_name_a_field_of_the_related_model():
    class Broken(PersonalData):
        subject = "order__customer"
        purpose = "Notes"
        lawful_basis = CONTRACT
        fields = {"order": Field(shows="reference")}

    with pytest.raises(Exception, match="shows='reference' is not a field of testapp.Order"):
        Registry().register(OrderNote, Broken)


@pytest.mark.django_db
def test_my_data_shows_choices_booleans_times_and_labels_in_words(client, centre):  # noqa: F811
    member = make_member("member")
    purpose = make_purpose("newsletter", name="Newsletter")
    consent.give(member, purpose, source=ConsentRecord.SOURCE_PRIVACY_CENTRE)
    activity.record(member, MemberActivity.LOGIN_FAILED)
    Visit.objects.create(user=member, ip_address="203.0.113.0")
    client.force_login(member)

    with timezone.override(STOCKHOLM):
        page = client.get(url_of(centre, "data/")).content.decode()

    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Wrong password entered" in text and "login_failed" not in text
    assert "Logged in" in text  # force_login records a login
    assert "consent given" in text and ">given<" not in page
    assert "privacy centre" in text and "privacy_centre" not in text
    assert "Newsletter" in text and "Purpose 1" not in text
    assert "Yes" in text and "True" not in text  # "Agreed" of the current choice
    assert "203.0.113.0 (shortened)" in text
    assert "last part is set to zero" in text
    assert re.search(r"\d{1,2}(:\d{2})? [ap]\.m\. CES?T", text), text
    assert "English" in text  # the language of the text agreed to, not "en"
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d+", text)


@pytest.mark.django_db
def test_the_summary_gives_each_kept_record_its_own_date():
    member = make_member("member")
    for year in (2021, 2024):
        Order.objects.create(customer=member, created_at=datetime(year, 3, 1, 12, tzinfo=UTC))
    [orders] = [item for item in summary.live_summary(member) if item.name == "Orders"]
    assert orders.columns[-1] == "Kept until"
    assert sorted(row[-1] for row in orders.sample) == ["March 1, 2028", "March 1, 2031"]


# -- the copy ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_copy_is_for_people_in_index_html_and_for_machines_in_data_json():
    member = make_member("member")
    purpose = make_purpose("newsletter", name="Newsletter", text="Send me the newsletter.")
    consent.give(member, purpose, source=ConsentRecord.SOURCE_GATE)
    activity.record(member, MemberActivity.LOGIN_FAILED)
    with timezone.override(STOCKHOLM):
        dsr = completed_copy(member)
    opened = open_report(AccessReport.objects.get(request=dsr))

    index = opened.index
    assert "Wrong password entered" in index and "login_failed" not in index
    assert "consent step at login" in index
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d+", index)
    # The consent history: the words first, their fingerprint after them.
    history = index.split("Your consent history", 1)[1].split("</table>", 1)[0]
    assert history.index("Send me the newsletter.") < history.index(consent.text_sha256(
        "Send me the newsletter."))  # fmt: skip

    activity_section = opened.section("wagtail_gdpr.MemberActivity")
    assert opened.section("wagtail_gdpr.MemberActivity")["key"] == "member-activity"
    kinds = [row[activity_section["fields"].index("kind")] for row in activity_section["rows"]]
    assert {"code": "login_failed", "label": "Wrong password entered"} in kinds
    times = [
        row[activity_section["fields"].index("created_at")] for row in activity_section["rows"]
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00", t) for t in times), times
    [given] = opened.data["consent_history"]
    assert given["action"] == {"code": "given", "label": "consent given"}
    assert given["text"] == "Send me the newsletter."
    assert "csv/member-activity.csv" in opened.files
    csv_kinds = [row[1] for row in opened.csv_rows("member-activity")[1:]]
    assert "Wrong password entered" in csv_kinds


@pytest.mark.django_db
def test_a_proposed_correction_reads_as_words_in_the_copy():
    member = make_member("member")
    profile = Profile.objects.create(user=member, birth_date=date(1990, 1, 2))
    rectification.propose(member, "testapp.Profile", profile.pk, "birth_date", "1990-02-01", "Typo")
    dsr = completed_copy(member)
    opened = open_report(AccessReport.objects.get(request=dsr))
    requests = opened.html_section("Your privacy requests")
    assert "Birth date: from “Jan. 2, 1990” to “Feb. 1, 1990”; Your reason: Typo" in requests
    assert "testapp.Profile" not in requests and "Being reviewed by staff" in requests
    assert DataSubjectRequest.objects.filter(member=member).count() == 2


# -- the notice as text ------------------------------------------------------------------------


def test_a_notice_kept_as_the_editors_json_is_shown_as_text():
    old = (
        '{"body": [{"id": "1f2e", "type": "heading", "value": "Who we are"}, {"id": "9a", '
        '"type": "paragraph", "value": "<p>We run <b>the shop</b>.</p>"}, {"id": "c3", '
        '"type": "data_inventory", "value": {"heading": "What we keep", "show_fields": true}}], '
        '"summary": "In short.", "title": "Privacy notice"}'
    )
    assert readable.shown_text(old) == (
        "Privacy notice\n\nIn short.\n\nWho we are\n\nWe run the shop.\n\nWhat we keep"
    )
    assert readable.shown_text("Already plain text.") == "Already plain text."


@pytest.mark.django_db
def test_withdrawing_shows_a_confirmation(client, centre):  # noqa: F811
    member = make_member("member")
    purpose = make_purpose("newsletter", name="Newsletter")
    consent.give(member, purpose, source=ConsentRecord.SOURCE_API)
    client.force_login(member)
    back = url_of(centre, "consents/")

    response = client.post(
        "/privacy/consent/newsletter/",
        {
            "action": "withdraw",
            "version": purpose.version,
            "text_sha256": consent.text_sha256(purpose.text),
            "next": back,
            "source": "privacy_centre",
        },
        follow=True,
    )

    assert not consent.has_consent(member, "newsletter")
    shown = [str(m) for m in get_messages(response.wsgi_request)] or [
        line for line in response.content.decode().splitlines() if "You withdrew" in line
    ]
    assert any("You withdrew your consent to “Newsletter” on" in m for m in shown), shown
    page = response.content.decode()
    assert "You withdrew your consent to “Newsletter” on" in page
    assert "We no longer use your data for it" in page
