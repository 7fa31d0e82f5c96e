"""Connectors without a worker: signing, the endpoint rule, the protocol's schemas, answers,
the outbox, the copy's wait and deadline, the callback view, and connectors as recipients."""

import io
import json
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry

from example_site.crm import receiver
from tests.access_helpers import (
    add_privacy_centre,
    clean_cache,  # noqa: F401 (autouse: throttles start afresh)
)
from tests.connector_helpers import validate
from wagtail_gdpr import access, audit, connected_systems, erasure, inventory
from wagtail_gdpr.access import report
from wagtail_gdpr.connectors import answers, callbacks, delivery, in_words, outbox, signing, sweep
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.models import (
    ConnectorEvent,
    DataSubjectRequest,
    RequestNote,
    VerifiedEmail,
)
from wagtail_gdpr.registry import registry

SECRET = "s3cret"
NOWHERE = "http://127.0.0.1:1/gdpr/"  # nothing listens on port 1


def system(**values) -> dict:
    return {"key": "crm", "name": "Our customer service system", "endpoint": NOWHERE,
            "secret": SECRET, "retry_base_seconds": 1, "country": "SE", **values}  # fmt: skip


@pytest.fixture
def connector(settings):
    settings.WAGTAIL_GDPR_CONNECTORS = [system()]
    return connected_systems.get("crm")


def member(username="alice"):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw")
    VerifiedEmail.objects.create(user=user, email=user.email)
    return user


# -- signing -------------------------------------------------------------------------------


def test_a_signature_verifies_and_any_change_is_refused():
    body = b'{"id":"1"}'
    header = signing.sign(SECRET, body, timestamp=1_700_000_000)
    assert signing.verify(SECRET, header, body, tolerance=300, now=1_700_000_100) == 1_700_000_000
    with pytest.raises(signing.BadSignature):
        signing.verify(SECRET, header, b'{"id":"2"}', tolerance=300, now=1_700_000_100)
    with pytest.raises(signing.BadSignature):
        signing.verify("other", header, body, tolerance=300, now=1_700_000_100)
    with pytest.raises(signing.BadSignature, match="too long ago"):
        signing.verify(SECRET, header, body, tolerance=300, now=1_700_000_301)
    forged_time = header.replace("t=1700000000", "t=1700000200")
    with pytest.raises(signing.BadSignature):
        signing.verify(SECRET, forged_time, body, tolerance=300, now=1_700_000_200)
    for malformed in ("", "v1=abc", "t=12", "t=x,v1=abc"):
        with pytest.raises(signing.BadSignature):
            signing.verify(SECRET, malformed, body, tolerance=300)


def test_the_reference_receiver_and_the_add_on_sign_alike():
    body = b'{"id":"1","type":"access"}'
    header = receiver.sign(SECRET, body)
    assert signing.verify(SECRET, header, body, tolerance=300)
    seen = set()

    def once(value):
        found = value in seen
        seen.add(value)
        return found

    assert receiver.verify(SECRET, signing.sign(SECRET, body), body, seen=once)["type"] == "access"
    replay = signing.sign(SECRET, body, timestamp=int(time.time()) - 1)
    receiver.verify(SECRET, replay, body, seen=once)
    with pytest.raises(receiver.Refused) as refused:
        receiver.verify(SECRET, replay, body, seen=once)
    assert refused.value.status == 409
    with pytest.raises(receiver.Refused) as refused:
        receiver.verify(SECRET, signing.sign(SECRET, body, timestamp=1), body, seen=once)
    assert refused.value.status == 401


# -- where events may go ---------------------------------------------------------------------


def test_only_https_except_this_machine_in_debug(settings):
    settings.WAGTAIL_GDPR_CONNECTOR_LOCAL_HTTP = None
    settings.DEBUG = False
    assert connected_systems.endpoint_problem("https://crm.example.com/gdpr") is None
    assert connected_systems.endpoint_problem("http://crm.example.com/gdpr")
    assert connected_systems.endpoint_problem("http://localhost:8000/crm/")
    assert connected_systems.endpoint_problem("https://user:pw@crm.example.com/")
    assert connected_systems.endpoint_problem("ftp://crm.example.com/")
    settings.DEBUG = True
    assert connected_systems.endpoint_problem("http://localhost:8000/crm/") is None
    assert connected_systems.endpoint_problem("http://127.0.0.1:8000/crm/") is None
    assert connected_systems.endpoint_problem("http://crm.example.com/gdpr")


def test_the_system_check_warns_of_an_endpoint_that_is_not_https_outside_debug(settings):
    from django.core import checks

    from wagtail_gdpr.checks import check_connector_endpoints

    settings.WAGTAIL_GDPR_CONNECTOR_LOCAL_HTTP = None
    settings.DEBUG = False
    settings.WAGTAIL_GDPR_CONNECTORS = [
        system(endpoint="http://crm.example.com/gdpr/"),
        system(key="erp", endpoint="https://erp.example.com/gdpr/"),
        system(key="desk", endpoint="http://localhost:8000/desk/"),
    ]
    errors = check_connector_endpoints()
    refused = ("wagtail_gdpr.W004", checks.WARNING)
    assert [(error.id, error.level) for error in errors] == [refused, refused]
    assert "'crm'" in errors[0].msg and "'desk'" in errors[1].msg
    assert "https" in errors[0].hint
    # Django's own check run (manage.py check, migrate) reports them with the gdpr tag, as
    # warnings: they never stop migrate (`check --fail-level WARNING` can make them fail).
    assert {error.id for error in checks.run_checks(tags=["gdpr"])} >= {"wagtail_gdpr.W004"}
    # In DEBUG, plain http to this machine is allowed; to another host, never.
    settings.DEBUG = True
    assert [error.msg for error in check_connector_endpoints()] == [errors[0].msg]
    settings.WAGTAIL_GDPR_CONNECTORS = [system(endpoint="https://crm.example.com/gdpr/")]
    settings.DEBUG = False
    assert check_connector_endpoints() == []
    # An incomplete declaration is a warning of its own, not a crash of the check.
    settings.WAGTAIL_GDPR_CONNECTORS = [{"key": "crm", "name": "Our customer service system"}]
    [incomplete] = check_connector_endpoints()
    assert incomplete.id == "wagtail_gdpr.W005" and "'endpoint'" in incomplete.msg


@pytest.mark.django_db
def test_the_admin_refuses_an_endpoint_that_is_not_https(settings):
    from wagtail_gdpr.models import Connector

    settings.WAGTAIL_GDPR_CONNECTOR_LOCAL_HTTP = None
    settings.DEBUG = False
    staff = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
    client = Client()
    client.force_login(staff)
    url = "/admin/wagtail_gdpr/connector/create/"
    form = {"key": "erp", "name": "Our invoicing system", "secret": "x", "takes_access": "on",
            "timeout_seconds": 10, "max_attempts": 8, "retry_base_seconds": 30,
            "answer_within_hours": 72, "country": "SE", "enabled": "on"}  # fmt: skip
    for refused in ("http://erp.example.com/gdpr/", "http://localhost:8000/gdpr/",
                    "https://user:pw@erp.example.com/gdpr/"):  # fmt: skip
        response = client.post(url, {**form, "endpoint": refused})
        assert response.status_code == 200, refused
        assert "Only https addresses are allowed" in response.content.decode()
    assert not Connector.objects.exists()
    response = client.post(url, {**form, "endpoint": "https://erp.example.com/gdpr/"})
    assert response.status_code == 302
    assert Connector.objects.get().endpoint == "https://erp.example.com/gdpr/"


@pytest.mark.django_db
def test_an_http_endpoint_elsewhere_is_never_called(settings, django_capture_on_commit_callbacks):
    settings.WAGTAIL_GDPR_CONNECTORS = [system(endpoint="http://crm.example.com/gdpr")]
    user = member()
    add_privacy_centre()
    with django_capture_on_commit_callbacks(execute=True):
        dsr = access.request_copy(user)
    event = ConnectorEvent.objects.get(request=dsr)
    assert event.status == "undeliverable" and event.attempts == 0
    assert "https" in event.last_error
    dsr.refresh_from_db()
    assert dsr.status == "done"  # the copy does not wait for a system it cannot reach


@pytest.mark.django_db
def test_settings_declare_kinds_and_the_admin_adds_more(settings):
    from wagtail_gdpr.models import Connector

    settings.WAGTAIL_GDPR_CONNECTORS = [system(kinds=["access"])]
    Connector.objects.create(key="erp", name="Our invoicing system",
                             endpoint="https://erp.example.com/", secret="x",
                             takes_access=False)  # fmt: skip
    Connector.objects.create(key="crm", name="Overridden", endpoint="https://x/", secret="y")
    assert [s.key for s in connected_systems.taking_part_in("access")] == ["crm"]
    assert [s.key for s in connected_systems.taking_part_in("erasure")] == ["erp"]
    assert connected_systems.get("crm").name == "Our customer service system"
    settings.WAGTAIL_GDPR_CONNECTORS = [system(kinds=["copying"])]
    with pytest.raises(Exception, match="unknown kinds"):
        connected_systems.all_systems()


# -- connectors are recipients ---------------------------------------------------------------


@pytest.mark.django_db
def test_connected_systems_are_recipients_in_the_inventory_notice_and_record(connector):
    user_declaration = registry.get(get_user_model())
    entry = inventory.describe(user_declaration)
    names = [r["name"] for r in entry["recipients"]]
    assert "Our customer service system" in names
    assert (
        "Our customer service system (Sweden)"
        in inventory.for_readers(user_declaration)["recipients"]
    )
    record = inventory.as_markdown(inventory.build_inventory(), not_personal=[])
    assert "Our customer service system" in record
    others = [d for d in registry if d.model is not get_user_model()]
    assert all(
        "Our customer service system"
        not in [r["name"] for r in inventory.describe(d)["recipients"]]
        for d in others
    )


# -- events and answers follow the schemas ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("access", {}),
        ("erasure", {}),
        ("rectification", {"changes": [{"model": "auth.User", "field": "email",
                                        "label": "Email", "value": "new@example.com"}]}),
        ("restriction", {"purpose": "Newsletter"}),
    ],
)  # fmt: skip
def test_each_event_follows_its_schema_and_names_only_its_subject(connector, kind, extra):
    alice, bob = member("alice"), member("bob")
    dsr = DataSubjectRequest.objects.create(kind=kind, status="done", member=alice)
    (event,) = outbox.record(dsr, alice, **extra)
    body = json.loads(delivery.body_of(event))
    validate(f"event-{kind}", body)
    assert body["subject"] == {"member_id": str(alice.pk), "emails": ["alice@example.com"]}
    assert str(bob.pk) not in json.dumps(body["subject"]) and "bob" not in json.dumps(body)
    assert body["id"] == str(event.idempotency_key)
    assert outbox.record(dsr, alice) == []  # a second call adds nothing


def test_a_payload_off_the_schema_is_refused_by_it():
    from jsonschema import ValidationError

    good = {"protocol": 1, "id": "8d3f1f8e-3c2a-4b0e-9d55-2f4a3e1b2c3d", "type": "access",
            "created_at": "2026-12-01T10:00:00+00:00", "answer_by": "2026-12-04T10:00:00+00:00",
            "subject": {"member_id": "4", "emails": ["a@example.com"]},
            "callback_url": "https://portal.example.com/privacy/connectors/answer/x/"}  # fmt: skip
    validate("event-access", good)
    for bad in (
        {**good, "type": "erasure"},
        {**good, "subject": {"member_id": "4", "emails": ["a@example.com"], "name": "A"}},
        {key: value for key, value in good.items() if key != "id"},
    ):
        with pytest.raises(ValidationError):
            validate("event-access", bad)


@pytest.mark.django_db
def test_answers_are_checked_as_the_schemas_say(connector):
    from jsonschema import ValidationError

    alice = member()
    dsr = DataSubjectRequest.objects.create(kind="access", status="queued", member=alice)
    (event,) = outbox.record(dsr, alice)
    key = str(event.idempotency_key)
    good = [
        ("answer-access", {"id": key, "status": "data",
                           "data": {"records": [{"Name": "Alice", "Age": 40, "VIP": True}]}}),
        ("answer-access", {"id": key, "status": "refused", "reason": "Not a customer of ours."}),
    ]  # fmt: skip
    for schema_name, answer in good:
        validate(schema_name, answer)
        answers.check(event, answer, later_allowed=False)
    with pytest.raises(answers.InvalidAnswer, match="id"):  # the schema cannot know the id
        answers.check(event, {"id": "another", "status": "data", "data": {"records": []}},
                      later_allowed=False)  # fmt: skip
    bad = [
        {"id": key, "status": "confirmed"},
        {"id": key, "status": "refused"},
        {"id": key, "status": "refused", "reason": "x" * 1001},
        {"id": key, "status": "data", "data": {"records": [{"Nested": {"a": 1}}]}},
        {"id": key, "status": "data", "data": {"records": "all of them"}},
        {"id": key, "status": "accepted"},
    ]
    for answer in bad:
        with pytest.raises(answers.InvalidAnswer):
            answers.check(event, answer, later_allowed=False)
        with pytest.raises(ValidationError):
            validate("answer-access", answer)
    erasure = DataSubjectRequest.objects.create(kind="erasure", status="done", member=alice)
    (erasure_event,) = outbox.record(erasure, alice)
    confirmed = {"id": str(erasure_event.idempotency_key), "status": "confirmed"}
    validate("answer-erasure", confirmed)
    assert answers.record(erasure_event.pk, confirmed) == "confirmed"
    with pytest.raises(answers.AlreadyAnswered):
        answers.record(erasure_event.pk, confirmed)


def test_an_answer_larger_than_allowed_is_refused():
    with pytest.raises(answers.InvalidAnswer):
        delivery.read_bounded(io.BytesIO(b"x" * 101), 100)
    assert delivery.read_bounded(io.BytesIO(b"x" * 100), 100) == b"x" * 100


def test_pauses_grow_with_jitter_and_stay_bounded():
    import random

    rng = random.Random(4)
    pauses = [delivery.pause_before(n, 30, rng) for n in range(1, 12)]
    assert 15 <= pauses[0] <= 30 and 30 <= pauses[1] <= 60 and 120 <= pauses[3] <= 240
    assert all(p <= delivery.MAX_PAUSE_SECONDS for p in pauses)
    assert len({round(delivery.pause_before(3, 30), 6) for _ in range(20)}) > 1


# -- the copy waits, within limits -----------------------------------------------------------


@pytest.mark.django_db
def test_the_copy_waits_for_a_silent_system_then_names_it_and_tells_staff(
    settings, django_capture_on_commit_callbacks
):
    settings.WAGTAIL_GDPR_CONNECTORS = [system(max_attempts=3, retry_base_seconds=600)]
    alice = member()
    add_privacy_centre()
    with django_capture_on_commit_callbacks(execute=True):
        dsr = access.request_copy(alice)  # in-process: the first attempt fails (nothing listens)
    event = ConnectorEvent.objects.get(request=dsr)
    assert (event.status, event.attempts) == ("pending", 1)
    assert event.next_attempt_at > timezone.now()
    dsr.refresh_from_db()
    assert dsr.status == "queued"
    assert report.build_access_report(dsr.pk) == "waiting"
    assert in_words.for_member(dsr)[0]["state"] == "We could not reach it yet; we keep trying."

    ConnectorEvent.objects.filter(pk=event.pk).update(next_attempt_at=timezone.now())
    assert sweep.sweep()["resent"] == 1
    event.refresh_from_db()
    assert event.attempts == 2 and event.status == "pending"

    ConnectorEvent.objects.filter(pk=event.pk).update(answer_by=timezone.now() - timedelta(1))
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep.sweep()["not_received"] == 1
    event.refresh_from_db()
    assert event.status == "not_received" and event.staff_told_at is None  # the mail follows
    assert "subject" not in event.payload
    note = RequestNote.objects.get(request=dsr)
    assert "Our customer service system did not answer by" in note.text
    dsr.refresh_from_db()
    assert dsr.status == "done"
    data = json.loads(report_data(dsr))
    section = next(s for s in data["sections"] if s["name"] == "Our customer service system")
    assert section["rows"][0][0].startswith("Not received by ")
    assert "did not answer by" in in_words.for_member(dsr)[0]["state"]


@pytest.mark.django_db
def test_privacy_officers_are_emailed_once_when_a_system_does_not_answer_in_time(
    settings, mailoutbox
):
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from wagtail.users.models import UserProfile

    from wagtail_gdpr.staff import connector_alerts

    settings.WAGTAIL_GDPR_CONNECTORS = [system()]
    officers = Group.objects.get(name="Privacy officers")
    for username, language in (("olle", "sv"), ("erin", "en")):
        officer = get_user_model().objects.create_user(username, f"{username}@example.com", "pw")
        officer.groups.add(officers)
        profile = UserProfile.get_for_user(officer)
        profile.preferred_language = language
        profile.save()
    get_user_model().objects.create_user("nobody", "nobody@example.com", "pw")  # not staff
    alice = member()
    dsr = DataSubjectRequest.objects.create(kind="access", status="queued", member=alice)
    (event,) = outbox.record(dsr, alice)
    # Before its deadline, or answered, a system is nobody's worry.
    assert connector_alerts.tell_staff_of_silent_systems() == 0
    ConnectorEvent.objects.filter(pk=event.pk).update(answer_by=timezone.now() - timedelta(1))
    assert sweep.sweep()["not_received"] == 1
    assert mailoutbox == []  # the sweep of the connectors sends no mail itself

    out = io.StringIO()
    call_command("gdpr_sweep_connectors", stdout=out)
    assert "Privacy officers told of 1 systems" in out.getvalue()
    assert sorted(m.to[0] for m in mailoutbox) == ["erin@example.com", "olle@example.com"]
    english = next(m for m in mailoutbox if m.to == ["erin@example.com"])
    swedish = next(m for m in mailoutbox if m.to == ["olle@example.com"])
    said = f"Our customer service system did not answer privacy request #{dsr.pk}"
    assert english.subject == said
    assert "did not answer the privacy request" in english.body
    assert f"/{dsr.pk}/" in english.body  # the link to the request in the queue
    assert "svarade inte på begäran nr" in swedish.subject
    # Only what staff need: no identifiers of the member.
    assert all("alice" not in m.body and "alice" not in m.subject for m in mailoutbox)
    event.refresh_from_db()
    assert event.staff_told_at is not None
    # Told once: the next runs send nothing.
    assert connector_alerts.tell_staff_of_silent_systems() == 0
    call_command("gdpr_sweep_connectors", stdout=io.StringIO())
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_a_mail_that_fails_leaves_staff_to_be_told_at_the_next_run(settings, monkeypatch):
    from django.contrib.auth.models import Group

    from wagtail_gdpr import mail
    from wagtail_gdpr.staff import connector_alerts

    settings.WAGTAIL_GDPR_CONNECTORS = [system()]
    officer = get_user_model().objects.create_user("olle", "olle@example.com", "pw")
    officer.groups.add(Group.objects.get(name="Privacy officers"))
    alice = member()
    dsr = DataSubjectRequest.objects.create(kind="erasure", status="done", member=alice)
    (event,) = outbox.record(dsr, alice)
    ConnectorEvent.objects.filter(pk=event.pk).update(answer_by=timezone.now() - timedelta(1))
    sweep.sweep()

    def refused(*args, **kwargs):
        raise OSError("the mail server is down")

    monkeypatch.setattr(mail, "send", refused)
    with pytest.raises(OSError):
        connector_alerts.tell_staff_of_silent_systems()
    event.refresh_from_db()
    assert event.staff_told_at is None
    monkeypatch.undo()
    assert connector_alerts.tell_staff_of_silent_systems() == 1


@pytest.mark.django_db
def test_a_system_that_never_takes_the_event_is_kept_for_staff(settings):
    """Given up, the event keeps whom it is about until staff send it again or close it."""
    settings.WAGTAIL_GDPR_CONNECTORS = [system(max_attempts=2)]
    alice = member()
    dsr = DataSubjectRequest.objects.create(kind="erasure", status="done", member=alice)
    (event,) = outbox.record(dsr, alice)
    assert delivery.deliver(event.pk).outcome == delivery.RETRY
    assert delivery.deliver(event.pk).outcome == delivery.GAVE_UP
    event.refresh_from_db()
    assert (event.status, event.attempts, event.last_error) == (
        "undeliverable",
        2,
        "ConnectionRefusedError",
    )
    assert delivery.deliver(event.pk).outcome == delivery.NOTHING_TO_DO
    assert event.payload["subject"]["member_id"] == str(alice.pk)
    assert outbox.can_send_again(event)
    assert in_words.for_staff(dsr)[0]["attempts"] == 2


def given_up_event(settings, kind="erasure", who=None):
    """An event of a ``kind`` request of ``who`` that the one connected system never took."""
    settings.WAGTAIL_GDPR_CONNECTORS = [system(max_attempts=1)]
    who = who or member()
    dsr = DataSubjectRequest.objects.create(kind=kind, status="done", member=who)
    (event,) = outbox.record(dsr, who)
    assert delivery.deliver(event.pk).outcome == delivery.GAVE_UP
    return event


@pytest.mark.django_db
def test_staff_send_an_undeliverable_event_again_with_its_own_key(
    settings, django_capture_on_commit_callbacks
):
    officer = get_user_model().objects.create_user("dana", "dana@example.com", "pw")
    event = given_up_event(settings)
    dsr = event.request
    key, first_deadline = event.idempotency_key, event.answer_by
    queued = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = outbox.send_again(event.pk, by=officer)
    queued.extend(callbacks)
    assert (again.status, again.attempts, again.last_error) == ("pending", 0, "")
    assert again.idempotency_key == key and again.payload["id"] == str(key)
    assert again.answer_by > first_deadline
    assert again.payload["answer_by"] == again.answer_by.isoformat()
    assert queued, "the delivery is handed to a worker once the transaction commits"
    entry = ModelLogEntry.objects.get(action=audit.CONNECTOR_EVENT_SENT_AGAIN)
    assert (entry.object_id, entry.user) == (str(dsr.pk), officer)
    assert entry.data == {"request_id": dsr.pk, "kind": "erasure", "system": "crm"}
    # Only an undeliverable event: a pending one is refused, with words for staff.
    with pytest.raises(Refused, match="could not be delivered"):
        outbox.send_again(event.pk, by=officer)
    # Nothing listens: given up again; closed by staff, it forgets whom it was about.
    assert delivery.deliver(event.pk).outcome == delivery.GAVE_UP
    closed = outbox.close_unsent(event.pk, by=officer)
    assert ModelLogEntry.objects.filter(action=audit.CONNECTOR_EVENT_CLOSED).count() == 1
    assert "subject" not in closed.payload and closed.status == "undeliverable"
    assert not outbox.can_send_again(closed)
    with pytest.raises(Refused):
        outbox.send_again(event.pk, by=officer)


@pytest.mark.django_db
def test_a_system_no_longer_connected_or_refused_cannot_be_sent_again(settings):
    event = given_up_event(settings, kind="access")
    settings.DEBUG = False
    settings.WAGTAIL_GDPR_CONNECTOR_LOCAL_HTTP = None
    with pytest.raises(Refused, match="address is refused"):
        outbox.send_again(event.pk)
    settings.WAGTAIL_GDPR_CONNECTORS = []
    with pytest.raises(Refused, match="no longer connected"):
        outbox.send_again(event.pk)
    event.refresh_from_db()
    assert event.status == "undeliverable"


@pytest.mark.django_db
def test_an_erasure_makes_the_members_other_events_forget_them(settings):
    alice, bob = member(), member("bob")
    given_up = given_up_event(settings, kind="access", who=alice)
    restriction = DataSubjectRequest.objects.create(kind="restriction", status="done", member=alice)
    (waiting,) = outbox.record(restriction, alice)
    bobs = DataSubjectRequest.objects.create(kind="access", status="done", member=bob)
    (bobs_event,) = outbox.record(bobs, bob)

    erasure.execute(alice)

    given_up.refresh_from_db()
    waiting.refresh_from_db()
    bobs_event.refresh_from_db()
    assert "subject" not in given_up.payload and not outbox.can_send_again(given_up)
    assert "subject" not in waiting.payload and waiting.status == "undeliverable"
    assert bobs_event.payload["subject"]["member_id"] == str(bob.pk)


def report_data(dsr, name="data.json") -> bytes:
    import zipfile

    dsr.report.file.open("rb")
    try:
        with zipfile.ZipFile(dsr.report.file) as archive:
            return archive.read(name)
    finally:
        dsr.report.file.close()


def report_index(dsr) -> str:
    return report_data(dsr, "index.html").decode()


# -- the callback ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_callback_refuses_unknown_events_bad_signatures_and_oversize(connector, settings):
    client = Client()
    unknown = client.post("/privacy/connectors/answer/8d3f1f8e-3c2a-4b0e-9d55-2f4a3e1b2c3d/",
                          b"{}", content_type="application/json")  # fmt: skip
    assert unknown.status_code == 404
    alice = member()
    dsr = DataSubjectRequest.objects.create(kind="erasure", status="done", member=alice)
    (event,) = outbox.record(dsr, alice)
    url = f"/privacy/connectors/answer/{event.idempotency_key}/"
    body = json.dumps({"id": str(event.idempotency_key), "status": "confirmed"}).encode()
    unsigned = client.post(url, body, content_type="application/json")
    assert unsigned.status_code == 401
    assert client.get(url).status_code == 405
    settings.WAGTAIL_GDPR_CONNECTOR_MAX_RESPONSE_BYTES = 10
    big = client.post(url, body, content_type="application/json",
                      headers={"Gdpr-Signature": signing.sign(SECRET, body)})  # fmt: skip
    assert big.status_code == 413
    settings.WAGTAIL_GDPR_CONNECTOR_MAX_RESPONSE_BYTES = 5_000_000
    stale = {"Gdpr-Signature": signing.sign(SECRET, body, timestamp=1)}
    old = client.post(url, body, content_type="application/json", headers=stale)
    assert old.status_code == 401
    ok = client.post(url, body, content_type="application/json",
                     headers={"Gdpr-Signature": signing.sign(SECRET, body)})  # fmt: skip
    assert ok.status_code == 200 and ok["Cache-Control"].startswith("max-age=0")
    assert (
        callbacks.receive(str(event.idempotency_key), signing.sign(SECRET, body), body).status
        == 409
    )


# -- in-process, as the demo runs without Redis ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_the_copy_has_the_crm_section_and_the_erasure_its_answer(live_server):
    from example_site.crm.models import Customer
    from tests.connector_helpers import CRM_NAME, connect_crm, member_with_crm_record
    from wagtail_gdpr import erasure

    add_privacy_centre()
    connect_crm(live_server.url)
    alice = member_with_crm_record("alice", name="Alice Andersson")
    dsr = access.request_copy(alice)  # committed: the event, then the copy, run here
    dsr.refresh_from_db()
    assert dsr.status == "done"
    data = json.loads(report_data(dsr))
    section = next(s for s in data["sections"] if s["name"] == CRM_NAME)
    assert section["rows"][0][0] == "Alice Andersson"

    DataSubjectRequest.objects.filter(pk=dsr.pk).update(completed_at=timezone.now() - timedelta(2))
    erased = erasure.request_erasure(alice)
    event = ConnectorEvent.objects.get(request=erased)
    assert (event.status, event.answer) == ("answered", "confirmed")
    assert not Customer.objects.filter(email="alice@example.com").exists()


@pytest.mark.django_db
def test_an_answer_that_came_late_goes_into_the_members_next_copy(
    settings, django_capture_on_commit_callbacks
):
    """A system that answers after the copy was made: its data fills in the member's next copy
    where it sends nothing in time again, with the day it came; never another member's."""
    settings.WAGTAIL_GDPR_CONNECTORS = [system(max_attempts=3, retry_base_seconds=600)]
    settings.WAGTAIL_GDPR_ACCESS_COOLDOWN_HOURS = 0  # a second copy at once
    alice, bob = member(), member("bob")
    add_privacy_centre()

    def copy_given_up(who):
        with django_capture_on_commit_callbacks(execute=True):
            dsr = access.request_copy(who)
        ConnectorEvent.objects.filter(request=dsr).update(answer_by=timezone.now() - timedelta(1))
        with django_capture_on_commit_callbacks(execute=True):
            sweep.sweep()
        dsr.refresh_from_db()
        assert dsr.status == "done"
        return dsr

    first = copy_given_up(alice)
    late = ConnectorEvent.objects.get(request=first)
    answer = {"records": [{"Ticket": "Printer on fire"}]}
    answers.record(late.pk, {"id": str(late.idempotency_key), "status": "data", "data": answer})
    section = next(
        s for s in json.loads(report_data(first))["sections"] if s["name"] == late.connector_name
    )
    assert section["rows"][0][0].startswith("Not received by ")  # made before the answer came

    second = copy_given_up(alice)
    section = next(
        s for s in json.loads(report_data(second))["sections"] if s["name"] == late.connector_name
    )
    assert section["rows"] == [["Printer on fire"]]
    assert "after an earlier copy of yours was made" in report_index(second)

    others = copy_given_up(bob)
    section = next(
        s for s in json.loads(report_data(others))["sections"] if s["name"] == late.connector_name
    )
    assert section["rows"][0][0].startswith("Not received by ")


@pytest.mark.django_db
def test_only_the_newest_answer_fills_in_and_an_erased_members_data_is_kept_nowhere(
    settings, django_capture_on_commit_callbacks
):
    settings.WAGTAIL_GDPR_CONNECTORS = [system(max_attempts=3, retry_base_seconds=600)]
    settings.WAGTAIL_GDPR_ACCESS_COOLDOWN_HOURS = 0
    alice = member()
    add_privacy_centre()

    def a_copy():
        with django_capture_on_commit_callbacks(execute=True):
            dsr = access.request_copy(alice)
        return dsr, ConnectorEvent.objects.get(request=dsr)

    def give_up(dsr):
        ConnectorEvent.objects.filter(request=dsr).update(answer_by=timezone.now() - timedelta(1))
        with django_capture_on_commit_callbacks(execute=True):
            sweep.sweep()

    def answer(event, text):
        data = {"records": [{"Ticket": text}]}
        answers.record(event.pk, {"id": str(event.idempotency_key), "status": "data", "data": data})

    first, late = a_copy()
    give_up(first)
    answer(late, "Old and late")  # after the first copy was made
    second, timely = a_copy()
    with django_capture_on_commit_callbacks(execute=True):
        answer(timely, "New and in time")  # the second copy has it
    third, _silent = a_copy()
    give_up(third)
    third.refresh_from_db()
    section = next(
        s for s in json.loads(report_data(third))["sections"] if s["name"] == late.connector_name
    )
    # The newest answer went into a copy in time: the older late one is not brought back.
    assert section["rows"][0][0].startswith("Not received by ")

    erasure.execute(alice)
    assert not ConnectorEvent.objects.filter(answer_data__isnull=False).exists()
    # A system that answers after the erasure: its data is kept nowhere.
    _silent.refresh_from_db()
    answer(_silent, "After the erasure")
    _silent.refresh_from_db()
    assert _silent.answer == "data" and _silent.answer_data is None
