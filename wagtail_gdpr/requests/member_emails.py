"""Emails that tell a member about their request: sent by a job after commit, in the language
recorded with the request, with a link to the request's page in the privacy centre.

Each message is a template of :mod:`wagtail_gdpr.mail`, named by the caller. The job retries a
failing mail server on a worker; without a broker it is sent from this process.
"""

from __future__ import annotations

from wagtail_gdpr import jobs, mail, routes
from wagtail_gdpr.requests import notes
from wagtail_gdpr.tables import DataSubjectRequest


def send_now(request_id: int, name: str) -> bool:
    """Send message ``name`` about a request to its contact address. Raises on SMTP failure."""
    dsr = DataSubjectRequest.objects.filter(pk=request_id).select_related("member").first()
    if dsr is None or not dsr.contact_email:
        return False
    context = {
        "request_obj": dsr,
        "status_url": routes.request_url(dsr),
        # The latest thing staff said to the requester: a question, or why a restriction ends.
        "message": notes.last_question(dsr),
    }
    mail.send(name, dsr.contact_email, context, language=dsr.language)
    return True


def send_after_commit(request_id: int, name: str) -> None:
    """Send message ``name`` once the current transaction commits, by a job."""
    jobs.send_on_commit(jobs.SEND_REQUEST_EMAIL, request_id, name)
