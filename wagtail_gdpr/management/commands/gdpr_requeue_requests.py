from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wagtail_gdpr.requests import worker_queue


class Command(BaseCommand):
    help = _(
        "Hand requests that never reached a worker, or whose worker died, to a worker again; "
        "start erasures whose grace period is over."
    )

    def handle(self, *args, **options):
        count = worker_queue.requeue_stuck()
        self.stdout.write(_("Re-enqueued %(count)d requests.") % {"count": count})
