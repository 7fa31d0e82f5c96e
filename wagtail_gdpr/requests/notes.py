"""Notes on a request: staff's internal notes, questions to the requester and their answers.

A note may hold personal data: the request's member can ask for a copy of it, and an erasure
empties its text (the built-in declaration of notes says so) while the line itself remains.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_gdpr.errors import Refused
from wagtail_gdpr.tables import DataSubjectRequest, RequestNote

#: Longest note, question or answer, in characters.
MAX_LENGTH = 4000


class NoteRefused(Refused):
    """The note cannot be kept as written; ``message`` says why."""


def clean_text(text: str, *, required: bool = True) -> str:
    """The text stripped; :class:`NoteRefused` when it is empty (if required) or too long."""
    text = (text or "").replace("\x00", "").strip()
    if required and not text:
        raise NoteRefused(_("Write something first."))
    if len(text) > MAX_LENGTH:
        raise NoteRefused(_("Please keep it under %(count)d characters.") % {"count": MAX_LENGTH})
    return text


def add(
    dsr: DataSubjectRequest,
    text: str,
    *,
    author=None,
    kind: str = RequestNote.INTERNAL,
    now: datetime | None = None,
) -> RequestNote:
    """Keep a note on ``dsr``; the caller checks who may write it."""
    return RequestNote.objects.create(
        request=dsr,
        kind=kind,
        text=clean_text(text),
        author=author,
        created_at=now or timezone.now(),
    )


def for_staff(dsr: DataSubjectRequest) -> list[RequestNote]:
    """Every note on the request, oldest first."""
    return list(dsr.notes.select_related("author").order_by("created_at", "pk"))


def for_requester(dsr: DataSubjectRequest) -> list[RequestNote]:
    """What the requester and staff said to each other; internal notes are left out."""
    return list(dsr.notes.exclude(kind=RequestNote.INTERNAL).order_by("created_at", "pk"))


def last_question(dsr: DataSubjectRequest) -> RequestNote | None:
    return dsr.notes.filter(kind=RequestNote.TO_REQUESTER).order_by("-created_at", "-pk").first()
