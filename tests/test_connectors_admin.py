"""Staff send an undeliverable event to a connected system again, or close it, from the admin."""

import pytest
from django.test import Client

from tests.test_connectors import given_up_event
from tests.test_queue import make_editor, make_officer
from wagtail_gdpr.connectors import outbox
from wagtail_gdpr.tables import ConnectorEvent

LIST = "/admin/wagtail_gdpr/connectorevent/"


@pytest.fixture
def undeliverable(settings):
    return given_up_event(settings)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_list_offers_both_actions_for_an_undeliverable_event_only(undeliverable):
    officer = logged_in(make_officer())
    page = officer.get(LIST).content.decode()
    assert f"/admin/gdpr/connector-events/{undeliverable.pk}/send-again/" in page
    assert f"/admin/gdpr/connector-events/{undeliverable.pk}/close/" in page
    outbox.close_unsent(undeliverable.pk)
    page = officer.get(LIST).content.decode()
    assert "/send-again/" not in page and "/close/" not in page


@pytest.mark.django_db
def test_an_officer_sends_it_again_after_reading_what_happens(
    undeliverable, django_capture_on_commit_callbacks
):
    officer = logged_in(make_officer())
    url = f"/admin/gdpr/connector-events/{undeliverable.pk}/send-again/"
    page = officer.get(url)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "same key" in page.content.decode()
    undeliverable.refresh_from_db()
    assert undeliverable.status == "undeliverable"  # a GET changes nothing

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        done = officer.post(url)
    assert done.status_code == 302 and done["Location"] == LIST
    assert callbacks  # the delivery goes to a worker once it commits
    undeliverable.refresh_from_db()
    assert (undeliverable.status, undeliverable.attempts) == ("pending", 0)
    # A second POST (a double click) is refused in words, and changes nothing.
    again = officer.post(url)
    assert again.status_code == 409
    assert "could not be delivered" in again.content.decode()


@pytest.mark.django_db
def test_an_officer_closes_it_and_it_forgets_whom_it_was_about(undeliverable):
    officer = logged_in(make_officer())
    done = officer.post(f"/admin/gdpr/connector-events/{undeliverable.pk}/close/")
    assert done.status_code == 302
    undeliverable.refresh_from_db()
    assert "subject" not in undeliverable.payload
    assert undeliverable.status == ConnectorEvent.UNDELIVERABLE


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["send-again", "close"])
def test_nobody_else_can_and_bad_ids_are_not_found(undeliverable, action):
    url = f"/admin/gdpr/connector-events/{undeliverable.pk}/{action}/"
    editor = logged_in(make_editor())
    assert editor.post(url).status_code == 403
    assert Client().post(url).status_code in (302, 403)  # to the login page
    undeliverable.refresh_from_db()
    assert undeliverable.status == "undeliverable" and "subject" in undeliverable.payload
    officer = logged_in(make_officer())
    assert (
        officer.get(f"/admin/gdpr/connector-events/{undeliverable.pk + 99}/{action}/").status_code
        == 404
    )
    assert officer.get(f"/admin/gdpr/connector-events/x/{action}/").status_code == 404
    assert officer.get(f"/admin/gdpr/connector-events/{2**63}/{action}/").status_code == 404


@pytest.mark.django_db
def test_staff_read_the_kind_of_request_in_words(undeliverable):
    officer = logged_in(make_officer())
    page = officer.get(f"{LIST}inspect/{undeliverable.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Erasure" in text and ">erasure<" not in text
