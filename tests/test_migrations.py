"""Migrations that move data: what was kept in JSON ends up in the new columns, and back."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("wagtail_gdpr", "0007_privacy_officers_group")]
AFTER = [("wagtail_gdpr", "0008_request_state_columns")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def every_app_at_its_latest():
    """Every app's latest migration: going back in wagtail_gdpr also unapplies the migrations of
    other apps that depend on it (the test app's form pages), and they must come back too."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_schema(django_db_blocker):
    """The schema as of 0007; the latest one again afterwards."""
    latest = every_app_at_its_latest()
    apps = migrate(BEFORE)
    yield apps
    migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_scheduled_moments_and_restriction_state_move_into_columns(old_schema):
    Request = old_schema.get_model("wagtail_gdpr", "DataSubjectRequest")
    User = old_schema.get_model("auth", "User")
    alice = User.objects.create(username="alice")
    when = datetime(2026, 12, 24, 17, 30, tzinfo=UTC)
    scheduled = Request.objects.create(
        kind="erasure", status="scheduled", member_id=alice.pk,
        payload={"execute_after": when.isoformat(), "other": "kept"},
    )  # fmt: skip
    impossible = Request.objects.create(
        kind="erasure", status="scheduled", payload={"execute_after": "2026-02-30T10:00:00+00:00"}
    )
    in_force = Request.objects.create(
        kind="restriction", status="done", member_id=alice.pk,
        payload={"purpose": "newsletter", "reason": "Checking"},
        outcome={"active": True, "purpose": "newsletter", "purpose_name": "Newsletter"},
    )  # fmt: skip
    lifted = Request.objects.create(
        kind="objection", status="done", member_id=alice.pk,
        outcome={"active": False, "purpose": "all"},
    )  # fmt: skip
    waiting = Request.objects.create(
        kind="objection", status="in_review", member_id=alice.pk, payload={"purpose": "profiling"}
    )
    access = Request.objects.create(kind="access", status="done", payload={"note": "x"})
    overridden = Request.objects.create(
        kind="restriction", status="done", member_id=alice.pk,
        payload={"purpose": "newsletter"}, outcome={"active": True, "purpose": "all"},
    )  # fmt: skip
    odd = Request.objects.create(kind="erasure", status="scheduled", payload={"execute_after": 7})

    new = migrate(AFTER).get_model("wagtail_gdpr", "DataSubjectRequest")
    rows = {row.pk: row for row in new.objects.all()}

    assert rows[scheduled.pk].execute_after == when
    assert rows[scheduled.pk].payload == {"other": "kept"}  # one place for each fact
    assert rows[impossible.pk].execute_after is None  # due at once, as it was read before
    assert (rows[in_force.pk].purpose, rows[in_force.pk].in_force) == ("newsletter", True)
    assert rows[in_force.pk].payload == {"reason": "Checking"}
    assert rows[in_force.pk].outcome == {"purpose_name": "Newsletter"}
    assert (rows[lifted.pk].purpose, rows[lifted.pk].in_force) == ("all", False)
    assert (rows[waiting.pk].purpose, rows[waiting.pk].in_force) == ("profiling", False)
    assert rows[access.pk].payload == {"note": "x"} and rows[access.pk].purpose == ""
    # Staff accepted more than the member asked for: both are kept.
    assert (rows[overridden.pk].purpose, rows[overridden.pk].in_force) == ("all", True)
    assert rows[overridden.pk].payload == {"asked_purpose": "newsletter"}
    assert rows[odd.pk].execute_after is None and rows[odd.pk].payload == {}

    # Run again (a retried migration): nothing it wrote is undone.
    from importlib import import_module

    import_module("wagtail_gdpr.migrations.0008_request_state_columns").json_to_columns(
        migrate(AFTER), None
    )
    again = {row.pk: row for row in new.objects.all()}
    for pk in (scheduled.pk, in_force.pk, lifted.pk, overridden.pk):
        assert (again[pk].execute_after, again[pk].purpose, again[pk].in_force) == (
            rows[pk].execute_after, rows[pk].purpose, rows[pk].in_force
        )  # fmt: skip

    # And back: the JSON is whole again.
    old = migrate(BEFORE).get_model("wagtail_gdpr", "DataSubjectRequest")
    back = {row.pk: row for row in old.objects.all()}
    assert back[scheduled.pk].payload == {"other": "kept", "execute_after": when.isoformat()}
    assert back[in_force.pk].outcome["active"] is True
    assert back[in_force.pk].outcome["purpose"] == "newsletter"
    assert back[lifted.pk].outcome["active"] is False
    assert back[waiting.pk].payload == {"purpose": "profiling"}
    assert back[overridden.pk].payload == {"purpose": "newsletter"}
    assert back[overridden.pk].outcome == {"purpose": "all", "active": True}


@pytest.fixture
def schema_0008(django_db_blocker):
    """The schema as of 0008, before notes; the latest one again afterwards."""
    latest = every_app_at_its_latest()
    apps = migrate([("wagtail_gdpr", "0008_request_state_columns")])
    yield apps
    migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_closing_notes_leave_the_outcome_for_notes_an_erasure_empties(schema_0008):
    Request = schema_0008.get_model("wagtail_gdpr", "DataSubjectRequest")
    User = schema_0008.get_model("auth", "User")
    officer = User.objects.create(username="officer")
    done = datetime(2026, 3, 1, 12, tzinfo=UTC)
    closed = Request.objects.create(
        kind="objection", status="done", completed_at=done,
        outcome={"decision": "closed", "by": officer.pk, "note": "Called Bob back."},
    )  # fmt: skip
    gone = Request.objects.create(
        kind="access", status="done", completed_at=done,
        outcome={"decision": "delivered by other means", "by": 999999, "note": "By post"},
    )  # fmt: skip
    plain = Request.objects.create(kind="access", status="done", outcome={"decision": "x"})
    public = Request.objects.create(kind="erasure", status="unverified",
                                    payload={"source": "public_form"})  # fmt: skip

    apps = migrate([("wagtail_gdpr", "0011_closing_notes_out_of_outcome")])
    new = apps.get_model("wagtail_gdpr", "DataSubjectRequest")
    Note = apps.get_model("wagtail_gdpr", "RequestNote")

    assert new.objects.get(pk=closed.pk).outcome == {"decision": "closed", "by": officer.pk}
    note = Note.objects.get(request_id=closed.pk)
    assert (note.text, note.kind, note.author_id, note.created_at) == (
        "Called Bob back.", "internal", officer.pk, done,
    )  # fmt: skip
    assert Note.objects.get(request_id=gone.pk).author_id is None  # the account is gone
    assert not Note.objects.filter(request_id=plain.pk).exists()
    assert new.objects.get(pk=public.pk).received_via == "public_form"
    assert new.objects.get(pk=plain.pk).received_via == "online"

    back = migrate([("wagtail_gdpr", "0008_request_state_columns")]).get_model(
        "wagtail_gdpr", "DataSubjectRequest"
    )
    assert back.objects.get(pk=closed.pk).outcome["note"] == "Called Bob back."
