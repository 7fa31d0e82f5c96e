from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wagtail_gdpr.access import report


class Command(BaseCommand):
    help = _("Delete the files of access reports past their expiry.")

    def handle(self, *args, **options):
        self.stdout.write(
            _("Deleted %(count)d expired reports.") % {"count": report.purge_expired()}
        )
