"""Notifications to members and staff: overridable templates, the recipient's language.

Each message has three templates under ``wagtail_gdpr/emails/``: ``<name>_subject.txt``,
``<name>.txt`` and ``<name>.html``. Override them in your own templates folder.
Messages are sent by a task after commit, and retried if the mail server fails.
"""

import logging
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from wagtail_gdpr.models import DataSubjectRequest

logger = logging.getLogger(__name__)


def render_message(name: str, context: dict, language: str | None):
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"wagtail_gdpr/emails/{name}_subject.txt", context)
        text = render_to_string(f"wagtail_gdpr/emails/{name}.txt", context)
        html = render_to_string(f"wagtail_gdpr/emails/{name}.html", context)
    return " ".join(subject.split()), text, html


def request_context(dsr: DataSubjectRequest) -> dict:
    from wagtail_gdpr.links import request_status_url

    return {
        "request_obj": dsr,
        "status_url": request_status_url(dsr),
        "site_name": getattr(settings, "WAGTAIL_SITE_NAME", ""),
    }


def send_request_email(request_id: int, name: str) -> bool:
    """Send message ``name`` about a request to its contact address. Raises on SMTP failure."""
    dsr = DataSubjectRequest.objects.filter(pk=request_id).select_related("member").first()
    if dsr is None or not dsr.contact_email:
        return False
    subject, text, html = render_message(name, request_context(dsr), dsr.language)
    message = EmailMultiAlternatives(subject, text, to=[dsr.contact_email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True


def send_after_commit(request_id: int, name: str):
    """Queue the message for a worker once the current transaction commits."""

    def enqueue():
        from wagtail_gdpr.tasks import send_request_email as task

        try:
            task.delay(request_id, name)
        except Exception as exc:  # broker down: send it from here rather than not at all
            logger.warning(
                "Could not enqueue email %s (%s); sending now.", name, type(exc).__name__
            )
            try:
                send_request_email(request_id, name)
            except Exception as send_exc:
                logger.error("Email %s for request #%s failed: %s", name, request_id,
                             type(send_exc).__name__)  # fmt: skip

    transaction.on_commit(partial(enqueue))


def send_receipt(address: str, receipt: dict, language: str | None, attempts: int = 3) -> bool:
    """The erasure receipt, to an address that exists nowhere else any more.

    Tried a few times in place: once this process forgets the address it cannot be sent at all.
    """
    import time

    if not address:
        return False
    context = {"receipt": receipt, "site_name": getattr(settings, "WAGTAIL_SITE_NAME", "")}
    subject, text, html = render_message("erasure_receipt", context, language)
    for attempt in range(1, attempts + 1):
        try:
            message = EmailMultiAlternatives(subject, text, to=[address])
            message.attach_alternative(html, "text/html")
            message.send()
            return True
        except OSError as exc:
            logger.warning("Erasure receipt attempt %s failed (%s).", attempt, type(exc).__name__)
            time.sleep(2**attempt)
    logger.error("The erasure receipt could not be sent.")
    return False
