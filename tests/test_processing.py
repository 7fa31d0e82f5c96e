"""Restriction (Art. 18), objection (Art. 21) and ``processing_allowed``."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail import hooks
from wagtail.models import ModelLogEntry

from tests.access_helpers import (
    add_privacy_centre,
    clean_cache,  # noqa: F401  (autouse)
    fresh,
    login_redirect_next,
    make_member,
    make_purpose,
    make_staff,
    url_of,
)
from wagtail_gdpr import audit, consent, processing, public_requests, restriction_objection
from wagtail_gdpr.models import ConsentRecord, DataSubjectRequest, MemberActivity
from wagtail_gdpr.processing import ALL, processing_allowed
from wagtail_gdpr.registry import CONSENT, CONTRACT, LEGITIMATE_INTERESTS
from wagtail_gdpr.restriction_objection import ProcessingRequestRefused

pytestmark = pytest.mark.django_db

R = DataSubjectRequest
SOURCE = ConsentRecord.SOURCE_PRIVACY_CENTRE
NEWSLETTER = "newsletter"  # a consent purpose
SECURITY = "security-of-your-account"  # the Visit declaration: legitimate interests
ORDERS = "deliver-and-bill-orders"  # the Order declaration: contract


@pytest.fixture
def newsletter(db):
    return make_purpose(NEWSLETTER)


@pytest.fixture
def centre(db):
    return add_privacy_centre()


def state(member, kind, purpose, *, active=True):
    """An accepted restriction or objection, as the staff queue leaves it."""
    return R.objects.create(
        kind=kind,
        status=R.DONE,
        member=member,
        completed_at=timezone.now(),
        purpose=purpose,
        in_force=active,
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- the purposes ------------------------------------------------------------------------------


def test_purposes_come_from_consent_purposes_and_declarations(newsletter):
    make_purpose("terms", required=True)

    found = restriction_objection.purposes()

    assert found[NEWSLETTER].bases == {CONSENT} and found[NEWSLETTER].consent_slug == NEWSLETTER
    assert found["terms"].bases == {CONTRACT} and found["terms"].consent_slug is None
    assert found[SECURITY].bases == {LEGITIMATE_INTERESTS} and found[SECURITY].objectable
    assert found[ORDERS].bases == {CONTRACT} and not found[ORDERS].objectable
    assert restriction_objection.purpose_choices()[0][0] == ALL
    objection_choices = {slug for slug, _name in restriction_objection.purpose_choices(R.OBJECTION)}
    assert objection_choices == {ALL} | {s for s, p in found.items() if p.objectable}


# -- processing_allowed: the table -------------------------------------------------------------

CONSENTS = ("given", "withdrawn")
RESTRICTIONS = ("none", "active", "lifted")
OBJECTIONS = ("none", "accepted")
BASES = (CONSENT, LEGITIMATE_INTERESTS)


def expected(consent_state, restriction, objection, basis) -> bool:
    """The law: consent needed only where processing rests on it; a restriction in force stops
    everything; an accepted objection stops processing on legitimate interests."""
    if restriction == "active":
        return False
    if basis == CONSENT and consent_state != "given":
        return False
    return not (objection == "accepted" and basis == LEGITIMATE_INTERESTS)


TABLE = list(itertools.product(CONSENTS, RESTRICTIONS, OBJECTIONS, BASES))


def test_the_table_has_every_combination():
    assert len(TABLE) == 24
    assert sum(expected(*row) for row in TABLE) == 8  # and most combinations forbid it


@pytest.mark.parametrize(("consent_state", "restriction", "objection", "basis"), TABLE)
def test_processing_allowed(newsletter, consent_state, restriction, objection, basis):
    member = make_member("alice")
    consent.give(member, NEWSLETTER, source=SOURCE)
    if consent_state == "withdrawn":
        consent.withdraw(member, NEWSLETTER, source=SOURCE)
    purpose = NEWSLETTER if basis == CONSENT else SECURITY
    if restriction != "none":
        state(member, R.RESTRICTION, purpose, active=restriction == "active")
    if objection == "accepted":
        state(member, R.OBJECTION, purpose)

    assert processing_allowed(fresh(member), purpose) is expected(
        consent_state, restriction, objection, basis
    )


def test_a_restriction_of_everything_stops_every_purpose(newsletter):
    member = make_member("alice")
    consent.give(member, NEWSLETTER, source=SOURCE)
    state(member, R.RESTRICTION, ALL)
    for purpose in (NEWSLETTER, SECURITY, ORDERS, "no-such-purpose"):
        assert processing_allowed(fresh(member), purpose) is False, purpose


def test_an_objection_to_everything_stops_only_legitimate_interests(newsletter):
    member = make_member("alice")
    consent.give(member, NEWSLETTER, source=SOURCE)
    state(member, R.OBJECTION, ALL)
    member = fresh(member)
    assert processing_allowed(member, SECURITY) is False
    assert processing_allowed(member, NEWSLETTER) is True  # consent: withdrawn, not objected to
    assert processing_allowed(member, ORDERS) is True  # the contract


def test_states_of_other_members_or_purposes_or_open_requests_do_not_count(newsletter):
    alice, bob = make_member("alice"), make_member("bob")
    state(bob, R.RESTRICTION, SECURITY)
    state(alice, R.RESTRICTION, ORDERS)
    R.objects.create(kind=R.OBJECTION, status=R.IN_REVIEW, member=alice, purpose=SECURITY)
    R.objects.create(kind=R.RESTRICTION, status=R.REFUSED, member=alice, purpose=SECURITY)
    assert processing_allowed(fresh(alice), SECURITY) is True


def test_a_purpose_needed_for_the_service_needs_no_consent():
    make_purpose("terms", required=True)
    assert processing_allowed(make_member("alice"), "terms") is True


def test_without_a_member_only_purposes_without_consent_are_allowed(newsletter):
    from django.contrib.auth.models import AnonymousUser

    for nobody in (None, AnonymousUser()):
        assert processing_allowed(nobody, NEWSLETTER) is False
        assert processing_allowed(nobody, SECURITY) is True
        assert processing_allowed(nobody, "no-such-purpose") is False


# -- hooks -------------------------------------------------------------------------------------


def test_a_hook_can_veto_and_is_asked_with_member_and_purpose(newsletter):
    member = make_member("alice")
    consent.give(member, NEWSLETTER, source=SOURCE)
    asked = []

    def no_newsletter_in_sweden(user, purpose):
        asked.append((user.pk, purpose))
        return False if purpose == NEWSLETTER else None

    def always_yes(user, purpose):
        return True

    with (
        hooks.register_temporarily(processing.HOOK, always_yes),
        hooks.register_temporarily(processing.HOOK, no_newsletter_in_sweden),
    ):
        assert processing_allowed(fresh(member), NEWSLETTER) is False  # a False wins
        assert processing_allowed(fresh(member), SECURITY) is True
    assert asked == [(member.pk, NEWSLETTER), (member.pk, SECURITY)]
    assert processing_allowed(fresh(member), NEWSLETTER) is True


def test_a_hook_cannot_overrule_a_restriction_but_can_vouch_for_an_unknown_purpose(newsletter):
    member = make_member("alice")
    state(member, R.RESTRICTION, SECURITY)
    with hooks.register_temporarily(processing.HOOK, lambda user, purpose: True):
        assert processing_allowed(fresh(member), SECURITY) is False
        assert processing_allowed(fresh(member), "fraud-scoring") is True
    assert processing_allowed(fresh(member), "fraud-scoring") is False


# -- cheap -------------------------------------------------------------------------------------


def test_one_query_for_the_state_and_then_none(newsletter):
    member = make_member("alice")
    consent.give(member, NEWSLETTER, source=SOURCE)
    state(member, R.RESTRICTION, ORDERS)
    member = fresh(member)
    table = R._meta.db_table

    with CaptureQueriesContext(connection) as first:
        processing_allowed(member, NEWSLETTER)
    with CaptureQueriesContext(connection) as later:
        for purpose in (NEWSLETTER, SECURITY, ORDERS, "unknown", NEWSLETTER):
            processing_allowed(member, purpose)

    assert len([q for q in first.captured_queries if table in q["sql"]]) == 1
    assert len(first) <= 3  # the state, the purposes, the member's consents
    assert len(later) == 0


def test_the_template_tag(newsletter):
    member = make_member("alice")
    consent.give(member, NEWSLETTER, source=SOURCE)
    request = RequestFactory().get("/")
    request.user = fresh(member)
    template = Template(
        '{% load wagtail_gdpr %}{% processing_allowed "newsletter" as ok %}'
        '{% processing_allowed "security-of-your-account" as security %}{{ ok }}/{{ security }}'
    )
    assert template.render(Context({"request": request})) == "True/True"
    state(member, R.OBJECTION, SECURITY)
    request.user = fresh(member)
    assert template.render(Context({"request": request})) == "True/False"


# -- the member asks ---------------------------------------------------------------------------


def test_a_member_asks_for_a_restriction_in_the_privacy_centre(centre, newsletter):
    alice = make_member("alice")
    client = logged_in(alice)

    page = client.get(url_of(centre, "requests/new/"))
    assert page.status_code == 200
    content = page.content.decode()
    assert content.count("<h1") == 1
    for control in ("id_kind_0", "id_kind_1", "id_purpose", "id_reason"):
        assert f'for="{control}"' in content and f'id="{control}"' in content
    assert f'value="{SECURITY}"' in content and f'value="{ALL}"' in content

    response = client.post(
        url_of(centre, "requests/new/"),
        {"kind": R.RESTRICTION, "purpose": SECURITY, "reason": "<b>My data is wrong</b>"},
    )

    assert response.status_code == 303
    dsr = R.objects.get(kind=R.RESTRICTION)
    assert response["Location"] == url_of(centre, f"requests/{dsr.pk}/")
    assert (dsr.member, dsr.status) == (alice, R.IN_REVIEW)
    assert dsr.verified_at is not None and dsr.due_at is not None
    assert dsr.purpose == SECURITY
    assert dsr.payload["purpose_name"] == "Security of your account"
    assert MemberActivity.objects.filter(user=alice, kind=MemberActivity.REQUEST).exists()
    detail = client.get(response["Location"]).content.decode()
    assert "Security of your account" in detail
    assert "&lt;b&gt;My data is wrong&lt;/b&gt;" in detail and "<b>My data" not in detail
    # Asking again while the first waits is refused; nothing new is made.
    again = client.post(url_of(centre, "requests/new/"),
                        {"kind": R.RESTRICTION, "purpose": SECURITY})  # fmt: skip
    assert again.status_code == 409
    assert "already asked" in again.content.decode()
    assert R.objects.filter(kind=R.RESTRICTION).count() == 1


def test_an_objection_to_a_consent_purpose_points_to_withdrawal(newsletter):
    alice = make_member("alice")
    with pytest.raises(ProcessingRequestRefused, match="withdraw it"):
        restriction_objection.request_change(alice, R.OBJECTION, NEWSLETTER)
    with pytest.raises(ProcessingRequestRefused, match="restrict it instead"):
        restriction_objection.request_change(alice, R.OBJECTION, ORDERS)
    with pytest.raises(ProcessingRequestRefused, match="do not know"):
        restriction_objection.request_change(alice, R.RESTRICTION, "made-up")
    assert restriction_objection.request_change(alice, R.OBJECTION, SECURITY).status == R.IN_REVIEW
    assert restriction_objection.request_change(alice, R.OBJECTION, ALL).status == R.IN_REVIEW


def test_the_pages_are_for_members_and_a_request_page_for_its_owner(centre):
    alice, bob = make_member("alice"), make_member("bob")
    dsr = restriction_objection.request_change(alice, R.RESTRICTION, SECURITY)
    for sub in ("requests/new/", f"requests/{dsr.pk}/"):
        assert login_redirect_next(Client().get(url_of(centre, sub))) == url_of(centre, sub)
    assert logged_in(bob).get(url_of(centre, f"requests/{dsr.pk}/")).status_code == 404
    assert logged_in(alice).get(url_of(centre, f"requests/{dsr.pk}/")).status_code == 200


# -- staff decide ------------------------------------------------------------------------------


def test_staff_accept_and_lift_a_restriction(
    centre, newsletter, django_capture_on_commit_callbacks
):
    alice, staff = make_member("alice"), make_staff()
    consent.give(alice, NEWSLETTER, source=SOURCE)
    dsr = restriction_objection.request_change(
        alice, R.RESTRICTION, NEWSLETTER, "Checking my address"
    )
    assert processing_allowed(fresh(alice), NEWSLETTER) is True  # asked, not yet accepted

    with django_capture_on_commit_callbacks(execute=True):
        restriction_objection.accept_restriction(dsr, staff)

    dsr.refresh_from_db()
    assert dsr.status == R.DONE and dsr.completed_at is not None
    assert dsr.in_force is True and dsr.purpose == NEWSLETTER
    assert dsr.outcome["accepted_by"] == staff.pk
    assert processing_allowed(fresh(alice), NEWSLETTER) is False
    assert restriction_objection.restricted(fresh(alice), NEWSLETTER)
    assert mail.outbox[-1].to == ["alice@example.com"]
    assert mail.outbox[-1].subject == "Your request is in force"
    assert "We accepted your request" in mail.outbox[-1].body
    assert "no longer in force" not in mail.outbox[-1].body
    assert ModelLogEntry.objects.filter(action=audit.PROCESSING_ACCEPTED).count() == 1
    page = logged_in(alice).get(url_of(centre, f"requests/{dsr.pk}/")).content.decode()
    assert "In force since" in page

    with pytest.raises(ProcessingRequestRefused):
        restriction_objection.accept_restriction(dsr, staff)  # not waiting any more
    # Art. 18(3): the member is told, with the date, before the restriction is lifted.
    with pytest.raises(ProcessingRequestRefused, match="Tell the member first"):
        restriction_objection.lift_restriction(dsr, staff)
    soon = timezone.now() + timedelta(days=3)
    with pytest.raises(ProcessingRequestRefused, match="at least 14 days"):
        restriction_objection.announce_lift(dsr, staff, soon, "The check is done.")
    with pytest.raises(ProcessingRequestRefused, match="Give a reason"):
        restriction_objection.announce_lift(dsr, staff, soon + timedelta(days=20), "  ")
    when = timezone.now() + timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        restriction_objection.announce_lift(dsr, staff, when, "Your address is confirmed.")
    notice = mail.outbox[-1]
    assert notice.subject == "A restriction you asked for will end"
    assert "will end on" in notice.body and "Your address is confirmed." in notice.body
    assert processing_allowed(fresh(alice), NEWSLETTER) is False  # still in force until then
    with pytest.raises(ProcessingRequestRefused, match="it can be lifted from then"):
        restriction_objection.lift_restriction(dsr, staff)
    R.objects.filter(pk=dsr.pk).update(lift_after=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        restriction_objection.lift_restriction(dsr, staff)

    dsr.refresh_from_db()
    assert dsr.in_force is False and dsr.outcome["lifted_by"] == staff.pk
    assert processing_allowed(fresh(alice), NEWSLETTER) is True
    assert "no longer in force" in mail.outbox[-1].body
    assert mail.outbox[-1].subject == "A restriction or objection has ended"
    assert ModelLogEntry.objects.filter(action=audit.PROCESSING_LIFTED).count() == 1
    with pytest.raises(ProcessingRequestRefused):
        restriction_objection.lift_restriction(dsr, staff)


def test_staff_accept_an_objection(newsletter):
    alice, staff = make_member("alice"), make_staff()
    dsr = restriction_objection.request_change(alice, R.OBJECTION, SECURITY)
    with pytest.raises(ProcessingRequestRefused):
        restriction_objection.accept_restriction(dsr, staff)  # the wrong kind
    restriction_objection.accept(dsr, staff)
    assert processing_allowed(fresh(alice), SECURITY) is False
    assert restriction_objection.objected(fresh(alice), SECURITY)
    restriction_objection.lift_objection(dsr, staff)
    assert processing_allowed(fresh(alice), SECURITY) is True


def test_a_public_request_needs_a_member_and_a_purpose_before_it_is_accepted(centre):
    staff = make_staff()
    dsr = public_requests.submit(R.RESTRICTION, "guest@example.com", "Stop the marketing")
    public_requests.confirm(public_requests.make_token(dsr))
    with pytest.raises(ProcessingRequestRefused, match="Link the request"):
        restriction_objection.accept_restriction(dsr, staff, purpose=SECURITY)
    alice = make_member("alice")
    R.objects.filter(pk=dsr.pk).update(member=alice)  # staff identified her
    with pytest.raises(ProcessingRequestRefused, match="Choose the purpose"):
        restriction_objection.accept_restriction(dsr, staff)
    with pytest.raises(ProcessingRequestRefused, match="no such purpose"):
        restriction_objection.accept_restriction(dsr, staff, purpose="made-up")
    restriction_objection.accept_restriction(dsr, staff, purpose=SECURITY)
    assert processing_allowed(fresh(alice), SECURITY) is False
