from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wagtail_gdpr.staff import breach_reminders


class Command(BaseCommand):
    help = _("Remind the privacy officers of breaches whose 72 hours end soon or have ended.")

    def handle(self, *args, **options):
        counts = breach_reminders.send_breach_reminders()
        self.stdout.write(
            _("Reminders: %(soon)d ending soon, %(overdue)d past the 72 hours.")
            % {"soon": counts["due_soon"], "overdue": counts["overdue"]}
        )
