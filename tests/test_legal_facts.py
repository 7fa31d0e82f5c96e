"""The facts the law asks for, carried by the registry and told by every reader: recipients and
their countries, transfers outside the EEA and their safeguards (Art. 13(1)(f), 15(2), 44-49),
automated decisions and profiling (Art. 13(2)(f), 15(1)(h), 22), special categories (Art. 9) and
the rest of a complete record of processing (Art. 30(1)(a)-(g))."""

import csv
import html
import io
import json
import re

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client

from tests.access_helpers import (
    centre,  # noqa: F401  (fixture)
    clean_cache,  # noqa: F401  (autouse)
    completed_copy,
    configure,
    make_member,
    open_report,
    private_reports,  # noqa: F401  (autouse)
    url_of,
)
from tests.consent_helpers import publish_notice, stream
from tests.testapp.models import Visit
from wagtail_gdpr import checks as gdpr_checks
from wagtail_gdpr import inventory
from wagtail_gdpr.models import AccessReport
from wagtail_gdpr.registry import (
    ADEQUACY,
    CONSENT,
    CONTRACT,
    EXPLICIT_CONSENT,
    HEALTH_OR_SOCIAL_CARE,
    STANDARD_CLAUSES,
    AutomatedDecisions,
    Field,
    PersonalData,
    Recipient,
    Registry,
    registry,
)

SURVEY_TOOL = Recipient(
    "Survey tool",
    country="US",
    safeguard=STANDARD_CLAUSES,
    safeguard_details="the Commission's 2021 clauses, module two",
    how_to_get_a_copy="ask dpo@example.com",
)
PROFILING = AutomatedDecisions(
    logic="We pick survey questions from what you ordered",
    significance="It decides which questions you see, nothing else",
    consequences="You may get questions about what you bought",
)


def declare(**attributes):
    """Register a declaration of ``Visit`` with these attributes; the error, if refused."""
    attributes = {
        "subject": "user",
        "purpose": "Security",
        "lawful_basis": CONTRACT,
        "fields": {"ip_address": Field()},
        **attributes,
    }
    own = Registry()
    own.register(Visit, type("VisitData", (PersonalData,), attributes))
    return own.get(Visit)


@pytest.fixture
def facts(monkeypatch):
    """The test app's visits sent to a US survey tool under clauses, and profiled."""
    visits = registry.get(Visit)
    monkeypatch.setattr(visits, "recipients", [Recipient("Hosting", country="SE"), SURVEY_TOOL])
    monkeypatch.setattr(visits, "automated_decisions", PROFILING)
    monkeypatch.setattr(visits, "special_categories", ["Health"])
    monkeypatch.setattr(visits, "special_category_ground", HEALTH_OR_SOCIAL_CARE)
    return visits


# -- validation --------------------------------------------------------------------------------


def test_a_transfer_outside_the_eea_without_a_safeguard_is_refused():
    with pytest.raises(ImproperlyConfigured, match="outside the EEA: the transfer needs a safe"):
        declare(recipients=[Recipient("Survey tool", country="US")])
    with pytest.raises(ImproperlyConfigured, match="needs safeguard_details .* how_to_get_a_copy"):
        declare(recipients=[Recipient("Survey tool", country="US", safeguard=ADEQUACY)])
    with pytest.raises(ImproperlyConfigured, match="'XX' is not an ISO 3166-1 country code"):
        declare(recipients=[Recipient("Somewhere", country="XX")])
    declare(recipients=[SURVEY_TOOL, Recipient("Carrier", country="NO")])  # Norway: in the EEA


def test_special_categories_need_a_ground_and_explicit_consent_a_purpose():
    with pytest.raises(ImproperlyConfigured, match="need special_category_ground"):
        declare(special_categories=["Health"])
    with pytest.raises(ImproperlyConfigured, match="needs explicit_consent_purpose"):
        declare(special_categories=["Health"], special_category_ground=EXPLICIT_CONSENT)
    with pytest.raises(ImproperlyConfigured, match="need lawful_basis=CONSENT"):
        declare(
            special_categories=["Health"],
            special_category_ground=EXPLICIT_CONSENT,
            explicit_consent_purpose="health-data",
        )
    with pytest.raises(ImproperlyConfigured, match="only for special_categories"):
        declare(special_category_ground=HEALTH_OR_SOCIAL_CARE)
    declare(
        special_categories=["Health"],
        special_category_ground=EXPLICIT_CONSENT,
        explicit_consent_purpose="health-data",
        lawful_basis=CONSENT,
    )


def test_automated_decisions_must_be_explained():
    with pytest.raises(ImproperlyConfigured, match="automated_decisions needs significance"):
        declare(automated_decisions=AutomatedDecisions("How", "", "What follows"))


def test_the_check_reports_a_recipient_without_a_country(monkeypatch):
    monkeypatch.setattr(registry.get(Visit), "recipients", [Recipient("Analytics", country="")])
    warnings = gdpr_checks.check_recipients_have_a_country()
    assert [w.id for w in warnings] == [gdpr_checks.RECIPIENT_WITHOUT_COUNTRY]
    assert "'Analytics' has no country" in warnings[0].msg
    assert isinstance(warnings[0], checks.Warning)


def test_a_plain_string_recipient_is_one_whose_country_is_not_said():
    [recipient] = declare(recipients=["Old style recipient"]).recipients
    assert recipient == Recipient("Old style recipient", country="")
    assert str(recipient) == "Old style recipient" and not recipient.is_transfer


# -- the record of processing (Art. 30) ---------------------------------------------------------


@pytest.mark.django_db
def test_the_record_of_processing_is_complete_in_every_format(facts):
    configure(
        controller_name="Shop AB",
        controller_contact="Storgatan 1, Uppsala",
        dpo_name="Dana",
        dpo_email="dpo@example.com",
        security_measures="Encrypted disks; two-factor login for staff.",
    )
    out = io.StringIO()
    call_command("gdpr_inventory", "--format=json", stdout=out)
    record = json.loads(out.getvalue())
    assert record["controller"] == {"name": "Shop AB", "contact": "Storgatan 1, Uppsala"}  # (a)
    assert record["data_protection_officer"] == {"name": "Dana", "email": "dpo@example.com"}
    assert record["security_measures"] == "Encrypted disks; two-factor login for staff."  # (g)
    visit = next(d for d in record["declarations"] if d["model"] == "testapp.Visit")
    assert visit["purpose"] == "Security of your account"  # (b)
    assert visit["data_subjects"] == "Members of the site"  # (c)
    assert [(r["name"], r["country"], r["outside_eea"]) for r in visit["recipients"]] == [
        ("Hosting", "SE", False),
        ("Survey tool", "US", True),
    ]  # (d)
    [transfer] = visit["transfers"]  # (e)
    assert transfer["country_name"] == "United States"
    assert transfer["safeguard"] == STANDARD_CLAUSES
    assert "46(2)(c)" in transfer["safeguard_label"]
    assert transfer["how_to_get_a_copy"] == "ask dpo@example.com"
    assert visit["retention"]["in_words"] == "12 months, counted from “Visited at”"  # (f)
    assert visit["automated_decisions"]["logic"] == PROFILING.logic
    assert visit["special_categories"]["categories"] == ["Health"]

    markdown = inventory.as_markdown(inventory.build_inventory())
    assert "**Controller:** Shop AB Storgatan 1, Uppsala" in markdown
    assert "**Data protection officer:** Dana dpo@example.com" in markdown
    assert "**Security measures:** Encrypted disks" in markdown
    assert "Survey tool: United States, Standard data protection clauses" in markdown
    assert "**Automated decisions and profiling:** Profiling. How: We pick survey" in markdown
    assert "**Special categories (GDPR Art. 9):** Health (Health or social care" in markdown

    rows = list(csv.DictReader(io.StringIO(inventory.as_csv(inventory.build_inventory()))))
    assert rows[0]["controller"] == "Shop AB Storgatan 1, Uppsala"
    assert rows[0]["security_measures"].startswith("Encrypted disks")
    ip = next(r for r in rows if r["model"] == "testapp.Visit" and r["field"] == "ip_address")
    assert ip["recipients"] == "Hosting (Sweden); Survey tool (United States)"
    assert ip["transfers"].startswith("Survey tool: United States")
    assert ip["automated_decisions"].startswith("Profiling.")
    assert ip["special_categories"].startswith("Health")


@pytest.mark.django_db
def test_the_record_says_when_the_controller_is_not_filled_in():
    text = inventory.as_markdown(inventory.build_inventory())
    assert "**Controller:** — (not filled in: privacy settings)" in text


# -- every reader --------------------------------------------------------------------------------


def _text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.mark.django_db
def test_every_reader_tells_recipients_transfers_and_automated_decisions(facts, centre):  # noqa: F811
    member = make_member("member")
    Visit.objects.create(user=member, ip_address="203.0.113.0")
    notice = publish_notice(
        body=stream(("data_inventory", {"heading": "What we keep", "show_fields": True}))
    )
    client = Client()
    client.force_login(member)

    readers = {
        "notice": _text(client.get(notice.get_url()).content.decode()),
        "consent step": _text(client.get("/privacy/consent/").content.decode()),
        "my data": _text(client.get(url_of(centre, "data/")).content.decode()),
        "copy": _text(open_report(AccessReport.objects.get(request=completed_copy(member))).index),
    }
    for reader, text in readers.items():
        assert "Survey tool (United States)" in text, reader
        assert "Survey tool, in United States, outside the EEA" in text, reader
        assert "Standard data protection clauses (GDPR Art. 46(2)(c))" in text, reader
        assert "A copy of it: ask dpo@example.com" in text, reader
        assert "We pick survey questions from what you ordered" in text, reader
        assert "It decides which questions you see, nothing else" in text, reader
        assert "You may get questions about what you bought" in text, reader
        assert "Health or social care (GDPR Art. 9(2)(h))" in text, reader
        # Where there is none, it is said: not left out.
        assert "No decision about you is made by automated means" in text, reader
