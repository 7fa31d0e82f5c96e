from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wagtail_gdpr.staff import reminders


class Command(BaseCommand):
    help = _(
        "Email staff about privacy requests due soon or overdue; each reminder is sent once. "
        "For cron; Celery beat runs the task wagtail_gdpr.send_deadline_reminders instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days-before",
            type=int,
            default=None,
            help=_("Remind this many days before the due date (default: the site setting)."),
        )

    def handle(self, *args, days_before=None, **options):
        sent = reminders.send_deadline_reminders(days_before=days_before)
        self.stdout.write(
            _("Sent %(reminders)d reminders and %(overdue)d overdue notices (%(failed)d failed).")
            % sent
        )
