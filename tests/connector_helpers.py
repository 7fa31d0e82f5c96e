"""Helpers of the connector tests: the example CRM as a connected system, and the schemas."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
from django.conf import settings
from django.contrib.auth import get_user_model

from example_site.crm.models import Customer
from wagtail_gdpr.models import Connector, VerifiedEmail
from wagtail_gdpr.routes import default_site

SCHEMAS = Path(__file__).resolve().parent.parent / "wagtail_gdpr" / "connectors" / "schemas"
CRM_NAME = "Our customer service system"


@cache
def schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.json").read_text())


def validate(name: str, document: dict) -> None:
    """Raise when ``document`` does not follow the schema ``name`` (e.g. "event-access")."""
    jsonschema.validate(
        document, schema(name), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def connect_crm(base_url: str, **options) -> Connector:
    """The example CRM, served at ``base_url``, as a connector declared in the admin's table
    (a worker process reads it there); callbacks come back to the same server."""
    parts = urlsplit(base_url)
    site = default_site()
    site.hostname, site.port = parts.hostname, parts.port or 80
    site.save()
    values = {
        "key": "crm",
        "name": CRM_NAME,
        "endpoint": base_url.rstrip("/") + "/crm/gdpr/",
        "secret": settings.CRM_GDPR_SECRET,
        "timeout_seconds": 5,
        "max_attempts": 6,
        "retry_base_seconds": 1,
        "answer_within_hours": 1,
        "country": "SE",
        **options,
    }
    return Connector.objects.create(**values)


def member_with_crm_record(username: str, **customer):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "pw")
    VerifiedEmail.objects.create(user=user, email=user.email)
    Customer.objects.create(
        member_id=str(user.pk),
        email=user.email,
        name=customer.get("name", username.title()),
        phone=customer.get("phone", "+46 70 000 00 00"),
        notes=customer.get("notes", f"Called about {username}'s order"),
        unpaid_invoice=customer.get("unpaid_invoice", False),
    )
    return user
