"""Stored files of erased data: removed after commit, on a real worker, and never lost."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction

from tests.conftest import broker_unreachable, wait_for
from tests.testapp.models import Attachment
from wagtail_gdpr import files, tasks
from wagtail_gdpr.anonymisers import get_anonymiser
from wagtail_gdpr.erasure.log import log_path
from wagtail_gdpr.models import PendingFileRemoval
from wagtail_gdpr.storage import get_report_storage, private_root


def make_attachment(username="alice", content=b"my passport scan"):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw")
    return Attachment.objects.create(owner=user, upload=ContentFile(content, name="scan.txt"))


def erase_upload(attachment):
    """What an erasure does to the file field: anonymise it and save, in one transaction."""
    field = Attachment._meta.get_field("upload")
    with transaction.atomic():
        attachment.upload = get_anonymiser("file").anonymise(
            attachment.upload, instance=attachment, field=field
        )
        attachment.save()


@pytest.mark.django_db(transaction=True)
def test_file_is_removed_after_commit_in_process():
    attachment = make_attachment()
    path = Path(attachment.upload.path)
    assert path.read_bytes() == b"my passport scan"

    erase_upload(attachment)

    attachment.refresh_from_db()
    assert attachment.upload.name == ""
    assert not path.exists()
    assert not PendingFileRemoval.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_rolled_back_erasure_keeps_the_file_and_queues_nothing():
    attachment = make_attachment()
    path = Path(attachment.upload.path)
    field = Attachment._meta.get_field("upload")

    with pytest.raises(RuntimeError), transaction.atomic():
        attachment.upload = get_anonymiser("file").anonymise(
            attachment.upload, instance=attachment, field=field
        )
        attachment.save()
        raise RuntimeError("the erasure failed half-way")

    assert path.exists()
    assert not PendingFileRemoval.objects.exists()
    attachment.refresh_from_db()
    assert attachment.upload.name.startswith("attachments/scan")


@pytest.mark.django_db(transaction=True)
def test_removal_is_idempotent_and_a_missing_file_is_not_an_error():
    attachment = make_attachment()
    path = Path(attachment.upload.path)
    field = Attachment._meta.get_field("upload")
    removal = PendingFileRemoval.objects.create(
        model_label="testapp.Attachment", field_name=field.name, file_name=attachment.upload.name
    )
    assert files.remove_file(removal.pk) == files.REMOVED
    assert not path.exists()
    assert files.remove_file(removal.pk) == files.ALREADY_DONE

    gone = PendingFileRemoval.objects.create(
        model_label="testapp.Attachment", field_name="upload", file_name="attachments/never.txt"
    )
    assert files.remove_file(gone.pk) == files.REMOVED


@pytest.mark.django_db(transaction=True)
def test_storage_failure_keeps_the_row_and_counts_the_attempt():
    removal = PendingFileRemoval.objects.create(
        model_label="testapp.Attachment", field_name="no_such_field", file_name="attachments/x.txt"
    )
    assert files.remove_file(removal.pk) == files.FAILED
    removal.refresh_from_db()
    assert removal.attempts == 1
    assert removal.last_error == "FieldDoesNotExist"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_removes_the_file(worker):
    attachment = make_attachment()
    path = Path(attachment.upload.path)

    erase_upload(attachment)

    wait_for(lambda: not path.exists(), message="the worker to delete the file")
    wait_for(lambda: not PendingFileRemoval.objects.exists(), message="the queue row to go")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_broker_down_loses_nothing_and_the_sweep_catches_up(worker, caplog):
    attachment = make_attachment()
    path = Path(attachment.upload.path)
    with broker_unreachable():
        erase_upload(attachment)  # commits; enqueueing after commit fails

    attachment.refresh_from_db()
    assert attachment.upload.name == ""  # the erasure itself committed
    assert path.exists()  # the broker never got the task
    assert PendingFileRemoval.objects.count() == 1  # but the work is not lost
    assert "stays queued for the sweep" in caplog.text
    assert "scan" not in caplog.text  # no file name (personal data) in the log

    tasks.remove_pending_files.delay()  # the broker is back: the periodic sweep runs

    wait_for(lambda: not path.exists(), message="the sweep to delete the file")
    wait_for(lambda: not PendingFileRemoval.objects.exists(), message="the queue to empty")


@pytest.mark.django_db(transaction=True)
def test_management_command_sweeps_the_queue(capsys):
    attachment = make_attachment()
    path = Path(attachment.upload.path)
    PendingFileRemoval.objects.create(
        model_label="testapp.Attachment", field_name="upload", file_name=attachment.upload.name
    )
    call_command("gdpr_remove_files")
    assert "Removed 1" in capsys.readouterr().out
    assert not path.exists()


@pytest.mark.parametrize("kind", [str, Path], ids=["str", "Path"])
def test_the_private_root_may_be_a_str_or_a_path(settings, tmp_path, kind):
    """Wagtail's project template makes BASE_DIR a str, Django's a Path: both work."""

    settings.WAGTAIL_GDPR_PRIVATE_ROOT = kind(tmp_path / "private")
    settings.WAGTAIL_GDPR_ERASURE_LOG = None
    assert private_root() == tmp_path / "private"
    assert log_path() == tmp_path / "private" / "erasure-log.jsonl"
    storage = get_report_storage()
    name = storage.save("reports/check.txt", ContentFile(b"x"))
    assert (tmp_path / "private" / name).read_bytes() == b"x"
