from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wagtail_gdpr.breaches import notices


class Command(BaseCommand):
    help = _("Hand out again the breach notices a stopped worker left unsent.")

    def handle(self, *args, **options):
        count = notices.resume()
        self.stdout.write(
            _("Handed out %(count)d batches of breach notices again.") % {"count": count}
        )
