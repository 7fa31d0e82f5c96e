"""People who are not members (``members = False``): authors, staff bylines, contact persons.

Declared without a member path, they are in the record of processing and under a heading of
their own in the public notice; they are never in a member's consent step, summary, copy or
erasure, even when a member shares their email address.
"""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from tests.access_helpers import (
    clean_cache,  # noqa: F401  (autouse)
    completed_copy,
    make_member,
    open_report,
    private_reports,  # noqa: F401  (autouse)
)
from tests.consent_helpers import add_notice_page, configure, make_purpose
from tests.testapp.models import Author
from wagtail_gdpr import inventory
from wagtail_gdpr.access.summary import live_summary
from wagtail_gdpr.blocks import DataInventoryBlock
from wagtail_gdpr.erasure.plan import build_plan
from wagtail_gdpr.registry import (
    LEGITIMATE_INTERESTS,
    SELF,
    Field,
    PersonalData,
    Retention,
    registry,
)


class Complete(PersonalData):
    members = False
    data_subjects = "Guest speakers"
    purpose = "Naming speakers on event pages"
    lawful_basis = LEGITIMATE_INTERESTS
    how_informed = "The speaker agreement"
    on_request = "The events team edits or removes the speaker"
    kept_while = "Until the event page is archived"
    fields = {"first_name": Field(anonymiser="name")}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"subject": SELF}, "has no subject"),
        ({"data_subjects": PersonalData.data_subjects}, "needs data_subjects"),
        ({"how_informed": ""}, "needs how_informed"),
        ({"on_request": ""}, "needs on_request"),
        ({"kept_while": ""}, "needs a retention rule, or kept_while"),
    ],
    ids=["subject", "data_subjects", "how_informed", "on_request", "retention"],
)
def test_a_declaration_of_other_people_says_who_they_are_and_how_they_are_told(change, message):
    assert Complete(Author).members is False  # the complete one is accepted
    incomplete = type("Incomplete", (Complete,), change)
    with pytest.raises(ImproperlyConfigured, match=message):
        incomplete(Author)


def test_a_retention_rule_can_stand_in_for_kept_while():
    ruled = type(
        "Ruled",
        (Complete,),
        {"kept_while": "", "retention": Retention(years=2, from_field="added_at", reason="r")},
    )
    assert ruled(Author).retention.years == 2


def test_the_registry_keeps_members_and_others_apart():
    members = {d.model_label for d in registry.about_members()}
    others = {d.model_label for d in registry.about_others()}
    assert "testapp.Author" in others
    assert "testapp.Author" not in members
    assert {"testapp.Order", "auth.User"} <= members
    assert members.isdisjoint(others)


@pytest.mark.django_db
def test_the_record_of_processing_lists_other_people_with_who_they_are_and_how_they_are_told():
    entries = {e["model"]: e for e in inventory.build_inventory()}
    author = entries["testapp.Author"]
    assert author["data_subjects"] == "Authors of articles on the site"
    assert author["how_informed"] == "The author agreement each author signs"
    assert "write to the privacy officer" in author["on_request"]
    assert entries["testapp.Order"]["data_subjects"] == "Members of the site"
    as_json = json.loads(inventory.as_json(inventory.build_inventory()))
    assert any(e["model"] == "testapp.Author" for e in as_json["declarations"])
    markdown = inventory.as_markdown(inventory.build_inventory())
    assert "Authors of articles on the site" in markdown


@pytest.mark.django_db
def test_the_notice_shows_other_people_under_their_own_heading_and_the_consent_step_does_not():
    block = DataInventoryBlock()
    html = block.render(block.to_python({"show_fields": True}), context={})
    members_part, others_part = html.split("People who are not members")
    assert "Authors of articles on the site" in others_part
    assert "The author agreement each author signs" in others_part
    assert "Naming who wrote what" not in members_part

    member = make_member("reader")
    notice = add_notice_page()
    configure(notice_page=notice)
    make_purpose("terms", required=True)
    client = Client()
    client.force_login(member)
    step = client.get("/privacy/consent/").content.decode()
    assert "Before you continue" in step
    assert "Naming who wrote what" not in step
    assert "Authors of articles" not in step
    assert "People who are not members" not in step


@pytest.mark.django_db
def test_a_member_who_shares_an_authors_address_never_gets_the_authors_row():
    member = make_member("writer", email="writer@example.com")
    Author.objects.create(first_name="Wilma", last_name="Writer", email="writer@example.com")
    summary = live_summary(member)
    assert "Authors" not in {item.name for item in summary}
    assert "Wilma" not in repr([item.sample for item in summary])

    plan = build_plan(member)
    assert "testapp.Author" not in {item.model for item in plan.items}

    report = open_report(completed_copy(member).report)
    assert "testapp.Author" not in {s["key"] for s in report.data["sections"]}
    assert "Wilma" not in report.index
    assert Author.objects.filter(first_name="Wilma").exists()
