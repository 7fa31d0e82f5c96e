from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from wagtail_gdpr.erasure import replay


class Command(BaseCommand):
    help = _("Apply logged erasures again, after restoring a database backup. Safe to repeat.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            required=True,
            help=_(
                "Replay erasures from this date or time on (the backup's date), e.g. 2026-11-01."
            ),
        )

    def handle(self, *args, since, **options):
        try:
            moment = parse_datetime(since)
            day = None if moment else parse_date(since)
        except ValueError:  # well formed but impossible, e.g. 2026-02-30
            moment = day = None
        if moment is None:
            if day is None:
                raise CommandError(_("--since must be a date (YYYY-MM-DD) or a date and time."))
            moment = datetime.combine(day, time.min)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        counts = replay.replay(moment)
        self.stdout.write(
            _(
                "Replayed %(erasures)d erasures: %(deleted)d rows deleted, %(anonymised)d "
                "anonymised, %(accounts)d accounts."
            )
            % counts
        )
