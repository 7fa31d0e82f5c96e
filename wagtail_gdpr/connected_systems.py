"""The company's other systems that take part in members' requests, as declared.

A connected system (a CRM, an ERP, a helpdesk) is declared in ``WAGTAIL_GDPR_CONNECTORS`` or in
the admin (the ``Connector`` table); a key declared in settings wins over the admin's. Each one
receives the member's identifiers, so it is also a recipient: the inventory, the notice and the
record of processing name it (:func:`as_recipients`).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from wagtail_gdpr import unmigrated
from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.registry import Recipient
from wagtail_gdpr.tables import Connector

ACCESS = "access"
ERASURE = "erasure"
RECTIFICATION = "rectification"
RESTRICTION = "restriction"
KINDS = (ACCESS, ERASURE, RECTIFICATION, RESTRICTION)


@dataclass(frozen=True)
class ConnectedSystem:
    """One connected system: where to send events, how to sign them, how long to wait."""

    key: str
    name: str
    endpoint: str
    secret: str = field(repr=False)
    kinds: frozenset = frozenset(KINDS)
    timeout: float = 10
    max_attempts: int = 8
    retry_base_seconds: float = 30
    answer_within: timedelta = timedelta(hours=72)
    country: str = ""

    def takes(self, kind: str) -> bool:
        return kind in self.kinds


def local_http_allowed() -> bool:
    """Plain http to this machine: in DEBUG, or where the site says so (a test suite)."""
    chosen = app_settings.CONNECTOR_LOCAL_HTTP
    return bool(settings.DEBUG if chosen is None else chosen)


def _is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def endpoint_problem(url: str) -> str | None:
    """Why ``url`` may not receive events, or ``None``: HTTPS only, but local http in DEBUG."""
    parts = urlsplit(url or "")
    if not parts.hostname:
        return "the address has no host"
    if parts.username or parts.password:
        return "the address must not hold a user name or password"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and _is_local(parts.hostname) and local_http_allowed():
        return None
    return "only https addresses are allowed (http only to this machine, in DEBUG)"


def _from_settings(entry: dict) -> ConnectedSystem:
    try:
        kinds = frozenset(entry.get("kinds") or KINDS)
        unknown = kinds - set(KINDS)
        if unknown:
            raise ImproperlyConfigured(
                f"WAGTAIL_GDPR_CONNECTORS: unknown kinds {sorted(unknown)} for {entry['key']!r}"
            )
        return ConnectedSystem(
            key=str(entry["key"]),
            name=str(entry["name"]),
            endpoint=str(entry["endpoint"]),
            secret=str(entry["secret"]),
            kinds=kinds,
            timeout=float(entry.get("timeout", 10)),
            max_attempts=int(entry.get("max_attempts", 8)),
            retry_base_seconds=float(entry.get("retry_base_seconds", 30)),
            answer_within=timedelta(hours=float(entry.get("answer_within_hours", 72))),
            country=str(entry.get("country", "")),
        )
    except KeyError as exc:
        raise ImproperlyConfigured(
            f"WAGTAIL_GDPR_CONNECTORS: each connector needs {exc.args[0]!r}"
        ) from None


def _from_table(row: Connector) -> ConnectedSystem:
    kinds = {
        ACCESS: row.takes_access,
        ERASURE: row.takes_erasure,
        RECTIFICATION: row.takes_rectification,
        RESTRICTION: row.takes_restriction,
    }
    return ConnectedSystem(
        key=row.key,
        name=row.name,
        endpoint=row.endpoint,
        secret=row.secret,
        kinds=frozenset(kind for kind, taken in kinds.items() if taken),
        timeout=float(row.timeout_seconds),
        max_attempts=int(row.max_attempts),
        retry_base_seconds=float(row.retry_base_seconds),
        answer_within=timedelta(hours=row.answer_within_hours),
        country=row.country,
    )


def declared_in_settings() -> list[ConnectedSystem]:
    """The systems of ``WAGTAIL_GDPR_CONNECTORS``; ``ImproperlyConfigured`` when one is
    incomplete."""
    return [_from_settings(entry) for entry in app_settings.CONNECTORS or ()]


def all_systems() -> list[ConnectedSystem]:
    """Every connected system in use: settings first, then the admin's (other keys only)."""
    found = {system.key: system for system in declared_in_settings()}
    try:
        rows = list(Connector.objects.filter(enabled=True).order_by("name"))
    except DatabaseError as error:
        # Before migrate (the record of processing is also made from the code alone): the
        # settings' systems only. A lost connection fails: a copy must not leave them out.
        if not unmigrated.table_missing(error):
            raise
        rows = []
    for row in rows:
        found.setdefault(row.key, _from_table(row))
    return list(found.values())


def taking_part_in(kind: str) -> list[ConnectedSystem]:
    return [system for system in all_systems() if system.takes(kind)]


def get(key: str) -> ConnectedSystem | None:
    return next((system for system in all_systems() if system.key == key), None)


def as_recipients() -> list[Recipient]:
    """Each connected system as a recipient of the member's identifiers."""
    return [Recipient(system.name, system.country) for system in all_systems()]
