"""State the database must query moves out of JSON into columns.

- ``payload["execute_after"]`` (an ISO 8601 string) becomes ``execute_after``;
- the purpose a restriction or objection covers (``outcome["purpose"]``, else
  ``payload["purpose"]``) becomes ``purpose``;
- ``outcome["active"]`` becomes ``in_force``.

The keys are removed from the JSON, so there is one place for each fact; going back puts them
there again. A column is only written from a key that is there, so running it again changes
nothing. Where staff accepted another purpose than the member asked for, the member's stays in
``payload["asked_purpose"]``.
"""

from django.db import migrations, models
from django.utils.dateparse import parse_datetime

PROCESSING_KINDS = ("restriction", "objection")


def _moment(value):
    """An ISO 8601 moment, or None for anything else (which was read as "due at once")."""
    try:
        return parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but impossible, such as 30 February
        return None


def json_to_columns(apps, schema_editor):
    DataSubjectRequest = apps.get_model("wagtail_gdpr", "DataSubjectRequest")
    purpose_length = DataSubjectRequest._meta.get_field("purpose").max_length
    rows = DataSubjectRequest.objects.filter(
        models.Q(payload__has_key="execute_after") | models.Q(kind__in=PROCESSING_KINDS)
    )
    for dsr in rows.iterator(chunk_size=2000):
        payload, outcome = dict(dsr.payload or {}), dict(dsr.outcome or {})
        if "execute_after" in payload:
            dsr.execute_after = _moment(payload.pop("execute_after"))
        if dsr.kind in PROCESSING_KINDS:
            asked = payload.pop("purpose", None)
            accepted = outcome.pop("purpose", None)
            if accepted or asked:
                dsr.purpose = str(accepted or asked)[:purpose_length]
            if accepted and asked and accepted != asked:
                payload["asked_purpose"] = asked
            if "active" in outcome:
                dsr.in_force = bool(outcome.pop("active")) and dsr.status == "done"
        dsr.payload, dsr.outcome = payload, outcome
        dsr.save(update_fields=["execute_after", "purpose", "in_force", "payload", "outcome"])


def columns_to_json(apps, schema_editor):
    DataSubjectRequest = apps.get_model("wagtail_gdpr", "DataSubjectRequest")
    rows = DataSubjectRequest.objects.filter(
        models.Q(execute_after__isnull=False) | models.Q(kind__in=PROCESSING_KINDS)
    )
    for dsr in rows.iterator(chunk_size=2000):
        payload, outcome = dict(dsr.payload or {}), dict(dsr.outcome or {})
        if dsr.execute_after is not None:
            payload["execute_after"] = dsr.execute_after.isoformat()
        if dsr.kind in PROCESSING_KINDS and dsr.purpose:
            payload["purpose"] = payload.pop("asked_purpose", None) or dsr.purpose
            if dsr.status == "done":
                outcome["purpose"] = dsr.purpose
                outcome["active"] = dsr.in_force
        dsr.payload, dsr.outcome = payload, outcome
        dsr.save(update_fields=["payload", "outcome"])


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_gdpr", "0007_privacy_officers_group"),
    ]

    operations = [
        migrations.AddField(
            model_name="datasubjectrequest",
            name="execute_after",
            field=models.DateTimeField(blank=True, null=True, verbose_name="carry out after"),
        ),
        migrations.AddField(
            model_name="datasubjectrequest",
            name="in_force",
            field=models.BooleanField(default=False, verbose_name="in force"),
        ),
        migrations.AddField(
            model_name="datasubjectrequest",
            name="purpose",
            field=models.CharField(blank=True, max_length=255, verbose_name="purpose"),
        ),
        migrations.RunPython(json_to_columns, columns_to_json, elidable=False),
        migrations.AddIndex(
            model_name="datasubjectrequest",
            index=models.Index(
                condition=models.Q(("status", "scheduled")),
                fields=["status", "execute_after"],
                name="gdpr_request_scheduled",
            ),
        ),
        migrations.AddIndex(
            model_name="datasubjectrequest",
            index=models.Index(
                condition=models.Q(("in_force", True)),
                fields=["member", "kind"],
                name="gdpr_request_in_force",
            ),
        ),
    ]
