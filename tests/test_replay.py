"""The erasure log and its replay after a backup is restored."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from tests.erasure_helpers import (
    PASSWORD,
    attachment_storage,  # noqa: F401  (autouse)
    clean_cache,  # noqa: F401  (autouse)
    erasure_log,  # noqa: F401  (autouse)
    log_lines,
    make_world,
    snapshot,
)
from tests.testapp.models import Order, Profile
from wagtail_gdpr import erasure
from wagtail_gdpr.models import DataSubjectRequest

pytestmark = pytest.mark.django_db

User = get_user_model()


def backup(*worlds) -> list:
    """A database backup of everything about these members, taken before the erasure."""
    objects = []
    for world in worlds:
        for model, pks in world.objects().items():
            objects.extend(model._base_manager.filter(pk__in=pks).order_by("pk"))
    return serializers.serialize("python", objects)


def restore(dump: list, storage=None, *worlds):
    """Restore the backup: the same rows, same primary keys, the old values (and the files)."""
    for obj in serializers.deserialize("python", dump):
        obj.save()
    for world in worlds:
        if not storage.exists(world.file_name):
            storage.save(world.file_name, ContentFile(f"{world.user.username} passport scan"))


def comparable(snap: dict) -> dict:
    """The snapshot without the account's password hash: a new unusable one each time."""
    snap = {label: [dict(row) for row in rows] for label, rows in snap.items()}
    for row in snap[User._meta.label]:
        assert row["password"].startswith("!"), "the password must be unusable"
        row.pop("password")
    return snap


def replay(since, django_capture_on_commit_callbacks) -> str:
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("gdpr_replay_erasures", since=since, stdout=out)
    return out.getvalue()


def erase(user, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return erasure.execute(user, **kwargs)


def yesterday() -> str:
    return (timezone.localdate() - timedelta(days=1)).isoformat()


def tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


def test_the_log_names_rows_by_primary_key_only(erasure_log, django_capture_on_commit_callbacks):  # noqa: F811
    alice = make_world("alice")
    with django_capture_on_commit_callbacks(execute=True):
        dsr = erasure.request_erasure(alice.user)
    assert DataSubjectRequest.objects.get(pk=dsr.pk).status == DataSubjectRequest.DONE

    text = erasure_log.read_text()
    (entry,) = log_lines(erasure_log)

    assert [s for s in alice.secrets if s.lower() in text.lower()] == []
    assert set(entry) == {"at", "request_id", "member_id", "actions"}
    assert (entry["request_id"], entry["member_id"]) == (dsr.pk, alice.user.pk)
    for action in entry["actions"]:
        assert set(action) <= {"model", "delete", "anonymise", "account", "pk"}, action
        for key in ("delete", "anonymise"):
            assert all(isinstance(pk, int) for pk in action.get(key, []))
    actions = {(a["model"], k): sorted(a[k]) for a in entry["actions"] for k in a if
               k in ("delete", "anonymise")}  # fmt: skip
    assert actions[("testapp.Order", "delete")] == sorted(o.pk for o in alice.old_orders)
    assert actions[("testapp.Order", "anonymise")] == sorted(o.pk for o in alice.kept_orders)
    assert actions[("testapp.Profile", "delete")] == [alice.profile.pk]
    assert actions[("wagtailforms.FormSubmission", "delete")] == [alice.submission.pk]
    assert actions[("wagtail_gdpr.DataSubjectRequest", "anonymise")] == [dsr.pk]
    assert entry["actions"][-1]["model"] == User._meta.label
    assert entry["actions"][-1]["pk"] == alice.user.pk


def test_replay_after_a_restore_erases_the_member_again(
    django_capture_on_commit_callbacks,
    attachment_storage,  # noqa: F811
):
    alice = make_world("alice")
    bob = make_world("bob")
    dump = backup(alice, bob)
    restored_state = snapshot(alice)
    bob_state = snapshot(bob)
    erase(alice.user, django_capture_on_commit_callbacks)
    erased_state = snapshot(alice)

    restore(dump, attachment_storage, alice)
    assert snapshot(alice) == restored_state  # the old personal values are back
    assert Order.objects.get(pk=alice.young_orders[0].pk).email == alice.account_email

    output = replay(yesterday(), django_capture_on_commit_callbacks)

    assert "Replayed 1 erasures" in output
    assert comparable(snapshot(alice)) == comparable(erased_state)
    for order in Order.objects.filter(pk__in=[o.pk for o in alice.kept_orders]):
        assert order.email == f"erased-{order.pk}@erased.invalid"
        assert order.shipping_address == ""
    assert not Order.objects.filter(pk__in=[o.pk for o in alice.old_orders]).exists()
    assert not Profile.objects.filter(pk=alice.profile.pk).exists()
    assert not Client().login(username="alice", password=PASSWORD)
    assert snapshot(bob) == bob_state


def test_replay_deletes_the_restored_account(django_capture_on_commit_callbacks):
    alice = make_world("alice")
    dump = backup(alice)
    erase(alice.user, django_capture_on_commit_callbacks)
    restore(dump, None)
    assert User.objects.filter(pk=alice.user.pk, username="alice").exists()

    replay(yesterday(), django_capture_on_commit_callbacks)

    assert not User.objects.filter(pk=alice.user.pk).exists()


def test_replay_removes_a_restored_stored_file(
    django_capture_on_commit_callbacks,
    attachment_storage,  # noqa: F811
):
    """A restore that brings the media files back must not bring back an erased member's file."""
    alice = make_world("alice")
    dump = backup(alice)
    erase(alice.user, django_capture_on_commit_callbacks)
    assert not attachment_storage.exists(alice.file_name)
    restore(dump, attachment_storage, alice)
    assert attachment_storage.exists(alice.file_name)

    replay(yesterday(), django_capture_on_commit_callbacks)

    assert not attachment_storage.exists(alice.file_name)


def test_replaying_twice_changes_nothing_more(django_capture_on_commit_callbacks):
    alice = make_world("alice")
    dump = backup(alice)
    erase(alice.user, django_capture_on_commit_callbacks)
    restore(dump, None)
    replay(yesterday(), django_capture_on_commit_callbacks)
    once = snapshot(alice)
    orders_once = list(Order.objects.order_by("pk").values())

    output = replay(yesterday(), django_capture_on_commit_callbacks)

    assert "0 rows deleted" in output
    assert comparable(snapshot(alice)) == comparable(once)
    assert list(Order.objects.order_by("pk").values()) == orders_once


def test_since_after_the_erasure_replays_nothing(django_capture_on_commit_callbacks):
    alice = make_world("alice")
    dump = backup(alice)
    restored_state = snapshot(alice)
    erase(alice.user, django_capture_on_commit_callbacks)
    restore(dump, None)

    output = replay(tomorrow(), django_capture_on_commit_callbacks)

    assert "Replayed 0 erasures" in output
    assert snapshot(alice) == restored_state


def test_since_selects_the_erasures_made_from_then_on(django_capture_on_commit_callbacks):
    alice = make_world("alice")
    bob = make_world("bob")
    dump = backup(alice, bob)
    erase(bob.user, django_capture_on_commit_callbacks, now=timezone.now() - timedelta(days=10))
    erase(alice.user, django_capture_on_commit_callbacks)
    alice_erased = snapshot(alice)
    restore(dump, None)
    bob_restored = snapshot(bob)
    since = (timezone.localdate() - timedelta(days=5)).isoformat()

    output = replay(since, django_capture_on_commit_callbacks)

    assert "Replayed 1 erasures" in output
    assert comparable(snapshot(alice)) == comparable(alice_erased)
    assert snapshot(bob) == bob_restored  # erased before --since: the backup already had it


def test_since_with_a_time_of_day():
    alice = make_world("alice")
    erasure.execute(alice.user)
    moment = timezone.localtime() + timedelta(hours=1)

    out = io.StringIO()
    call_command("gdpr_replay_erasures", since=moment.strftime("%Y-%m-%dT%H:%M"), stdout=out)

    assert "Replayed 0 erasures" in out.getvalue()


@pytest.mark.parametrize(
    "since",
    ["yesterday", "29/11/2026", "2026-11", "", "2026-02-30", "2026-11-29T25:00"],
)
def test_a_malformed_since_is_refused(since):
    with pytest.raises(CommandError):
        call_command("gdpr_replay_erasures", since=since, stdout=io.StringIO())


def test_since_is_required():
    with pytest.raises(CommandError):
        call_command("gdpr_replay_erasures", stdout=io.StringIO())


def test_replay_without_a_log_does_nothing(erasure_log):  # noqa: F811
    assert not erasure_log.exists()
    out = io.StringIO()

    call_command("gdpr_replay_erasures", since=yesterday(), stdout=out)

    assert "Replayed 0 erasures" in out.getvalue()
