"""How a breach notice left "being sent" by a stopped worker is settled: the mail backend's
record is asked, so a notice it accepted is not emailed again; and the message-file backend
that keeps such a record."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from tests.access_helpers import make_member, make_orders
from tests.test_breach_notices import a_breach
from tests.test_breaches_admin import officer_client
from wagtail_gdpr import mail as mail_seam
from wagtail_gdpr.breaches import notices
from wagtail_gdpr.mail.backends import MessageFileBackend, message_key
from wagtail_gdpr.models import BreachNotice

pytestmark = pytest.mark.django_db

FILE_BACKEND = "wagtail_gdpr.mail.backends.MessageFileBackend"


@pytest.fixture
def one_notice(django_capture_on_commit_callbacks):
    make_orders(make_member("anna"), 1)
    breach = a_breach()
    with django_capture_on_commit_callbacks(execute=False):  # no batch runs by itself
        notices.start(breach, None)
    return BreachNotice.objects.get()


def left_being_sent(notice, stale=True):
    """As a worker leaves a notice when it is killed after handing the email over."""
    claimed = timezone.now() - (
        notices.STALLED_AFTER + timedelta(seconds=1) if stale else timedelta()
    )
    BreachNotice.objects.filter(pk=notice.pk).update(
        claim="a" * 32, claimed_at=claimed, sending_at=claimed
    )


def send(notice) -> int:
    return notices.send_batch(notice.breach_id, notice.pk, notice.pk)


def files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.eml"))


# -- the message-file backend ---------------------------------------------------------------


def test_the_file_backend_writes_one_whole_file_per_message_and_knows_them(tmp_path):
    backend = MessageFileBackend(file_path=tmp_path)
    first = EmailMessage("Hi", "Body", to=["a@example.com"], headers={"Message-ID": "<one@x>"})
    second = EmailMessage("Hi", "Body", to=["b@example.com"], headers={"Message-ID": "<two@x>"})
    assert backend.send_messages([first, second]) == 2
    [one] = backend.files_of("<one@x>")
    assert "Message-ID: <one@x>" in one.read_text() and "Body" in one.read_text()
    assert backend.accepted_message_ids(["<one@x>", "<two@x>", "<three@x>"]) == {
        "<one@x>",
        "<two@x>",
    }
    # Sent twice, a message is twice in the folder: the backend never hides a repeat.
    backend.send_messages([first])
    assert len(backend.files_of("<one@x>")) == 2
    assert list(tmp_path.glob("*.partial")) == []


def test_a_message_cut_short_before_its_rename_was_not_accepted(tmp_path):
    backend = MessageFileBackend(file_path=tmp_path)
    partial = tmp_path / f".{message_key('<cut@x>')}-0.eml.partial"
    partial.write_bytes(b"Message-ID: <cut@x>\n\nhalf a mes")
    assert backend.accepted_message_ids(["<cut@x>"]) == set()


def test_a_message_without_recipients_is_not_written(tmp_path):
    backend = MessageFileBackend(file_path=tmp_path)
    assert backend.send_messages([EmailMessage("Hi", "Body", to=[])]) == 0
    assert files(tmp_path) == []


def test_the_file_backend_needs_a_folder(settings):
    settings.EMAIL_FILE_PATH = None
    with pytest.raises(ImproperlyConfigured, match="EMAIL_FILE_PATH"):
        MessageFileBackend()


def test_backends_that_keep_no_record_cannot_say():
    assert (
        mail_seam.accepted(
            get_connection("django.core.mail.backends.locmem.EmailBackend"), ["<x@y>"]
        )
        is None
    )


# -- settling a notice left being sent -------------------------------------------------------


def test_a_notice_the_backend_accepted_before_the_stop_is_not_sent_again(
    one_notice, settings, tmp_path
):
    settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH = FILE_BACKEND, str(tmp_path)
    left_being_sent(one_notice)
    # The stopped worker's email is in the backend's record.
    MessageFileBackend(file_path=tmp_path).send_messages(
        [
            EmailMessage(
                "Notice", "…", to=[one_notice.email],
                headers={"Message-ID": notices.message_id(one_notice.pk, "localhost")},
            )
        ]
    )  # fmt: skip
    assert send(one_notice) == 1
    assert len(files(tmp_path)) == 1  # no second message
    one_notice.refresh_from_db()
    assert one_notice.sent_at and one_notice.delivery == BreachNotice.FOUND
    progress = notices.progress(one_notice.breach)
    assert (progress["sent"], progress["found"], progress["resent"]) == (1, 1, 0)


def test_a_notice_the_backend_never_accepted_is_sent_once(one_notice, settings, tmp_path):
    settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH = FILE_BACKEND, str(tmp_path)
    left_being_sent(one_notice)
    assert send(one_notice) == 1
    [message] = files(tmp_path)
    assert f"<breach-notice-{one_notice.pk}@localhost>" in message.read_text()
    one_notice.refresh_from_db()
    assert one_notice.sent_at and one_notice.delivery == BreachNotice.SENT


def test_without_a_record_the_notice_goes_again_as_the_same_message(one_notice):
    left_being_sent(one_notice)  # the test settings' backend (in memory) keeps no record
    assert send(one_notice) == 1
    [message] = mail.outbox
    assert message.extra_headers["Message-ID"] == f"<breach-notice-{one_notice.pk}@localhost>"
    one_notice.refresh_from_db()
    assert one_notice.delivery == BreachNotice.RESENT
    progress = notices.progress(one_notice.breach)
    assert (progress["sent"], progress["found"], progress["resent"]) == (1, 0, 1)
    # The breach's page says so to the officers.
    client, _officer = officer_client()
    page = client.get(f"/admin/gdpr/breaches/{one_notice.breach_id}/").content.decode()
    assert "1 of 1 notices sent." in page
    assert "not sent again, 0; sent again as the same message, 1." in page


def test_a_notice_being_sent_by_a_live_worker_is_left_alone(one_notice, settings, tmp_path):
    settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH = FILE_BACKEND, str(tmp_path)
    left_being_sent(one_notice, stale=False)
    assert send(one_notice) == 0
    assert files(tmp_path) == []
    one_notice.refresh_from_db()
    assert one_notice.sent_at is None and one_notice.claim == "a" * 32


def test_a_worker_marks_only_the_notices_it_still_holds(one_notice):
    claimed = notices._claim(
        one_notice.breach_id, one_notice.pk, one_notice.pk, timezone.now(), "b" * 32
    )
    assert [pk for pk, *_ in claimed] == [one_notice.pk]
    # Its claim went stale and another worker took the notice over.
    BreachNotice.objects.filter(pk=one_notice.pk).update(claim="c" * 32)
    assert notices._mark_sending(one_notice.pk, "b" * 32) is False
    assert notices._mark_sent(one_notice.pk, "b" * 32, BreachNotice.SENT) is False
    one_notice.refresh_from_db()
    assert one_notice.sending_at is None and one_notice.sent_at is None


def test_every_step_of_a_sent_notice_is_recorded(one_notice):
    assert send(one_notice) == 1
    one_notice.refresh_from_db()
    assert one_notice.claim and one_notice.claimed_at and one_notice.sending_at
    assert one_notice.sending_at <= one_notice.sent_at
    assert one_notice.delivery == BreachNotice.SENT
    assert send(one_notice) == 0 and len(mail.outbox) == 1  # run again: nothing more
