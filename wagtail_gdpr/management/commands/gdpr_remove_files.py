from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wagtail_gdpr import files


class Command(BaseCommand):
    help = _("Delete the stored files of erased data that are still queued for removal.")

    def handle(self, *args, **options):
        counts = files.remove_pending_files()
        self.stdout.write(
            _("Removed %(removed)d, already gone %(done)d, failed %(failed)d (kept queued).")
            % {
                "removed": counts[files.REMOVED],
                "done": counts[files.ALREADY_DONE],
                "failed": counts[files.FAILED],
            }
        )
