from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wagtail_gdpr import recipients


class Command(BaseCommand):
    help = _("Tell recipients again about corrections and erasures they have not acknowledged.")

    def handle(self, *args, **options):
        count = recipients.requeue_unfinished()
        self.stdout.write(_("Sent %(count)d notices again.") % {"count": count})
