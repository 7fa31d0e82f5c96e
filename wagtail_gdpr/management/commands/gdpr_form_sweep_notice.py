from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wagtail_gdpr.staff import form_sweep


class Command(BaseCommand):
    help = _(
        "Email the privacy officers which forms' submissions the retention sweep deletes soon, "
        "and how many. For cron; Celery beat runs the task wagtail_gdpr.send_form_sweep_notice "
        "instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=_("Look this many days ahead (default: the site setting)."),
        )

    def handle(self, *args, days=None, **options):
        sent = form_sweep.send_form_sweep_notice(days=days)
        self.stdout.write(_("Told %(sent)d people.") % {"sent": sent})
