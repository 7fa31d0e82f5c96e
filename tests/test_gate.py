"""The first-login gate (middleware and gate service) and the consent step members pass."""

import re

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from tests.consent_helpers import (
    NOTICE_SUMMARY,
    add_live_page,
    add_notice_page,
    configure,
    consent_block,
    default_site,
    fresh_gate_cache,  # noqa: F401  (autouse)
    hidden_inputs,
    ledger_count,
    make_editor,
    make_member,
    make_purpose,
    make_staff,
    make_superuser,
    next_of,
    publish,
    publish_notice,
    step_answer,
    stream,
)
from wagtail_gdpr import consent
from wagtail_gdpr.consent import gate
from wagtail_gdpr.models import ConsentRecord, ConsentText, NoticeVersion

GATE = "wagtail_gdpr.middleware.ConsentGateMiddleware"


@pytest.fixture
def notice(db):
    return publish_notice()


@pytest.fixture
def member(db):
    return make_member()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def centre(db):
    """Any live page other than the notice, for the member to visit."""
    return add_live_page()


def pass_gate(client, next_url="/", **kwargs):
    response = step_answer(client, next_url, **kwargs)
    assert response.status_code == 302, response.status_code
    return response


# -- first login -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_first_login_is_gated_then_acknowledged_with_the_live_version_then_not_again(
    member_client, member, notice, centre
):
    response = member_client.get("/?tab=orders&page=2")
    assert next_of(response) == "/?tab=orders&page=2"
    assert ledger_count() == 0

    step = member_client.get(response["Location"])
    assert step.status_code == 200
    html = step.content.decode()
    assert NOTICE_SUMMARY in html
    assert f'href="{notice.url}"' in html
    assert "Shipping address" not in html  # the step shows categories, not each field
    assert "Deliver and bill orders" in html  # ...but the inventory is there

    answered = pass_gate(member_client, "/?tab=orders&page=2")
    assert answered["Location"] == "/?tab=orders&page=2"

    record = ConsentRecord.objects.get()
    version = NoticeVersion.objects.get(page_id=notice.pk)
    assert record.user_id == member.pk
    assert record.action == ConsentRecord.ACKNOWLEDGED
    assert record.purpose is None
    assert record.source == ConsentRecord.SOURCE_GATE
    assert record.notice_version == version
    assert version.revision_id == notice.live_revision_id
    assert record.text_sha256 == consent.text_sha256(notice.get_notice_text())
    assert ConsentText.objects.get(sha256=record.text_sha256).text == notice.get_notice_text()

    assert member_client.get("/").status_code == 200
    assert member_client.get("/").status_code == 200
    # ... also in a new session: the ledger, not only the session, lets them through
    fresh = Client()
    fresh.force_login(member)
    assert fresh.get("/").status_code == 200
    assert ledger_count() == 1


@pytest.mark.django_db
def test_the_step_records_the_ip_network_and_user_agent(member_client, notice):
    member_client.get("/")
    step = member_client.get("/privacy/consent/?next=/")
    data = hidden_inputs(step.content.decode())
    response = member_client.post(
        "/privacy/consent/", data, REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="Lynx/2.9"
    )
    assert response.status_code == 302
    record = ConsentRecord.objects.get()
    assert (record.ip_address, record.user_agent) == ("203.0.113.0", "Lynx/2.9")


@pytest.mark.django_db
def test_nobody_is_gated_when_there_is_nothing_to_acknowledge(member_client, centre):
    configure(controller_name="Example AB")  # no notice page, no required purpose
    make_purpose("newsletter")  # optional purposes never gate
    assert member_client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_notice_page_that_was_never_published_does_not_gate(member_client, centre):
    configure(notice_page=add_notice_page())
    assert member_client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_gated_member_can_read_the_full_notice_the_step_links_to(member_client, notice):
    step = member_client.get("/privacy/consent/?next=/")
    assert f'href="{notice.url}"' in step.content.decode()

    response = member_client.get(notice.url)

    assert next_of(response) is None, "the full notice sends the member back to the step"
    assert response.status_code == 200
    assert NOTICE_SUMMARY in response.content.decode()


# -- material and non-material changes -------------------------------------------------------


@pytest.mark.django_db
def test_a_material_republication_gates_again_and_is_acknowledged_anew(
    member_client, member, notice, centre, django_capture_on_commit_callbacks
):
    pass_gate(member_client)
    assert member_client.get("/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        notice = publish(notice, material=True, summary="We now share orders with a carrier.")

    response = member_client.get("/")
    assert next_of(response) == "/"
    step = member_client.get(response["Location"])
    assert "We now share orders with a carrier." in step.content.decode()

    pass_gate(member_client, "/")
    latest = NoticeVersion.objects.get(page_id=notice.pk, number=2)
    assert latest.material is True
    record = ConsentRecord.objects.order_by("pk").last()
    assert record.notice_version == latest
    assert record.text_sha256 == latest.text_sha256 == consent.text_sha256(notice.get_notice_text())
    assert member_client.get("/").status_code == 200
    assert ledger_count() == 2


@pytest.mark.django_db
def test_a_material_republication_gates_a_new_session_too(
    member, notice, centre, django_capture_on_commit_callbacks
):
    first = Client()
    first.force_login(member)
    pass_gate(first)
    with django_capture_on_commit_callbacks(execute=True):
        publish(notice, material=True, summary="Changed.")
    second = Client()
    second.force_login(member)
    assert next_of(second.get("/")) == "/"


@pytest.mark.django_db
def test_a_non_material_republication_does_not_gate_again(
    member_client, member, notice, centre, django_capture_on_commit_callbacks
):
    pass_gate(member_client)

    with django_capture_on_commit_callbacks(execute=True):
        notice = publish(notice, material=False, summary="A typo fixed.")

    assert NoticeVersion.objects.get(page_id=notice.pk, number=2).material is False
    assert member_client.get("/").status_code == 200
    fresh = Client()
    fresh.force_login(member)
    assert fresh.get("/").status_code == 200
    assert ledger_count() == 1


@pytest.mark.django_db
def test_a_member_who_joins_after_a_non_material_change_acknowledges_the_live_version(
    notice, centre, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = publish(notice, summary="A typo fixed.")
    newcomer = make_member("newcomer")
    client = Client()
    client.force_login(newcomer)
    assert next_of(client.get("/")) == "/"
    pass_gate(client)
    record = ConsentRecord.objects.get(user=newcomer)
    assert record.notice_version.number == 2
    assert record.text_sha256 == consent.text_sha256(notice.get_notice_text())


# -- purposes on the step --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_required_purpose_gates_and_is_acknowledged_on_the_step(member_client, member, centre):
    terms = make_purpose("terms", name="Terms of service", required=True, text="Our terms.")
    response = member_client.get("/")
    assert next_of(response) == "/"
    step = member_client.get(response["Location"])
    assert "Our terms." in step.content.decode()

    pass_gate(member_client, "/")

    record = ConsentRecord.objects.get()
    assert (record.purpose, record.action, record.purpose_version) == (
        terms,
        ConsentRecord.ACKNOWLEDGED,
        1,
    )
    assert record.text_sha256 == consent.text_sha256("Our terms.")
    assert member_client.get("/").status_code == 200


@pytest.mark.django_db
def test_raising_a_required_purposes_version_gates_again(member_client, member, centre):
    terms = make_purpose("terms", required=True)
    pass_gate(member_client)

    terms.version = 2
    terms.text = "Our new terms."
    terms.save()

    response = member_client.get("/")
    assert next_of(response) == "/"
    assert "Our new terms." in member_client.get(response["Location"]).content.decode()
    pass_gate(member_client, "/")
    assert ConsentRecord.objects.order_by("pk").last().purpose_version == 2
    assert member_client.get("/").status_code == 200


@pytest.mark.django_db
def test_optional_purposes_are_unticked_and_only_ticked_ones_are_recorded(
    member_client, member, notice
):
    make_purpose("newsletter", name="Newsletter")
    make_purpose("surveys", name="Surveys")
    step = member_client.get("/privacy/consent/?next=/")
    html = step.content.decode()
    assert 'name="consent_newsletter"' in html
    assert 'name="consent_surveys"' in html
    assert "checked" not in html

    response = step_answer(member_client, "/", tick=["newsletter"])

    assert response.status_code == 302
    given = ConsentRecord.objects.filter(purpose__isnull=False)
    assert [(r.purpose.slug, r.action) for r in given] == [("newsletter", ConsentRecord.GIVEN)]
    assert consent.has_consent(type(member).objects.get(pk=member.pk), "newsletter")
    assert not consent.has_consent(type(member).objects.get(pk=member.pk), "surveys")


# -- open redirects --------------------------------------------------------------------------

EVIL = [
    "https://evil.example/",
    "//evil.example",
    "//evil.example/path",
    "http://evil.example@testserver.evil.example/",
    "javascript:alert(1)",
    "/\\evil.example",
    "https:///evil.example",
]


@pytest.mark.django_db
@pytest.mark.parametrize("target", EVIL)
def test_an_offsite_next_is_refused_when_answering_the_step(member_client, notice, target):
    step = member_client.get("/privacy/consent/", {"next": target})
    data = hidden_inputs(step.content.decode())
    assert data["next"] == "/"
    data["next"] = target  # forged in the POST as well

    response = member_client.post("/privacy/consent/", data)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert ledger_count() == 1  # the answer itself is recorded


@pytest.mark.django_db
@pytest.mark.parametrize("target", EVIL)
def test_an_offsite_next_is_refused_when_there_is_nothing_to_answer(member_client, target):
    response = member_client.get("/privacy/consent/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_the_step_does_not_send_the_member_back_to_itself(member_client, notice):
    response = step_answer(member_client, "/privacy/consent/?next=/privacy/consent/")
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_an_onsite_next_is_kept_when_there_is_nothing_to_answer(member_client):
    response = member_client.get("/privacy/consent/", {"next": "/privacy-centre/?a=1"})
    assert response.status_code == 302
    assert response["Location"] == "/privacy-centre/?a=1"


# -- what is never gated ---------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_are_never_gated(client, notice, centre):
    make_purpose("terms", required=True)
    for user in (make_staff("staff"), make_superuser("admin")):
        client.force_login(user)
        assert client.get("/").status_code == 200
    assert ledger_count() == 0


@pytest.mark.django_db
def test_wagtail_editors_are_not_gated_unless_the_site_says_so(client, notice, centre, settings):
    make_purpose("terms", required=True)
    editor = make_editor()
    client.force_login(editor)
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200

    settings.WAGTAIL_GDPR_GATE_ADMIN_USERS = True
    client.logout()
    client.force_login(editor)  # a new session: the gate asks again
    assert client.get("/").status_code == 302
    assert client.get("/admin/").status_code == 200  # the admin itself never is
    assert ledger_count() == 0


@pytest.mark.django_db
def test_anonymous_visitors_are_not_gated(client, notice, centre):
    assert client.get("/").status_code == 200
    assert client.get(notice.url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/pages/",
        "/static/wagtail_gdpr/site.css",
        "/media/attachments/invoice.pdf",
        "/privacy/consent/",
        "/privacy/consent/?next=/privacy-centre/",
    ],
)
def test_a_gated_member_is_not_stopped_on_exempt_urls(member_client, notice, path):
    assert next_of(member_client.get("/")) is not None  # the member is gated elsewhere
    response = member_client.get(path)
    assert next_of(response) is None
    if path.startswith("/admin/"):
        # a member without admin access meets the admin's own login, not the consent step
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_a_gated_member_can_log_out(member_client, notice, settings):
    settings.LOGOUT_REDIRECT_URL = "/"
    assert next_of(member_client.get("/")) is not None
    response = member_client.post("/logout/")
    assert next_of(response) is None
    assert (response.status_code, response["Location"]) == (302, "/")
    assert "_auth_user_id" not in member_client.session
    assert member_client.get("/").status_code == 200  # anonymous now


@pytest.mark.django_db
def test_a_post_to_a_gated_url_is_redirected_not_served(member_client, notice, centre):
    response = member_client.post("/", {"x": "1"})
    assert next_of(response) == "/"


@pytest.mark.django_db
def test_the_step_itself_needs_a_login(client, notice):
    response = client.get("/privacy/consent/?next=/")
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert client.post("/privacy/consent/", {"next": "/"}).status_code == 302
    assert ledger_count() == 0


# -- query counts ----------------------------------------------------------------------------


def captured_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    # without the literals (the session's expiry check holds the time)
    return [re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in queries.captured_queries]


def added_by_gate(member_client, path, settings):
    """The queries a warm request to ``path`` makes with the gate and not without it."""
    member_client.get(path)  # the first request after passing
    with_gate = captured_queries(member_client, path)
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != GATE]
    # a client loads its middleware once: a new one, in the same session, runs without the gate
    ungated = Client()
    ungated.cookies = member_client.cookies
    without_gate = captured_queries(ungated, path)
    added = list(with_gate)
    for sql in without_gate:
        if sql in added:
            added.remove(sql)
    assert len(with_gate) - len(without_gate) == len(added)
    return added


@pytest.fixture
def passed_client(member_client, notice):
    """A member who has just passed the gate (notice and a required purpose)."""
    make_purpose("terms", required=True)
    assert next_of(member_client.get("/")) is not None  # warms the requirements cache
    pass_gate(member_client)
    return member_client


@pytest.mark.django_db
def test_once_warm_the_gate_adds_no_query_to_a_member_page(passed_client, settings):
    newsletter = make_purpose("newsletter")
    page = publish(add_notice_page(slug="stay-in-touch", body=stream(consent_block(newsletter))))

    added = added_by_gate(passed_client, page.url, settings)

    # at most the site lookup could be added; Wagtail's serve shares it, so nothing is
    assert added == [], added


@pytest.mark.django_db
def test_on_a_page_that_never_looks_at_the_member_the_gate_only_loads_them(
    passed_client, centre, settings
):
    added = added_by_gate(passed_client, "/", settings)
    # an anonymous page never reads the session; telling a member from staff needs it and
    # the user row, and nothing more
    assert len(added) <= 2, added
    assert all('FROM "django_session"' in sql or 'FROM "auth_user"' in sql for sql in added)


@pytest.fixture
def warm_request(member_client, member, notice):
    """A request of a member who has passed, whose session is loaded as by the middleware."""
    from django.contrib.sessions.backends.db import SessionStore

    make_purpose("terms", required=True)
    member_client.get("/")
    pass_gate(member_client)

    request = RequestFactory().get("/")
    request.user = type(member).objects.get(pk=member.pk)
    request.session = SessionStore(member_client.session.session_key)
    # read before measuring, as AuthenticationMiddleware reads it on every member request
    assert request.session[gate.SESSION_KEY]
    return request


@pytest.mark.django_db
def test_once_warm_must_stop_makes_no_query(warm_request, django_assert_num_queries):
    site = default_site()
    gate.must_stop(warm_request, site)  # the requirements may have expired from the cache
    with django_assert_num_queries(0):
        assert gate.must_stop(warm_request, site) is False


@pytest.mark.django_db
def test_without_the_session_mark_must_stop_asks_the_database(warm_request):
    site = default_site()
    gate.must_stop(warm_request, site)
    del warm_request.session[gate.SESSION_KEY]
    with CaptureQueriesContext(connection) as queries:
        assert gate.must_stop(warm_request, site) is False
    assert len(queries) >= 1
    assert warm_request.session[gate.SESSION_KEY]  # remembered again


@pytest.mark.django_db
def test_cached_requirements_are_read_without_a_query(notice, django_assert_num_queries):
    site = default_site()
    first = gate.requirements_for_site(site)
    with django_assert_num_queries(0):
        assert gate.requirements_for_site(site) == first


# -- invalidation ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_material_publication_changes_the_fingerprint(notice, django_capture_on_commit_callbacks):
    site = default_site()
    before = gate.requirements_for_site(site)
    with django_capture_on_commit_callbacks(execute=True):
        notice = publish(notice, summary="Typo.")
    assert gate.requirements_for_site(site).fingerprint == before.fingerprint

    with django_capture_on_commit_callbacks(execute=True):
        publish(notice, material=True, summary="Changed.")
    after = gate.requirements_for_site(site)
    assert after.fingerprint != before.fingerprint
    assert (before.material_number, after.material_number) == (1, 3)


@pytest.mark.django_db
def test_raising_a_required_purposes_version_changes_the_fingerprint(db):
    site = default_site()
    terms = make_purpose("terms", required=True)
    newsletter = make_purpose("newsletter")
    before = gate.requirements_for_site(site)
    assert before.purposes == ((terms.pk, 1),)

    newsletter.version = 5
    newsletter.save()  # an optional purpose does not gate
    assert gate.requirements_for_site(site).fingerprint == before.fingerprint

    terms.version = 2
    terms.save()
    after = gate.requirements_for_site(site)
    assert after.purposes == ((terms.pk, 2),)
    assert after.fingerprint != before.fingerprint


@pytest.mark.django_db
def test_changing_the_notice_page_in_the_settings_changes_the_fingerprint(notice):
    site = default_site()
    before = gate.requirements_for_site(site)
    other = publish(add_notice_page(title="New notice", slug="new-notice"))
    configure(notice_page=other)
    after = gate.requirements_for_site(site)
    assert (before.notice_page_id, after.notice_page_id) == (notice.pk, other.pk)
    assert after.fingerprint != before.fingerprint


# -- bad input on the step -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_forged_purpose_field_is_refused_with_400_and_nothing_recorded(member_client, notice):
    make_purpose("newsletter")
    make_purpose("retired", active=False)
    for forged in ("consent_no-such-purpose", "consent_retired"):
        response = step_answer(member_client, "/", tick=["newsletter"], extra={forged: "on"})
        assert response.status_code == 400
        assert "does not exist. Nothing was recorded." in response.content.decode()
        assert ledger_count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["version", "text"])
def test_a_purpose_changed_since_the_step_was_shown_is_refused_with_the_new_text(
    member_client, notice, change
):
    newsletter = make_purpose("newsletter", name="Newsletter", text="Monthly news.")
    step = member_client.get("/privacy/consent/?next=/")
    data = hidden_inputs(step.content.decode())
    data["consent_newsletter"] = "on"

    newsletter.text = "Weekly news, and offers from partners."
    if change == "version":
        newsletter.version = 2
    newsletter.save()
    response = member_client.post("/privacy/consent/", data)

    assert response.status_code == 409
    html = response.content.decode()
    assert "“Newsletter” has changed since you read it" in html
    assert "Weekly news, and offers from partners." in html
    assert "Monthly news." not in html
    # everything or nothing: the notice was not acknowledged either
    assert ledger_count() == 0
    # the fresh form carries the new version and text, so answering it now works
    fresh = hidden_inputs(html)
    assert fresh["version_newsletter"] == str(newsletter.version)
    assert fresh["sha256_newsletter"] == consent.text_sha256(newsletter.text)
    fresh["consent_newsletter"] = "on"
    assert member_client.post("/privacy/consent/", fresh).status_code == 302
    assert ConsentRecord.objects.get(purpose=newsletter).purpose_version == newsletter.version


@pytest.mark.django_db
def test_a_required_purpose_raised_since_the_step_was_shown_is_refused(member_client):
    terms = make_purpose("terms", name="Terms", required=True, text="Old terms.")
    step = member_client.get("/privacy/consent/?next=/")
    data = hidden_inputs(step.content.decode())
    terms.version, terms.text = 2, "New terms."
    terms.save()
    response = member_client.post("/privacy/consent/", data)
    assert response.status_code == 409
    assert "New terms." in response.content.decode()
    assert ledger_count() == 0


@pytest.mark.django_db
def test_a_notice_republished_since_the_step_was_shown_is_refused(
    member_client, notice, django_capture_on_commit_callbacks
):
    step = member_client.get("/privacy/consent/?next=/")
    data = hidden_inputs(step.content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        publish(notice, material=True, summary="A brand new summary.")
    response = member_client.post("/privacy/consent/", data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "The privacy notice has changed since you opened this page." in html
    assert "A brand new summary." in html
    assert ledger_count() == 0


@pytest.mark.django_db
def test_a_step_posted_without_csrf_token_is_refused(member, notice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    step = client.get("/privacy/consent/?next=/")
    data = hidden_inputs(step.content.decode())
    del data["csrfmiddlewaretoken"]
    response = client.post("/privacy/consent/", data)
    assert response.status_code == 403
    assert ledger_count() == 0
    # with the token, the same answer is accepted
    data["csrfmiddlewaretoken"] = hidden_inputs(step.content.decode())["csrfmiddlewaretoken"]
    assert client.post("/privacy/consent/", data).status_code == 302
    assert ledger_count() == 1


@pytest.mark.django_db
def test_a_tampered_step_is_refused_with_a_message_and_nothing_recorded(member_client, notice):
    make_purpose("newsletter")
    step = member_client.get("/privacy/consent/?next=/")
    data = hidden_inputs(step.content.decode())
    data["notice_version"] = "not-a-number"
    del data["version_newsletter"]
    data["consent_newsletter"] = "on"

    response = member_client.post("/privacy/consent/", data)

    # Without the version of a purpose shown, nothing proves what was read: read it again.
    assert response.status_code == 409
    assert ledger_count() == 0
    assert 'role="alert"' in response.content.decode(), "the member is not told what went wrong"


@pytest.mark.django_db
def test_the_privacy_centre_is_never_gated(member_client, notice):
    """Withdrawing consent, a copy, erasure: rights do not wait for agreeing to anything."""
    from tests.access_helpers import add_privacy_centre

    add_privacy_centre()
    assert next_of(member_client.get("/")) == "/"  # the member still has to acknowledge
    for sub in ["", "consents/", "copy/", "erase/", "data/"]:
        response = member_client.get(f"/privacy-centre/{sub}")
        assert response.status_code == 200, (sub, response.status_code)
    assert ledger_count() == 0
