"""Notes staff wrote when closing a request move from ``outcome["note"]`` to the request's notes,
which an erasure empties; requests from the public form are marked as received through it.

Going back puts the notes in ``outcome`` again. A note is only moved from a key that is there,
so running it again changes nothing.
"""

from django.conf import settings
from django.db import migrations

PUBLIC_FORM = "public_form"


def notes_out_of_outcome(apps, schema_editor):
    DataSubjectRequest = apps.get_model("wagtail_gdpr", "DataSubjectRequest")
    RequestNote = apps.get_model("wagtail_gdpr", "RequestNote")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    DataSubjectRequest.objects.filter(payload__source=PUBLIC_FORM).update(received_via=PUBLIC_FORM)
    for dsr in DataSubjectRequest.objects.filter(outcome__has_key="note").iterator(chunk_size=2000):
        outcome = dict(dsr.outcome or {})
        note = str(outcome.pop("note") or "")
        if note:
            by = outcome.get("by")
            author = User._default_manager.filter(pk=by).first() if isinstance(by, int) else None
            RequestNote.objects.create(
                request=dsr,
                kind="internal",
                text=note,
                author=author,
                created_at=dsr.completed_at or dsr.received_at,
            )
        dsr.outcome = outcome
        dsr.save(update_fields=["outcome"])


def notes_back_into_outcome(apps, schema_editor):
    DataSubjectRequest = apps.get_model("wagtail_gdpr", "DataSubjectRequest")
    RequestNote = apps.get_model("wagtail_gdpr", "RequestNote")
    for note in RequestNote.objects.filter(kind="internal").order_by("created_at", "pk"):
        dsr = DataSubjectRequest.objects.get(pk=note.request_id)
        if dsr.status in ("done", "cancelled") and "note" not in (dsr.outcome or {}):
            dsr.outcome = {**(dsr.outcome or {}), "note": note.text}
            dsr.save(update_fields=["outcome"])


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_gdpr", "0010_requests_by_hand_notes_and_settlement"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(notes_out_of_outcome, notes_back_into_outcome),
    ]
