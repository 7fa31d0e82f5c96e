"""Named field anonymisers.

A declaration names an anonymiser per field (``Field(anonymiser="email")``). Each anonymiser
works row by row (``anonymise``) and, where the database can do the same work in one statement,
set-based (``expression``), so that retention sweeps never have to load rows one at a time.
Integrators add their own with :func:`register_anonymiser`.
"""

from __future__ import annotations

import ipaddress
from abc import ABC, abstractmethod
from datetime import UTC, date, datetime

from django.db import models
from django.db.models.functions import Cast, Concat, TruncYear
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.files import queue_file_removal

PLACEHOLDER_EMAIL_DOMAIN = "erased.invalid"


class Anonymiser(ABC):
    """Turns one field's value into a value that no longer identifies anybody."""

    #: The name declarations use.
    name: str = ""
    #: What happens to the value, in plain words, for the inventory and the erasure plan.
    label: str = ""
    #: Field classes the anonymiser understands; ``None`` accepts any field.
    field_types: tuple[type[models.Field], ...] | None = None

    @abstractmethod
    def anonymise(self, value, *, instance, field):
        """The value to store instead of ``value`` on ``instance``."""

    def expression(self, field):
        """A database expression doing the same for a whole queryset, or ``None`` if it can't."""
        return None

    def problem_with(self, field) -> str | None:
        """Why this anonymiser cannot be used on ``field``, or ``None`` when it can."""
        if self.field_types and not isinstance(field, self.field_types):
            allowed = ", ".join(t.__name__ for t in self.field_types)
            return f"the {self.name!r} anonymiser works on {allowed}, not {type(field).__name__}"
        return None


def _placeholder_with_pk(prefix: str, suffix: str = ""):
    return Concat(
        models.Value(prefix),
        Cast("pk", output_field=models.CharField()),
        models.Value(suffix),
        output_field=models.CharField(),
    )


def _unless_empty(field, replacement):
    """Set-based twin of "an empty value stays empty": NULL and "" are left as they are."""
    return models.Case(
        models.When(
            models.Q(**{f"{field.name}__isnull": True}) | models.Q(**{field.name: ""}),
            then=models.F(field.name),
        ),
        default=replacement,
        output_field=models.CharField(),
    )


class EmailAnonymiser(Anonymiser):
    """Unique per row (unique constraints hold) and undeliverable (RFC 2606 ``.invalid``)."""

    name = "email"
    label = _("replaced by an address that reaches nobody")
    field_types = (models.CharField,)

    def anonymise(self, value, *, instance, field):
        if not value:
            return value
        return f"erased-{instance.pk}@{PLACEHOLDER_EMAIL_DOMAIN}"

    def expression(self, field):
        return _unless_empty(field, _placeholder_with_pk("erased-", f"@{PLACEHOLDER_EMAIL_DOMAIN}"))


class NameAnonymiser(Anonymiser):
    name = "name"
    label = _("replaced by “Anonymous”")
    field_types = (models.CharField,)

    def anonymise(self, value, *, instance, field):
        if not value:
            return value
        return gettext("Anonymous")[: field.max_length]

    def expression(self, field):
        return _unless_empty(field, models.Value(gettext("Anonymous")[: field.max_length]))


class TokenAnonymiser(Anonymiser):
    """For unique identifiers such as usernames: a value unique per row that means nothing."""

    name = "token"
    label = _("replaced by a meaningless unique code")
    field_types = (models.CharField,)

    def anonymise(self, value, *, instance, field):
        if not value:
            return value
        return f"erased-{instance.pk}"[: field.max_length]

    def expression(self, field):
        return _unless_empty(field, _placeholder_with_pk("erased-"))


class TextAnonymiser(Anonymiser):
    name = "text"
    label = _("emptied")
    field_types = (models.CharField, models.TextField)

    def anonymise(self, value, *, instance, field):
        return ""

    def expression(self, field):
        return models.Value("")


class NullAnonymiser(Anonymiser):
    name = "null"
    label = _("removed (left empty)")

    def anonymise(self, value, *, instance, field):
        return None

    def expression(self, field):
        return models.Value(None)

    def problem_with(self, field):
        if not field.null:
            return f"the 'null' anonymiser needs null=True on {field.name!r}"
        return None


class EmptyAnonymiser(Anonymiser):
    """The field's own empty default, such as ``{}`` for a JSON field."""

    name = "empty"
    label = _("emptied")

    def anonymise(self, value, *, instance, field):
        return field.get_default()

    def expression(self, field):
        return models.Value(field.get_default(), output_field=field)


class YearOnlyAnonymiser(Anonymiser):
    """Keeps the year (enough for statistics and age bands), drops day and month."""

    name = "year"
    label = _("reduced to the year")
    field_types = (models.DateField,)  # DateTimeField is a subclass

    def anonymise(self, value, *, instance, field):
        if value is None:
            return None
        if isinstance(value, datetime):
            # The year in UTC, as the set-based expression computes it on every database.
            if timezone.is_aware(value):
                value = value.astimezone(UTC)
            return value.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        return date(value.year, 1, 1)

    def expression(self, field):
        if isinstance(field, models.DateTimeField):
            return TruncYear(field.name, output_field=models.DateTimeField(), tzinfo=UTC)
        return TruncYear(field.name, output_field=models.DateField())


def ip_prefixes() -> tuple[int, int]:
    """Network prefix lengths kept by IP truncation: ``WAGTAIL_GDPR_IP_PREFIX`` (IPv4, IPv6)."""
    ipv4, ipv6 = app_settings.IP_PREFIX
    return int(ipv4), int(ipv6)


def truncate_ip(address: str | None) -> str | None:
    """The network an address belongs to: ``203.0.113.77`` → ``203.0.113.0`` (with /24)."""
    if not address:
        return address
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return None  # not an address: nothing worth keeping
    ipv4_prefix, ipv6_prefix = ip_prefixes()
    prefix = ipv4_prefix if parsed.version == 4 else ipv6_prefix
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False).network_address)


class IPAnonymiser(Anonymiser):
    name = "ip"
    label = _("shortened to the network, no longer one device")
    field_types = (models.GenericIPAddressField, models.CharField)

    def anonymise(self, value, *, instance, field):
        truncated = truncate_ip(value)
        if truncated is None and value and not field.null:
            # Not an address at all: store the emptiest value the column accepts.
            if isinstance(field, models.GenericIPAddressField):
                return "0.0.0.0"  # noqa: S104 (a stored value, not an address to bind)
            return ""
        return truncated


class FileAnonymiser(Anonymiser):
    """Empties the field and removes the stored file once the change is committed.

    The removal is queued in the same transaction as the change (see
    :mod:`wagtail_gdpr.files`), so a rollback keeps the file and a crash after the commit cannot
    leave it behind.
    """

    name = "file"
    label = _("the stored file is deleted")
    field_types = (models.FileField,)

    def anonymise(self, value, *, instance, field):
        if value:
            queue_file_removal(field, value.name)
        return ""


_anonymisers: dict[str, Anonymiser] = {}


def register_anonymiser(anonymiser: Anonymiser) -> Anonymiser:
    """Make ``anonymiser`` usable by name in declarations; replaces one of the same name."""
    if not anonymiser.name:
        raise ValueError(f"{type(anonymiser).__name__} needs a name")
    _anonymisers[anonymiser.name] = anonymiser
    return anonymiser


def get_anonymiser(name_or_anonymiser: str | Anonymiser) -> Anonymiser:
    if isinstance(name_or_anonymiser, Anonymiser):
        return name_or_anonymiser
    try:
        return _anonymisers[name_or_anonymiser]
    except KeyError:
        known = ", ".join(sorted(_anonymisers))
        raise LookupError(f"unknown anonymiser {name_or_anonymiser!r} (known: {known})") from None


def anonymiser_names() -> list[str]:
    return sorted(_anonymisers)


for _builtin in (
    EmailAnonymiser(),
    NameAnonymiser(),
    TokenAnonymiser(),
    TextAnonymiser(),
    NullAnonymiser(),
    EmptyAnonymiser(),
    YearOnlyAnonymiser(),
    IPAnonymiser(),
    FileAnonymiser(),
):
    register_anonymiser(_builtin)
