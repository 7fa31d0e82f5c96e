"""Consent purposes become translatable (Wagtail i18n), the ledger records the language of the
text shown, notice versions keep the editor's "what changed", and the privacy settings gain the
security measures and how long backups are kept.

Existing purposes are put in the site's default locale, each with a translation key of its own;
a purpose's slug is then unique per language instead of overall. Two labels read as phrases
now: "read and acknowledged", "wrong password entered".
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def default_locale(apps):
    from wagtail.coreutils import get_supported_content_language_variant

    Locale = apps.get_model("wagtailcore", "Locale")
    try:
        code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    except LookupError:
        code = settings.LANGUAGE_CODE
    locale = Locale.objects.filter(language_code=code).first() or Locale.objects.first()
    return locale or Locale.objects.create(language_code=code)


def purposes_into_the_default_locale(apps, schema_editor):
    ConsentPurpose = apps.get_model("wagtail_gdpr", "ConsentPurpose")
    purposes = ConsentPurpose.objects.filter(locale__isnull=True)
    if not purposes.exists():
        return
    locale = default_locale(apps)
    for purpose in purposes.iterator():
        purpose.locale_id = locale.pk
        purpose.translation_key = uuid.uuid4()
        purpose.save(update_fields=["locale", "translation_key"])
    if schema_editor.connection.vendor == "postgresql":
        # The columns are altered next, in this transaction: check the new references now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):

    dependencies = [
        ("wagtail_gdpr", "0008_request_state_columns"),
        ("wagtailcore", "0070_rename_pagerevision_revision"),
    ]

    operations = [
        migrations.AddField(
            model_name="consentpurpose",
            name="locale",
            field=models.ForeignKey(
                null=True, editable=False, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="wagtailcore.locale", verbose_name="locale",
            ),
        ),
        migrations.AddField(
            model_name="consentpurpose",
            name="translation_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AlterField(
            model_name="consentpurpose",
            name="slug",
            field=models.SlugField(
                help_text="Used in code: has_consent(user, slug). The same in every language.",
                max_length=64, verbose_name="slug",
            ),
        ),
        migrations.RunPython(purposes_into_the_default_locale, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="consentpurpose",
            name="locale",
            field=models.ForeignKey(
                editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="wagtailcore.locale", verbose_name="locale",
            ),
        ),
        migrations.AlterField(
            model_name="consentpurpose",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterUniqueTogether(
            name="consentpurpose",
            unique_together={("translation_key", "locale")},
        ),
        migrations.AddConstraint(
            model_name="consentpurpose",
            constraint=models.UniqueConstraint(
                fields=("slug", "locale"), name="gdpr_purpose_slug_per_locale"
            ),
        ),
        migrations.AddField(
            model_name="consentrecord",
            name="locale",
            field=models.CharField(
                blank=True, max_length=16, verbose_name="language of the text shown"
            ),
        ),
        migrations.AddField(
            model_name="gdprsettings",
            name="backup_days",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="days backups are kept",
                help_text=(
                    "Members who ask for erasure are told that their data stays this long in "
                    "backups, and that an erasure is applied again if a backup is restored. "
                    "Leave empty if you keep no backups of personal data."
                ),
            ),
        ),
        migrations.AddField(
            model_name="gdprsettings",
            name="security_measures",
            field=models.TextField(
                blank=True, verbose_name="how the data is kept safe",
                help_text=(
                    "A general description of the technical and organisational security "
                    "measures, for the record of processing (GDPR Art. 30(1)(g)): encryption, "
                    "access control, backups, staff training."
                ),
            ),
        ),
        migrations.AddField(
            model_name="noticeversion",
            name="change_summary",
            field=models.TextField(
                blank=True, verbose_name="what changed",
                help_text="The editor's summary of a material change, shown to members.",
            ),
        ),
        migrations.AddField(
            model_name="privacynoticepage",
            name="change_summary",
            field=models.TextField(
                blank=True, verbose_name="what changed",
                help_text=(
                    "Needed with a material change: a few plain sentences on what is new, shown "
                    "to members when they are asked again and in their privacy centre. Kept with "
                    "the notice version; cleared after publishing."
                ),
            ),
        ),
        migrations.AlterField(
            model_name="consentrecord",
            name="action",
            field=models.CharField(
                choices=[
                    ("given", "consent given"), ("withdrawn", "consent withdrawn"),
                    ("acknowledged", "read and acknowledged"),
                ],
                max_length=16, verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="memberactivity",
            name="kind",
            field=models.CharField(
                choices=[
                    ("login", "Logged in"), ("logout", "Logged out"),
                    ("login_failed", "Wrong password entered"),
                    ("download", "Downloaded a copy of your data"),
                    ("consent", "Changed a consent choice"), ("request", "Made a privacy request"),
                    ("change", "Changed your data"),
                ],
                max_length=20, verbose_name="what",
            ),
        ),
    ]
