from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wagtail_gdpr import public_requests


class Command(BaseCommand):
    help = _("Cancel and empty public requests whose address was never confirmed in time.")

    def handle(self, *args, **options):
        count = public_requests.discard_unconfirmed()
        self.stdout.write(_("Discarded %(count)d unconfirmed requests.") % {"count": count})
