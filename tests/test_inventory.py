"""The record of processing (Art. 30): build_inventory() and the gdpr_inventory command."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.testapp.models import Order
from wagtail_gdpr import inventory
from wagtail_gdpr.registry import CONTRACT, Field, PersonalData, Registry, registry

TESTAPP_MODELS = {
    "testapp.Attachment",
    "testapp.Order",
    "testapp.OrderNote",
    "testapp.Profile",
    "testapp.Visit",
}


def by_model(entries):
    return {entry["model"]: entry for entry in entries}


def erasure_of(entry):
    return {field["name"]: field["erasure"] for field in entry["fields"]}


def run_command(*args):
    out = io.StringIO()
    call_command("gdpr_inventory", *args, stdout=out)
    return out.getvalue()


# -- build_inventory -------------------------------------------------------------------------


# The inventory reads the form pages: each form is a processing activity of its own.
pytestmark = pytest.mark.django_db


def test_inventory_has_one_entry_per_declaration():
    entries = inventory.build_inventory()
    labels = [entry["model"] for entry in entries]
    assert len(labels) == len(set(labels)) == len(registry)
    assert set(labels) == {declaration.model_label for declaration in registry}
    assert set(labels) >= TESTAPP_MODELS | {"auth.User", "wagtailforms.FormSubmission"}


def test_inventory_describes_purpose_basis_recipients_and_retention():
    order = by_model(inventory.build_inventory())["testapp.Order"]
    assert order["name"] == "Orders"
    assert order["purpose"] == "Deliver and bill orders"
    assert order["lawful_basis"] == "contract"
    assert "6(1)(b)" in order["lawful_basis_label"]
    assert order["categories"] == ["Contact details", "Purchases"]
    assert [(r["name"], r["country"], r["outside_eea"]) for r in order["recipients"]] == [
        ("Payment provider", "SE", False),
        ("Carrier", "DE", False),
    ]
    assert order["transfers"] == []
    assert order["automated_decisions"] is None
    assert order["automated_decisions_in_words"].startswith("No decision")
    assert order["special_categories"] is None
    assert order["subject"] == "customer"
    assert order["email_field"] == "email"
    assert order["on_erasure_request"] == "anonymise"
    assert order["retained_by_law"] == "Bookkeeping Act: accounting records are kept for 7 years"
    assert order["retention"] == {
        "period": "7 years",
        "years": 7,
        "months": 0,
        "days": 0,
        "counted_from": "created_at",
        "counted_from_label": "created at",
        "counted": "from_the_date",
        "event": "",
        "in_words": "7 years, counted from “Created at”",
        "then": "delete",
        "reason": "Bookkeeping Act",
    }


def test_inventory_without_retention_or_legal_hold():
    entries = by_model(inventory.build_inventory())
    profile = entries["testapp.Profile"]
    assert profile["retention"] is None
    assert profile["retained_by_law"] is None
    assert profile["lawful_basis"] == "contract"
    visit = entries["testapp.Visit"]
    assert visit["lawful_basis"] == "legitimate_interests"
    assert visit["retention"]["period"] == "12 months"
    assert visit["retention"]["counted_from"] == "visited_at"
    assert entries["testapp.Attachment"]["lawful_basis"] == "consent"


def test_inventory_gives_each_fields_erasure_action():
    entries = by_model(inventory.build_inventory())
    assert erasure_of(entries["testapp.Order"]) == {
        "email": "anonymise:email",
        "shipping_address": "anonymise:text",
        "total": "keep",
        "created_at": "keep",
    }
    # Rows deleted on erasure: every field goes with the row, whatever its anonymiser.
    assert erasure_of(entries["testapp.Profile"]) == dict.fromkeys(
        ["nickname", "display_name", "phone", "birth_date"], "delete"
    )
    assert erasure_of(entries["testapp.OrderNote"]) == {"text": "delete", "created_at": "delete"}
    assert erasure_of(entries["testapp.Attachment"]) == {
        "upload": "anonymise:file",
        "uploaded_at": "keep",
    }
    assert set(erasure_of(entries["auth.User"]).values()) == {"delete"}


def test_inventory_fields_carry_label_anonymiser_and_correction():
    order = by_model(inventory.build_inventory())["testapp.Order"]
    fields = {field["name"]: field for field in order["fields"]}
    assert fields["email"]["label"] == "Email"
    assert fields["email"]["anonymiser"] == "email"
    assert fields["email"]["anonymised_as"] == "replaced by an address that reaches nobody"
    assert fields["shipping_address"]["correction"] == "reviewed"
    assert fields["total"]["anonymiser"] is None
    assert fields["total"]["anonymised_as"] is None
    assert fields["total"]["correction"] is None


def test_inventory_is_valid_json_as_built():
    entries = inventory.build_inventory()
    assert json.loads(json.dumps(entries)) == entries


# -- the management command ------------------------------------------------------------------


@pytest.mark.django_db
def test_command_json():
    data = json.loads(run_command("--format=json"))
    assert data["version"] == 2
    assert data["declarations"] == inventory.build_inventory()


@pytest.mark.django_db
def test_command_json_via_keyword_option():
    out = io.StringIO()
    call_command("gdpr_inventory", format="json", stdout=out)
    assert json.loads(out.getvalue())["declarations"] == inventory.build_inventory()


@pytest.mark.django_db
def test_command_csv_has_one_row_per_declared_field():
    every_row = list(csv.DictReader(io.StringIO(run_command("--format", "csv"))))
    rows = [row for row in every_row if row["field"] and not row["not_personal_because"]]
    assert len(rows) == sum(len(declaration.fields) for declaration in registry)
    assert {(row["model"], row["field"]) for row in rows} == {
        (declaration.model_label, name) for declaration in registry for name in declaration.fields
    }
    email = next(r for r in rows if r["model"] == "testapp.Order" and r["field"] == "email")
    assert email["erasure"] == "anonymise:email"
    assert email["lawful_basis"] == "contract"
    assert email["categories"] == "Contact details; Purchases"
    assert email["recipients"] == "Payment provider (Sweden); Carrier (Germany)"
    assert "7 years" in email["retention"]
    assert "Bookkeeping Act" in email["retention"]
    assert email["retained_by_law"].startswith("Bookkeeping Act")
    phone = next(r for r in rows if r["model"] == "testapp.Profile" and r["field"] == "phone")
    assert phone["erasure"] == "delete"
    assert phone["correction"] == "direct"
    assert phone["retention"] == ""
    assert email["data_subjects"] == "Members of the site"
    # Then each field said not to be personal data, with the site's reason.
    [organisation] = [row for row in every_row if not row["model"]]
    assert set(organisation) >= {"controller", "data_protection_officer", "security_measures"}
    excluded = {
        (row["model"], row["field"]): row["not_personal_because"]
        for row in every_row
        if row["not_personal_because"]
    }
    shop = excluded["testapp.Shop", "contact_email"]
    assert shop == "A company's shared mailbox, not a person's."
    assert excluded["testapp.Branch", "address"] == "The branch's own street address."
    assert excluded["testapp.Booking", "origin"] == "Declared by the tests that use it."
    assert len(excluded) == 8  # testapp/gdpr.py excludes eight fields


@pytest.mark.django_db
def test_command_markdown_has_a_heading_per_model():
    text = run_command()  # markdown is the default
    assert text.startswith("# Record of processing activities")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Controller, data protection officer and security",
        *(f"## {d.display_name} (`{d.model_label}`)" for d in registry),
        "## Fields that are not personal data",
    ]
    assert "| `testapp.Shop.contact_email` | Contact email | A company's shared mailbox" in text
    assert "| `email` | Email | anonymise:email | — |" in text
    assert "| `shipping_address` | Shipping address | anonymise:text | reviewed |" in text


@pytest.mark.django_db
def test_markdown_escapes_table_breaking_text(monkeypatch):
    class PipeOrderData(PersonalData):
        subject = "customer"
        purpose = "Bill | ship\nand deliver"
        lawful_basis = CONTRACT
        fields = {"total": Field(label="Net | gross")}

    own = Registry()
    own.register(Order, PipeOrderData)
    monkeypatch.setattr(inventory, "registry", own)

    text = run_command("--format=markdown")
    assert "Bill \\| ship and deliver" in text
    table_rows = [line for line in text.splitlines() if line.startswith("| `total`")]
    assert table_rows == ["| `total` | Net \\| gross | delete | — |"]


@pytest.mark.django_db
@pytest.mark.parametrize("output_format", ["json", "csv", "markdown"])
def test_command_output_writes_a_file(tmp_path, output_format):
    target = tmp_path / f"inventory.{output_format}"
    printed = run_command(f"--format={output_format}", "--output", str(target))
    assert printed == ""
    written = target.read_bytes().decode("utf-8")  # byte for byte: CSV keeps its CRLF
    assert written == inventory.FORMATS[output_format](inventory.build_inventory())
    assert "testapp.Order" in written


def test_command_refuses_an_unknown_format():
    with pytest.raises(CommandError, match="invalid choice: 'xml'"):
        run_command("--format=xml")


def test_call_command_with_an_unknown_format_is_refused_clearly():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Unknown format 'xml'"):
        call_command("gdpr_inventory", format="xml")
