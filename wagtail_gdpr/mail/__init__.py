"""Every email the add-on sends is rendered and sent here: in the recipient's language.

A message ``name`` has three templates under ``wagtail_gdpr/emails/``: ``<name>_subject.txt``,
``<name>.txt`` and ``<name>.html``; override them in your own templates folder. Each is rendered
with the context given, plus ``site_name`` and ``site_url`` (the Wagtail Site's root URL, so
that the links a message carries are absolute and lead back to this site). Sending raises on a
mail-server failure: the caller decides whether to retry.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from wagtail.models import Site


def site_facts(site: Site | None = None) -> dict:
    """``site_name`` and ``site_url`` of ``site``, or of the default site."""
    site = site or Site.objects.filter(is_default_site=True).first()
    name = (site.site_name if site else "") or getattr(settings, "WAGTAIL_SITE_NAME", "")
    url = site.root_url if site else getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    return {"site_name": name, "site_url": url}


def render(name: str, context: dict, language: str | None, site: Site | None = None):
    """``(subject, text, html)`` of message ``name``, in ``language``."""
    context = {**site_facts(site), **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"wagtail_gdpr/emails/{name}_subject.txt", context)
        text = render_to_string(f"wagtail_gdpr/emails/{name}.txt", context)
        html = render_to_string(f"wagtail_gdpr/emails/{name}.html", context)
    return " ".join(subject.split()), text, html


def send(
    name: str, to: str, context: dict, *, language: str | None, site: Site | None = None
) -> None:
    """Render message ``name`` in ``language`` and send it to the address ``to``."""
    subject, text, html = render(name, context, language, site)
    message = EmailMultiAlternatives(subject, text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def send_rendered(rendered: tuple[str, str, str], to: str, *, connection=None, message_id=""):
    """Send a message already rendered by :func:`render` (many recipients, one rendering).

    ``message_id`` makes the message recognisable as the same one if it is ever sent twice.
    """
    subject, text, html = rendered
    headers = {"Message-ID": message_id} if message_id else None
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers, connection=connection)
    message.attach_alternative(html, "text/html")
    message.send()


def accepted(connection, message_ids) -> set[str] | None:
    """Those of ``message_ids`` the mail backend of ``connection`` accepted; ``None`` when it
    cannot say (Django's own backends, SMTP among them, keep no record of what they sent).

    A backend answers with an ``accepted_message_ids(message_ids)`` method, as
    :class:`wagtail_gdpr.mail.backends.MessageFileBackend` does.
    """
    ask = getattr(connection, "accepted_message_ids", None)
    if ask is None:
        return None
    return set(ask(list(message_ids)))
