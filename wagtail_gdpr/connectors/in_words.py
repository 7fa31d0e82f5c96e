"""Where each connected system stands on a request, in plain words for members and staff."""

from __future__ import annotations

from django.utils.translation import gettext as _

from wagtail_gdpr import readable
from wagtail_gdpr.tables import ConnectorEvent, DataSubjectRequest


def _for_member(event: ConnectorEvent) -> str:
    date = readable.day(event.answer_by)
    if event.status == ConnectorEvent.PENDING and event.attempts:
        return _("We could not reach it yet; we keep trying.")
    if event.status == ConnectorEvent.PENDING:
        return _("We are telling it about your request.")
    if event.status == ConnectorEvent.AWAITING_ANSWER:
        return _("It has your request and answers by %(date)s.") % {"date": date}
    if event.status == ConnectorEvent.UNDELIVERABLE:
        return _("We could not reach it; our staff take care of it.")
    if event.status == ConnectorEvent.NOT_RECEIVED:
        return _("It did not answer by %(date)s; our staff take care of it.") % {"date": date}
    if event.answer == ConnectorEvent.REFUSED:
        return _("It refused: %(reason)s") % {"reason": event.answer_reason}
    if event.answer == ConnectorEvent.DATA:
        return _("It sent your data.")
    return {
        "erasure": _("It confirmed that your data there is erased."),
        "rectification": _("It confirmed the correction."),
        "restriction": _("It confirmed the restriction."),
    }.get(event.kind, _("It confirmed."))


def for_member(dsr: DataSubjectRequest) -> list[dict]:
    """``[{"system": name, "state": sentence}]``: every connected system on this request."""
    return [
        {"system": event.connector_name, "state": _for_member(event)}
        for event in dsr.connector_events.order_by("connector_name")
    ]


def for_staff(dsr: DataSubjectRequest) -> list[dict]:
    """The same, with the attempts and the last error for staff."""
    shown = []
    for event in dsr.connector_events.order_by("connector_name"):
        shown.append(
            {
                "system": event.connector_name,
                "state": event.get_status_display(),
                "answer": event.get_answer_display() if event.answer else "",
                "reason": event.answer_reason,
                "attempts": event.attempts,
                "last_error": event.last_error,
                "answer_by": readable.in_words(event.answer_by),
            }
        )
    return shown
