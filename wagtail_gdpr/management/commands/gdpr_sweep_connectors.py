from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wagtail_gdpr.connectors import sweep
from wagtail_gdpr.staff import connector_alerts


class Command(BaseCommand):
    help = _(
        "Send again the events connected systems have not taken yet, and close those past "
        "their deadline, telling the privacy officers by email."
    )

    def handle(self, *args, **options):
        counts = sweep.sweep()
        self.stdout.write(
            _("Sent %(resent)d events again; %(not_received)d had no answer by their deadline.")
            % counts
        )
        told = connector_alerts.tell_staff_of_silent_systems()
        self.stdout.write(
            _("Privacy officers told of %(told)d systems that did not answer in time.")
            % {"told": told}
        )
