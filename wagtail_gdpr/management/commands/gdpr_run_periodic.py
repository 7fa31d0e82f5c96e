import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wagtail_gdpr import jobs


class Command(BaseCommand):
    help = _(
        "Run every periodic job in this process: the retention sweep, reminders, the purge of "
        "expired copies and the rest. For sites without a Celery worker and beat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help=_("Keep running, once every SECONDS (default: run once and stop)."),
        )

    def handle(self, *args, every=0, **options):
        if every < 0:
            raise CommandError(_("--every needs a number of seconds, 0 or more."))
        while True:
            for name, done in jobs.run_periodic_here().items():
                state = _("done") if done else _("failed (see the log)")
                self.stdout.write(f"{name}: {state}")
            if not every:
                return
            self.stdout.flush()
            time.sleep(every)
