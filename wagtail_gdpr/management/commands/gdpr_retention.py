from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wagtail_gdpr.erasure import retention


class Command(BaseCommand):
    help = _(
        "Delete or anonymise personal data past its retention period, as declared in the registry."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Only count what the next run would remove.")
        )
        parser.add_argument(
            "--batch-size", type=int, default=retention.DEFAULT_BATCH_SIZE,
            help=_("Rows per transaction."),
        )  # fmt: skip

    def handle(self, *args, dry_run=False, batch_size=retention.DEFAULT_BATCH_SIZE, **options):
        run = retention.sweep(dry_run=dry_run, batch_size=batch_size)
        heading = _("Would remove:") if dry_run else _("Removed:")
        self.stdout.write(heading)
        for label, counts in sorted(run.counts.items()):
            for action, count in counts.items():
                self.stdout.write(f"  {label}: {count} {action}")
        if dry_run:
            message = _("Nothing was removed; the count is recorded as dry run #%(pk)s.")
        else:
            message = _("Run #%(pk)s recorded.")
        self.stdout.write(message % {"pk": run.pk})
