"""The notices to the people a breach affected (GDPR Art. 34), sent in batches, each once.

Starting the notices writes one :class:`BreachNotice` row per person, set-based (one
``INSERT ... SELECT`` for the members, whatever their number), then hands the rows to the jobs
seam in batches of primary-key ranges.

A batch moves each notice through its states, each step committed on its own: it claims a few
waiting notices (with a claim of its own), marks one "being sent", hands its email to the mail
backend with a Message-ID made from the notice (``<breach-notice-<id>@<host>>``), marks it sent,
and goes on to the next. A worker only marks a notice it still holds, so two workers never
send one notice. A worker killed mid-run leaves its claimed notices behind; once the claims are
stale (:data:`STALLED_AFTER`) another worker takes them. Those never marked "being sent" were
never handed to the mail backend, and go out. The one that was being sent is in doubt: the
mail backend is asked whether it accepted that Message-ID (:func:`wagtail_gdpr.mail.accepted`).
If it did, the notice is marked sent without a second email; if it did not, it is sent; if the
backend cannot say (SMTP), it is sent again, as the same message, and marked so.
:func:`resume` (a periodic job) hands out the batches of a sending that stopped.

Members also read their notice in the privacy centre, under "Security notices".
"""

from __future__ import annotations

import uuid
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_gdpr import audit, jobs, mail, routes
from wagtail_gdpr.breaches import scope
from wagtail_gdpr.errors import Refused
from wagtail_gdpr.tables import (
    Breach,
    BreachEntry,
    BreachNotice,
    ConsentRecord,
    GdprSettings,
)
from wagtail_gdpr.tables.breaches import NOTICE_CLAIM_STALLS_AFTER

BATCH_SIZE = 500
#: How many notices a worker claims at a time, within its batch.
CLAIM_SIZE = 50
#: Unsent notices older than this are handed out again by :func:`resume`.
STALLED_AFTER = NOTICE_CLAIM_STALLS_AFTER


def _member_rows_sql(breach: Breach) -> tuple[str, list]:
    """``SELECT member id, address, language`` of every affected member, as SQL."""
    email_field = get_user_model().get_email_field_name()
    language = Subquery(
        ConsentRecord.objects.filter(user_id=OuterRef("pk"))
        .exclude(locale="")
        .order_by("-created_at")
        .values("locale")[:1]
    )
    members = (
        scope.affected_members(breach)
        .annotate(notice_language=language)
        .values_list("pk", email_field, "notice_language")
        .order_by()
    )
    return members.query.sql_with_params()


def _create_rows(breach: Breach, now: datetime) -> int:
    """One notice row per affected person; rows already there are left (run twice: no-op)."""
    table = BreachNotice._meta.db_table
    select, params = _member_rows_sql(breach)
    with connection.cursor() as cursor:
        # A named WITH (not a column list on a subquery alias) and a WHERE before ON CONFLICT:
        # the form PostgreSQL and SQLite both read.
        cursor.execute(
            f"WITH m (col1, col2, col3) AS ({select}) "  # noqa: S608
            f"INSERT INTO {table} "
            "(breach_id, member_id, email, language, created_at, claim, delivery) "
            "SELECT %s, m.col1, COALESCE(m.col2, ''), COALESCE(m.col3, ''), %s, '', '' "
            "FROM m WHERE 1 = 1 ON CONFLICT DO NOTHING",
            [*params, breach.pk, now],
        )
    BreachNotice.objects.bulk_create(
        [
            BreachNotice(breach=breach, email=address, created_at=now)
            for address in sorted(scope.guest_addresses(breach))
        ],
        ignore_conflicts=True,
        batch_size=5000,
    )
    return BreachNotice.objects.filter(breach=breach).count()


def batches(breach_id: int, size: int | None = None) -> list[tuple[int, int]]:
    """``(first pk, last pk)`` of each batch of the breach's unsent notices, counted in SQL."""
    table = BreachNotice._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(id), MAX(id) FROM (SELECT id, (ROW_NUMBER() OVER (ORDER BY id) - 1) / %s "  # noqa: S608
            f"AS batch FROM {table} WHERE breach_id = %s AND sent_at IS NULL) AS numbered "
            "GROUP BY batch ORDER BY 1",
            [size or BATCH_SIZE, breach_id],
        )
        return [(first, last) for first, last in cursor.fetchall()]


def _enqueue(breach_id: int) -> int:
    found = batches(breach_id)
    for first, last in found:
        jobs.send_on_commit(jobs.SEND_BREACH_NOTICES, breach_id, first, last)
    return len(found)


@transaction.atomic
def start(breach: Breach, user, now: datetime | None = None) -> int:
    """Write the notice of every affected person and send them in batches; the number of
    notices. Needs the risk assessed and the words of the notice written."""
    now = now or timezone.now()
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if not breach.risk:
        raise Refused(_("Record the risk assessment before telling the people affected."))
    if not breach.notice_what_happened.strip() or not breach.notice_what_you_can_do.strip():
        raise Refused(_("Write what happened and what people can do before sending notices."))
    total = _create_rows(breach, now)
    if not breach.people_notified_at:
        Breach.objects.filter(pk=breach.pk).update(people_notified_at=now)
        breach.people_notified_at = now
    entry = BreachEntry.objects.create(
        breach=breach, kind=BreachEntry.NOTICES_SENT, by=user, changes={"notices": total}
    )
    audit.record_breach(
        breach, audit.BREACH_NOTICES_SENT, user, step=entry.kind, entry_id=entry.pk, notices=total
    )
    _enqueue(breach.pk)
    return total


def message_context(breach: Breach) -> dict:
    settings = GdprSettings.current(site=routes.default_site())
    return {
        "breach": breach,
        "categories": scope.categories_of(breach),
        "dpo_name": settings.dpo_name,
        "dpo_email": settings.dpo_email,
        "controller_name": settings.controller_name,
        "notices_url": routes.centre_url("security_notices", absolute=True),
    }


def message_id(notice_pk: int, domain: str) -> str:
    """The Message-ID of a notice's email: the same each time it is sent."""
    return f"<breach-notice-{notice_pk}@{domain}>"


def _claim(breach_id: int, first_pk: int, last_pk: int, now: datetime, claim: str) -> list[tuple]:
    """Take up to :data:`CLAIM_SIZE` unsent notices of the range for this worker, committed:
    ``(pk, email, language, sending_at)`` of each; none that another worker holds.

    A claim older than :data:`STALLED_AFTER` belonged to a worker that stopped: its notice is
    taken again. ``sending_at`` tells whether that worker had handed its email over.
    """
    with transaction.atomic():
        pks = list(
            BreachNotice.objects.select_for_update(skip_locked=True)
            .filter(breach_id=breach_id, pk__gte=first_pk, pk__lte=last_pk, sent_at__isnull=True)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALLED_AFTER))
            .order_by("pk")
            .values_list("pk", flat=True)[:CLAIM_SIZE]
        )
        BreachNotice.objects.filter(pk__in=pks).update(claimed_at=now, claim=claim)
    return list(
        BreachNotice.objects.filter(pk__in=pks, claim=claim)
        .order_by("pk")
        .values_list("pk", "email", "language", "sending_at")
    )


def _still_mine(pk: int, claim: str):
    return BreachNotice.objects.filter(pk=pk, claim=claim, sent_at__isnull=True)


def _mark_sending(pk: int, claim: str) -> bool:
    """Committed before the email is handed over; false if the notice is no longer ours."""
    now = timezone.now()
    return _still_mine(pk, claim).update(sending_at=now, claimed_at=now) == 1


def _mark_sent(pk: int, claim: str, delivery: str) -> bool:
    return _still_mine(pk, claim).update(sent_at=timezone.now(), delivery=delivery) == 1


def send_batch(breach_id: int, first_pk: int, last_pk: int) -> int:
    """Send the unsent notices with primary keys from ``first_pk`` to ``last_pk``; how many
    notices this call settled (sent, or found accepted by the mail backend).

    Safe to run twice, or side by side: what is claimed or sent is skipped.
    """
    breach = Breach.objects.filter(pk=breach_id).first()
    if breach is None:
        return 0
    context = message_context(breach)
    rendered: dict[str, tuple[str, str, str]] = {}
    domain = urlsplit(context["notices_url"]).hostname or "localhost"
    claim = uuid.uuid4().hex
    settled = 0
    with get_connection() as mail_connection:
        while claimed := _claim(breach_id, first_pk, last_pk, timezone.now(), claim):
            in_doubt = {
                pk: message_id(pk, domain)
                for pk, email, _l, sending_at in claimed
                if email and sending_at
            }
            accepted = mail.accepted(mail_connection, in_doubt.values()) if in_doubt else set()
            for pk, email, language, _sending_at in claimed:
                if not email:  # a member with no address: the privacy centre shows the notice
                    settled += _mark_sent(pk, claim, "")
                    continue
                delivery = BreachNotice.SENT
                if pk in in_doubt:
                    if accepted is None:
                        delivery = BreachNotice.RESENT
                    elif in_doubt[pk] in accepted:
                        settled += _mark_sent(pk, claim, BreachNotice.FOUND)
                        continue
                if not _mark_sending(pk, claim):
                    continue  # another worker took it over: it is theirs now
                language = language or django_settings.LANGUAGE_CODE
                if language not in rendered:
                    rendered[language] = mail.render("breach_notice", context, language)
                mail.send_rendered(
                    rendered[language],
                    email,
                    connection=mail_connection,
                    message_id=message_id(pk, domain),
                )
                settled += _mark_sent(pk, claim, delivery)
    return settled


def resume(now: datetime | None = None) -> int:
    """Hand out again the notices of breaches whose sending stopped: some unsent, and none
    claimed for :data:`STALLED_AFTER` (a worker died, or the broker lost the batches). The
    number of batches handed out; a batch that was only slow is skipped by its claims."""
    now = now or timezone.now()
    handed = 0
    unfinished = BreachNotice.objects.filter(sent_at__isnull=True).values("breach_id").distinct()
    for breach_id in unfinished.values_list("breach_id", flat=True):
        latest = BreachNotice.objects.filter(breach_id=breach_id).aggregate(
            claimed=Max("claimed_at"), created=Max("created_at")
        )
        last_sign_of_life = max(t for t in (latest["claimed"], latest["created"]) if t)
        if last_sign_of_life < now - STALLED_AFTER:
            handed += _enqueue(breach_id)
    return handed


def progress(breach: Breach) -> dict[str, int]:
    """How many notices there are, how many are sent, and of those, how many a stopped worker
    left in doubt: found in the mail system's record, or sent again as the same message."""
    counts = BreachNotice.objects.filter(breach=breach).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        found=Count("pk", filter=Q(delivery=BreachNotice.FOUND)),
        resent=Count("pk", filter=Q(delivery=BreachNotice.RESENT)),
    )
    return {name: counts[name] or 0 for name in ("total", "sent", "found", "resent")}


def for_member(user):
    """The breach notices of a member, newest first, for the privacy centre."""
    return (
        BreachNotice.objects.filter(member=user)
        .select_related("breach")
        .order_by("-created_at", "-pk")
    )
