"""Breach notices on a real worker over Redis: 10,000 members, the worker killed again and again
mid-run, from outside at moments nobody picks and from inside at the worst instants, and every
member emailed exactly once."""

import os
import random
import re
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tests.conftest import wait_for
from wagtail_gdpr import tasks
from wagtail_gdpr.breaches import notices, record
from wagtail_gdpr.mail.backends import message_key
from wagtail_gdpr.models import Breach, BreachNotice
from wagtail_gdpr.registry import registry

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

MEMBERS = 10_000
MESSAGE_ID = re.compile(r"^Message-ID: <breach-notice-(\d+)@", re.MULTILINE)

# Each step restarts the worker and lets it run until it is killed: from outside (SIGKILL by
# the test once this many notices are sent, plus a random pause, so the instant falls anywhere
# in the sending of a message), or from inside (the worker's mail backend SIGKILLs its own
# process at the n-th message it sends, once the message is written but before it is accepted,
# or once it is accepted but before the notice is marked sent: the one instant a worker cannot
# know about by itself).
STEPS = [
    ("outside", 800),
    ("accepted", 37),
    ("outside", 2600),
    ("written", 23),
    ("outside", 4400),
    ("accepted", 1),
    ("outside", 6200),
    ("accepted", 50),
    ("outside", 8000),
]


def sent_count(breach) -> int:
    return BreachNotice.objects.filter(breach=breach, sent_at__isnull=False).count()


def in_doubt(breach) -> list[BreachNotice]:
    """The notices a stopped worker had handed to the mail backend without marking them sent."""
    return list(
        BreachNotice.objects.filter(breach=breach, sending_at__isnull=False, sent_at__isnull=True)
    )


def emails_per_notice(worker, pks: set[int]) -> Counter:
    """How many messages the mail backend accepted for each notice."""
    counted = Counter()
    for text in worker.emails():
        counted.update(int(pk) for pk in MESSAGE_ID.findall(text) if int(pk) in pks)
    return counted


def accepted_files(worker, notice) -> list[Path]:
    key = message_key(notices.message_id(notice.pk, "localhost"))
    return list(Path(worker.email_dir).glob(f"{key}-*.eml"))


def partial_files(worker, notice) -> list[Path]:
    key = message_key(notices.message_id(notice.pk, "localhost"))
    return list(Path(worker.email_dir).glob(f".{key}-*.partial"))


def let_claims_go_stale(breach):
    """What ten quiet minutes do: the stopped worker's claims are stale, the sending quiet."""
    quiet = timezone.now() - notices.STALLED_AFTER - timedelta(minutes=1)
    BreachNotice.objects.filter(breach=breach).update(created_at=quiet)
    BreachNotice.objects.filter(breach=breach, claimed_at__isnull=False).update(claimed_at=quiet)


def restart(worker, monkeypatch, die_at=""):
    """A new worker; the killed worker's batches are lost with it (the queue is purged), and
    the periodic sweep hands them out again."""
    if die_at:
        monkeypatch.setenv("WAGTAIL_GDPR_TEST_DIE_AT", die_at)
    else:
        monkeypatch.delenv("WAGTAIL_GDPR_TEST_DIE_AT", raising=False)
    worker.start()
    monkeypatch.delenv("WAGTAIL_GDPR_TEST_DIE_AT", raising=False)
    tasks.resume_breach_notices.delay()


def test_worker_killed_again_and_again_emails_every_member_exactly_once(worker, monkeypatch):
    seed = int(os.environ.get("BREACH_KILL_SEED") or time.time())
    print(f"BREACH_KILL_SEED={seed}")
    pause = random.Random(seed)
    User = get_user_model()
    User.objects.bulk_create(
        User(username=f"member{i:05}", email=f"member{i:05}@example.com", password="!")
        for i in range(MEMBERS)
    )
    breach = record.record_breach(
        None,
        title="Member list exported by mistake",
        discovered_at=timezone.now() - timedelta(hours=1),
        declarations=[registry.get(User).model_label],
        notice_what_happened="A list of member accounts was sent to the wrong partner.",
        notice_what_you_can_do="Watch out for emails that pretend to come from us.",
    )
    record.assess(breach, None, Breach.HIGH_RISK, "Names with addresses")
    with transaction.atomic():
        assert notices.start(breach, None) == MEMBERS  # batches go to Redis on commit

    found_expected, sent_expected, doubtful_seen = [], [], []
    for number, (how, when) in enumerate(STEPS):
        if number:
            restart(worker, monkeypatch, die_at="" if how == "outside" else f"{how}:{when}")
        sent_before = sent_count(breach)
        if how == "outside":
            wait_for(lambda w=when: sent_count(breach) >= w, timeout=300, message=f"{when} sent")
            time.sleep(pause.uniform(0, 0.05))
            worker.kill()
        else:
            assert worker.process.wait(timeout=300) == -9  # the worker killed itself
            worker.kill()
        doubtful = in_doubt(breach)
        sent_after = sent_count(breach)
        assert sent_before <= sent_after < MEMBERS, f"step {number} must stop mid-run"
        assert len(doubtful) <= 1  # one message in hand at a time
        if how == "accepted":
            [notice] = doubtful
            assert len(accepted_files(worker, notice)) == 1
            found_expected.append(notice.pk)
        elif how == "written":
            [notice] = doubtful
            assert accepted_files(worker, notice) == []
            assert len(partial_files(worker, notice)) == 1
            sent_expected.append(notice.pk)
        doubtful_seen.extend(doubtful)
        let_claims_go_stale(breach)

    restart(worker, monkeypatch)
    first, last = notices.batches(breach.pk)[0]
    tasks.send_breach_notices.delay(breach.pk, first, last)  # a duplicate delivery: no effect
    wait_for(lambda: sent_count(breach) == MEMBERS, timeout=600, message="every notice sent")
    time.sleep(2)  # let the duplicate batch finish, finding nothing to send

    pks = set(BreachNotice.objects.filter(breach=breach).values_list("pk", flat=True))
    assert len(pks) == MEMBERS
    emailed = emails_per_notice(worker, pks)
    # Nobody skipped, nobody emailed twice: the mail backend accepted one message per notice.
    assert set(emailed) == pks
    assert [pk for pk, count in emailed.items() if count != 1] == []
    assert sum(emailed.values()) == MEMBERS
    deliveries = Counter(
        BreachNotice.objects.filter(breach=breach).values_list("delivery", flat=True)
    )
    # The notices accepted just before a kill were found in the backend's record, not resent;
    # the one cut short before acceptance went out once; none needed sending again blind.
    by_pk = dict(BreachNotice.objects.filter(pk__in=pks).values_list("pk", "delivery"))
    assert [by_pk[pk] for pk in found_expected] == [BreachNotice.FOUND] * len(found_expected)
    assert [by_pk[pk] for pk in sent_expected] == [BreachNotice.SENT] * len(sent_expected)
    assert deliveries[BreachNotice.RESENT] == 0
    assert deliveries[BreachNotice.FOUND] + deliveries[BreachNotice.SENT] == MEMBERS
    print(
        f"kills={len(STEPS)} in_doubt_after_kills={len(doubtful_seen)} "
        f"deliveries={dict(deliveries)} messages={sum(emailed.values())}"
    )
