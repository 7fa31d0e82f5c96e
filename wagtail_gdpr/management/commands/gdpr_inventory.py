from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from wagtail_gdpr import inventory


class Command(BaseCommand):
    help = _("Print the record of processing (GDPR Art. 30) built from the personal-data registry.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--format",
            choices=sorted(inventory.FORMATS),
            default="markdown",
            help=_("Output format (default: markdown)."),
        )
        parser.add_argument("--output", "-o", help=_("Write to this file instead of stdout."))

    def handle(self, *args, format, output=None, **options):
        if format not in inventory.FORMATS:
            raise CommandError(
                _("Unknown format %(format)r; choose one of: %(choices)s")
                % {"format": format, "choices": ", ".join(sorted(inventory.FORMATS))}
            )
        text = inventory.FORMATS[format](inventory.build_inventory())
        if output:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        else:
            self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
