"""The notices to the people a breach affected (GDPR Art. 34): one row and one email each, in
each person's language, in batches a second run does not repeat; and in the privacy centre."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.access_helpers import add_privacy_centre, configure, make_member, make_orders, url_of
from tests.testapp.models import Order
from wagtail_gdpr import audit
from wagtail_gdpr.breaches import notices, record
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.models import Breach, BreachEntry, BreachNotice, ConsentRecord

pytestmark = pytest.mark.django_db


def a_breach(**facts):
    values = {
        "title": "Order export on a public share",
        "discovered_at": timezone.now() - timedelta(hours=3),
        "declarations": ["testapp.Order"],
        "notice_what_happened": "A file with your orders was readable by others for two days.",
        "notice_what_we_did": "We closed the share and checked who opened it.",
        "notice_what_you_can_do": "Be careful with emails that ask about your orders.",
    }
    values.update(facts)
    breach = record.record_breach(None, **values)
    record.assess(breach, None, Breach.HIGH_RISK, "Addresses and order history")
    return breach


def speaks_swedish(member):
    ConsentRecord.objects.create(
        user=member, action=ConsentRecord.ACKNOWLEDGED, text_sha256="0" * 64, locale="sv",
        source=ConsentRecord.SOURCE_GATE,
    )  # fmt: skip


def test_notices_need_an_assessment_and_words(django_capture_on_commit_callbacks):
    breach = record.record_breach(
        None, title="x", discovered_at=timezone.now(), declarations=["testapp.Order"]
    )
    with pytest.raises(Refused, match="risk assessment"):
        notices.start(breach, None)
    record.assess(breach, None, Breach.HIGH_RISK, "bad")
    with pytest.raises(Refused, match="what happened"):
        notices.start(breach, None)
    assert not BreachNotice.objects.exists()


def test_each_person_gets_one_notice_in_their_language(django_capture_on_commit_callbacks):
    configure(dpo_name="Dana", dpo_email="dpo@example.com")
    add_privacy_centre()
    anna, bob = make_member("anna"), make_member("bob")
    speaks_swedish(anna)
    make_orders(anna, 2)
    make_orders(bob, 1)
    Order.objects.create(email="Guest@Example.org")  # a guest with an address
    make_member("carol")  # not affected
    breach = a_breach()

    with django_capture_on_commit_callbacks(execute=True):
        assert notices.start(breach, None) == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "anna@example.com", "bob@example.com", "guest@example.org",
    ]  # fmt: skip
    by_address = {m.to[0]: m for m in mail.outbox}
    swedish = by_address["anna@example.com"]
    assert "personuppgifter" in swedish.subject
    assert "Vad som hände" in swedish.body
    english = by_address["bob@example.com"]
    assert "What happened" in english.body and "dpo@example.com" in english.body
    assert "A file with your orders" in english.body
    assert "Contact details" in english.body  # which of their data
    assert "/security-notices/" in english.body
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 3
    assert BreachNotice.objects.filter(sent_at__isnull=False).count() == 3
    breach.refresh_from_db()
    assert breach.people_notified_at is not None
    assert breach.entries.filter(kind=BreachEntry.NOTICES_SENT).get().changes == {"notices": 3}

    # Started again (people were added): nobody is told twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.start(breach, None) == 3
    assert mail.outbox == []
    assert BreachNotice.objects.count() == 3


def test_batches_cover_every_notice_once_and_run_again_harmlessly(
    django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(notices, "BATCH_SIZE", 4)
    for i in range(10):
        make_orders(make_member(f"m{i}"), 1)
    breach = a_breach()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notices.start(breach, None)
    ranges = notices.batches(breach.pk, 4)
    assert len(ranges) == 3 and len(callbacks) == 3
    first, last = ranges[0]
    assert notices.send_batch(breach.pk, first, last) == 4
    assert notices.send_batch(breach.pk, first, last) == 0  # a duplicate delivery
    assert len(mail.outbox) == 4
    assert len(notices.batches(breach.pk, 4)) == 2  # what is left


def test_resume_hands_out_what_a_stopped_worker_left(django_capture_on_commit_callbacks):
    make_orders(make_member("anna"), 1)
    breach = a_breach()
    with django_capture_on_commit_callbacks(execute=False):
        notices.start(breach, None)  # the batches never ran
    assert notices.resume() == 0  # not stalled yet
    later = timezone.now() + notices.STALLED_AFTER + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.resume(now=later) == 1
    assert len(mail.outbox) == 1
    assert notices.progress(breach) == {"total": 1, "sent": 1, "found": 0, "resent": 0}


def test_a_notice_row_is_unique_per_person():
    from django.db import IntegrityError, transaction

    breach = a_breach()
    member = make_member("anna")
    BreachNotice.objects.create(breach=breach, member=member, email="anna@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        BreachNotice.objects.create(breach=breach, member=member, email="other@example.com")
    BreachNotice.objects.create(breach=breach, email="guest@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        BreachNotice.objects.create(breach=breach, email="guest@example.org")


def test_the_member_reads_the_notice_in_the_privacy_centre(django_capture_on_commit_callbacks):
    centre = add_privacy_centre()
    anna, bob = make_member("anna"), make_member("bob")
    make_orders(anna, 1)
    breach = a_breach()
    with django_capture_on_commit_callbacks(execute=True):
        notices.start(breach, None)
    client = Client()
    client.force_login(anna)
    response = client.get(url_of(centre, "security-notices/"))
    page = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "A file with your orders was readable" in page and "Contact details" in page
    client.force_login(bob)
    page = client.get(url_of(centre, "security-notices/")).content.decode()
    assert "No security problem has affected your data." in page
    assert "A file with your orders" not in page
    client.logout()
    assert client.get(url_of(centre, "security-notices/")).status_code == 302


def test_sending_is_in_the_audit_log(django_capture_on_commit_callbacks):
    from wagtail.models import ModelLogEntry

    make_orders(make_member("anna"), 1)
    breach = a_breach()
    with django_capture_on_commit_callbacks(execute=True):
        notices.start(breach, None)
    logged = ModelLogEntry.objects.get(action=audit.BREACH_NOTICES_SENT)
    assert logged.data["notices"] == 1 and "anna" not in str(logged.data)


def test_a_claimed_notice_is_left_to_its_worker_until_it_stalls(django_capture_on_commit_callbacks):
    make_orders(make_member("anna"), 1)
    breach = a_breach()
    with django_capture_on_commit_callbacks(execute=False):
        notices.start(breach, None)
    notice = BreachNotice.objects.get()
    # Another worker is sending it right now.
    BreachNotice.objects.filter(pk=notice.pk).update(claimed_at=timezone.now())
    assert notices.send_batch(breach.pk, notice.pk, notice.pk) == 0
    assert mail.outbox == []
    # That worker died while sending: the notice goes again, as the same message.
    stalled = timezone.now() - notices.STALLED_AFTER - timedelta(seconds=1)
    BreachNotice.objects.filter(pk=notice.pk).update(claimed_at=stalled)
    assert notices.send_batch(breach.pk, notice.pk, notice.pk) == 1
    [message] = mail.outbox
    assert message.extra_headers["Message-ID"] == f"<breach-notice-{notice.pk}@localhost>"
