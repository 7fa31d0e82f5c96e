"""Every ``WAGTAIL_GDPR_*`` setting, with its default and what it does: the one place they are read.

Read a setting as ``app_settings.TRUST_ACCOUNT_EMAIL`` (the name without its prefix); the value
comes from Django's settings, or the default below when the site does not set it. The settings
page of the documentation lists the same names, and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

PREFIX = "WAGTAIL_GDPR_"


@dataclass(frozen=True)
class Setting:
    default: Any
    doc: str


#: Full name -> default and meaning.
SETTINGS: dict[str, Setting] = {
    "WAGTAIL_GDPR_BASE_TEMPLATE": Setting(
        "wagtail_gdpr/base.html",
        "The template the consent step, the privacy notice and the privacy centre extend.",
    ),
    "WAGTAIL_GDPR_PRIVATE_ROOT": Setting(
        None,
        "Folder of access reports and the erasure log (default: a gdpr-private folder beside "
        "MEDIA_ROOT). A str or a Path; never serve it.",
    ),
    "WAGTAIL_GDPR_ERASURE_LOG": Setting(
        None,
        "File every executed erasure is appended to (default: erasure-log.jsonl in the private "
        "folder).",
    ),
    "WAGTAIL_GDPR_TRUST_ACCOUNT_EMAIL": Setting(
        False, "The account's own address counts as verified without confirmation."
    ),
    "WAGTAIL_GDPR_BUILTIN_DECLARATIONS": Setting(
        {}, "Replace (dotted path) or drop (None) built-in declarations, by model label."
    ),
    "WAGTAIL_GDPR_CHECK_APPS": Setting(
        None, "App labels the system check inspects (default: the project's own apps)."
    ),
    "WAGTAIL_GDPR_IP_PREFIX": Setting(
        (24, 48), "Prefix lengths (IPv4, IPv6) kept when an IP address is shortened."
    ),
    "WAGTAIL_GDPR_TRUNCATE_IP": Setting(
        True, "Shorten IP addresses before storing them with activity and consent records."
    ),
    "WAGTAIL_GDPR_GATE_EXEMPT_PATHS": Setting((), "Path prefixes the consent gate never stops."),
    "WAGTAIL_GDPR_GATE_EXEMPT_URL_NAMES": Setting(
        ("logout", "login", "password_reset", "password_change"),
        "URL names the consent gate never stops; setting it replaces the default list.",
    ),
    "WAGTAIL_GDPR_GATE_ADMIN_USERS": Setting(
        False,
        "Also send people who may use the Wagtail admin (editors) to the consent step on the "
        "public site; staff users and the admin itself are never gated.",
    ),
    "WAGTAIL_GDPR_GATE_CACHE_SECONDS": Setting(
        60, "How long each process caches what members must acknowledge."
    ),
    "WAGTAIL_GDPR_ACCESS_COOLDOWN_HOURS": Setting(
        24, "After a copy is completed, how long a member waits before asking for another."
    ),
    "WAGTAIL_GDPR_WORKER_LEASE_SECONDS": Setting(
        300, "How long a worker may go without a heartbeat before its request is taken over."
    ),
    "WAGTAIL_GDPR_PUBLIC_REQUEST_LINK_HOURS": Setting(
        48, "How long the confirmation link of a public request works."
    ),
    "WAGTAIL_GDPR_FORM_CONSENT_LINK_DAYS": Setting(
        90,
        "How long the link that withdraws a consent given on a form, in the form's confirmation "
        "email, works; after that the person withdraws in the privacy centre.",
    ),
    "WAGTAIL_GDPR_PUBLIC_REQUEST_RATES": Setting(
        {"address": "3/d", "ip": "10/h"},
        "How many public requests one email address and one IP address may send.",
    ),
    "WAGTAIL_GDPR_REPORT_HTML_ROWS": Setting(
        1000, "Rows per section shown in a copy's index.html."
    ),
    "WAGTAIL_GDPR_CLARIFICATION_STOPS_CLOCK": Setting(
        False,
        "The legal clock stands still while staff wait for the requester's answer to a "
        "question. The EU GDPR stops it only for proof of identity (Art. 12(6)); set it where "
        "the site's law also stops it for a clarification.",
    ),
    "WAGTAIL_GDPR_RESTRICTION_NOTICE_DAYS": Setting(
        14,
        "At least how many days before a restriction is lifted the member is told (GDPR "
        "Art. 18(3)).",
    ),
    "WAGTAIL_GDPR_FINANCIAL_YEAR_START": Setting(
        1,
        "The month (1 to 12) the financial year starts in, for retention counted after the "
        "end of a financial year.",
    ),
    "WAGTAIL_GDPR_CONNECTORS": Setting(
        [],
        "The company's other systems that take part in members' requests (a list of dicts: "
        "key, name, endpoint, secret, kinds, timeout, max_attempts, retry_base_seconds, "
        "answer_within_hours, country); more can be added in the admin.",
    ),
    "WAGTAIL_GDPR_CONNECTOR_LOCAL_HTTP": Setting(
        None,
        "Whether a connector may use plain http to localhost: None follows DEBUG; set True only "
        "in a test suite whose receiver runs on this machine.",
    ),
    "WAGTAIL_GDPR_CONNECTOR_CALLBACK_BASE_URL": Setting(
        None,
        "Where connected systems send their later answers (default: the default Site's root URL).",
    ),
    "WAGTAIL_GDPR_CONNECTOR_MAX_RESPONSE_BYTES": Setting(
        5_000_000, "The largest answer a connected system may send, in bytes."
    ),
    "WAGTAIL_GDPR_CONNECTOR_SIGNATURE_TOLERANCE_SECONDS": Setting(
        300, "How old a signed answer may be before it is refused as a possible replay."
    ),
    "WAGTAIL_GDPR_JOBS": Setting(
        "auto",
        "Where background work runs: 'auto' (Celery when the site's Celery app has a broker, "
        "in this process otherwise), 'celery' or 'in-process'.",
    ),
}


class AppSettings:
    """The add-on's settings as attributes, without the prefix: ``app_settings.JOBS``."""

    def default(self, name: str) -> Any:
        """The default of setting ``name`` (without the prefix), whatever the site sets."""
        return SETTINGS[PREFIX + name].default

    def __getattr__(self, name: str) -> Any:
        full_name = PREFIX + name
        try:
            setting = SETTINGS[full_name]
        except KeyError:
            raise AttributeError(f"{full_name} is not a setting of wagtail-gdpr") from None
        return getattr(settings, full_name, setting.default)


app_settings = AppSettings()
