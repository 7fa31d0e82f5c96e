"""System checks: personal data that nobody declared, where background work runs, and the
addresses of connected systems.

Undeclared personal data is a warning (``wagtail_gdpr.W001``), so that ``migrate`` and a site's
own set-up commands run before anything is declared. To make CI fail on it::

    python manage.py check --tag gdpr --fail-level WARNING
"""

import re
import sys
import sysconfig
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting

from wagtail_gdpr import connected_systems, jobs
from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.registry import SELF, registry
from wagtail_gdpr.tables.breaches import NOTICE_CLAIM_STALLS_AFTER

#: The tag of the add-on's checks: ``manage.py check --tag gdpr``.
TAG = "gdpr"
UNDECLARED_PERSONAL_DATA = "wagtail_gdpr.W001"
UNKNOWN_JOBS_BACKEND = "wagtail_gdpr.E002"
JOBS_IN_PROCESS = "wagtail_gdpr.W002"
RECIPIENT_WITHOUT_COUNTRY = "wagtail_gdpr.W003"
CONNECTOR_ENDPOINT_REFUSED = "wagtail_gdpr.W004"
CONNECTOR_INCOMPLETE = "wagtail_gdpr.W005"
MAIL_MAY_HANG = "wagtail_gdpr.W006"

_NAME_PATTERNS = [
    (re.compile(r"e_?mail"), "an email address"),
    (re.compile(r"(^|_)(from|to|reply_?to|cc|bcc|sender|recipients?)_address"), "an email address"),
    (re.compile(r"(^|_)ip(_|$)|ip_?addr|remote_addr"), "an IP address"),
    (re.compile(r"phone|mobile|(^|_)tel(_|$)|fax"), "a phone number"),
    (
        re.compile(r"(^|_)(first|last|full|given|family|middle|sur|maiden|display|nick)_?name$"),
        "a person's name",
    ),
    (re.compile(r"address|street|post_?code|postal|zip_?code|(^|_)zip$"), "a postal address"),
    (re.compile(r"(^|_)(author|byline)(_|$)"), "a person's name"),
    (re.compile(r"birth|(^|_)dob(_|$)"), "a birth date"),
    (re.compile(r"ssn|social_security|national_id|personal_number|passport"), "an identity number"),
]


def looks_personal(field: models.Field, by_name: bool = True) -> str | None:
    """What personal data ``field`` seems to hold, or ``None``.

    Its type says so (a link to the user model, an email or IP address field, a phone field),
    or, with ``by_name``, its name does.
    """
    if field.is_relation:
        related = field.related_model
        if field.concrete and related is not None and related is get_user_model():
            return "a link to a member account"
        return None
    if isinstance(field, models.EmailField):
        return "an email address"
    if isinstance(field, models.GenericIPAddressField):
        return "an IP address"
    if "phone" in type(field).__name__.lower():
        return "a phone number"
    if not by_name:
        return None
    name = field.name.lower()
    for pattern, kind in _NAME_PATTERNS:
        if pattern.search(name):
            return kind
    return None


def _installed_roots() -> set[Path]:
    roots = {Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib")}
    roots.add(Path(sys.prefix).resolve())
    return roots


def _is_installed_path(path: str | None) -> bool:
    if not path:
        return False
    resolved = Path(path).resolve()
    return any(resolved.is_relative_to(root) for root in _installed_roots())


def _is_project_app(app_config) -> bool:
    """An app of the site itself, not one installed from a package index."""
    return not _is_installed_path(app_config.path)


def checked_app_configs(app_configs=None):
    """``WAGTAIL_GDPR_CHECK_APPS`` (app labels), else the site's own apps."""
    labels = app_settings.CHECK_APPS
    candidates = app_configs or apps.get_app_configs()
    if labels is not None:
        return [c for c in candidates if c.label in labels]
    return [c for c in candidates if _is_project_app(c) and c.label != "wagtail_gdpr"]


#: Wagtail's own abstract models and mixins: the fields they add are the CMS's bookkeeping
#: (locking, ownership, revisions, workflow state) or a form page's email settings, not data
#: the site collects about people.
FRAMEWORK_PACKAGES = ("wagtail.",)


def _abstract_origin(model, field):
    """The abstract model or mixin ``field`` comes from, or ``None`` if the model declares it."""
    for base in model.__mro__[1:]:
        meta = getattr(base, "_meta", None)
        if meta is None or not getattr(meta, "abstract", False):
            continue
        if any(local.name == field.name for local in meta.local_fields):
            return base
    return None


def added_by_framework(model, field) -> bool:
    """Does ``field`` come from an abstract model or mixin of Wagtail itself?"""
    origin = _abstract_origin(model, field)
    return origin is not None and origin.__module__.startswith(FRAMEWORK_PACKAGES)


def added_by_package(model, field) -> bool:
    """Does ``field`` come from an abstract model of an installed package (a CMS built on
    Wagtail, say), rather than from the site's own code?"""
    origin = _abstract_origin(model, field)
    if origin is None:
        return False
    module = sys.modules.get(origin.__module__)
    return _is_installed_path(getattr(module, "__file__", None))


def describes_the_site(model) -> bool:
    """Site and generic settings hold the organisation's own details, not people's."""
    return issubclass(model, (BaseSiteSetting, BaseGenericSetting))


def _looks_personal_in(model, field) -> str | None:
    """``looks_personal``, where a name alone is not enough for fields that describe the site:
    those of settings, and those an installed package's abstract model adds (a location page's
    address, a form's email settings). Their type still counts: a link to a member is one."""
    by_name = not (describes_the_site(model) or added_by_package(model, field))
    return looks_personal(field, by_name=by_name)


def _accounted_fields(declaration) -> set[str]:
    names = set(declaration.fields)
    if declaration.subject and declaration.subject != SELF:
        names.add(declaration.subject.split("__")[0])
    return names


@checks.register(checks.Tags.models, TAG)
def check_undeclared_personal_data(app_configs=None, **kwargs):
    warnings = []
    for app_config in checked_app_configs(app_configs):
        for model in app_config.get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            declaration = registry.get(model)
            accounted = _accounted_fields(declaration) if declaration else set()
            for field in model._meta.concrete_fields:
                if field.model is not model:
                    continue  # inherited through a parent table (e.g. Page.owner): checked there
                if field.name in accounted or registry.exclusion_reason(model, field.name):
                    continue
                if added_by_framework(model, field):
                    continue
                kind = _looks_personal_in(model, field)
                if kind is None:
                    continue
                warnings.append(
                    checks.Warning(
                        f"{model._meta.label}.{field.name} looks like {kind}, but it is not "
                        "declared as personal data.",
                        hint=(
                            f"Declare it in {app_config.name}.gdpr (in the 'fields' of the "
                            f"{model.__name__} declaration), or, if it is not personal data, "
                            f"call wagtail_gdpr.registry.exclude({model.__name__}, "
                            f"{field.name!r}, reason=...)."
                        ),
                        obj=model,
                        id=UNDECLARED_PERSONAL_DATA,
                    )
                )
    return warnings


@checks.register(checks.Tags.models, TAG)
def check_recipients_have_a_country(app_configs=None, **kwargs):
    """Members are told where their data goes (GDPR Art. 13(1)(e), (f)): every recipient needs
    a country, so that a transfer outside the EEA cannot go unnoticed."""
    return [
        checks.Warning(
            f"{declaration.model_label}: the recipient {str(recipient.name)!r} has no country, "
            "so nobody can tell whether data goes outside the EEA.",
            hint=(
                "Declare it as Recipient(name, country='SE'); outside the EEA add the "
                "safeguard, its details and how members get a copy."
            ),
            obj=declaration.model,
            id=RECIPIENT_WITHOUT_COUNTRY,
        )
        for declaration in registry
        for recipient in declaration.recipients
        if not recipient.country
    ]


@checks.register(TAG)
def check_background_work(app_configs=None, **kwargs):
    """In production, copies and erasures should run on a worker, not in a member's request."""
    try:
        backend = jobs.backend()
    except jobs.ConfigurationError as exc:
        return [checks.Error(str(exc), id=UNKNOWN_JOBS_BACKEND)]
    if backend != jobs.IN_PROCESS or settings.DEBUG:
        return []
    return [
        checks.Warning(
            "Background work (copies of data, erasures, emails) runs in the web process: "
            "the site's Celery app has no broker, or WAGTAIL_GDPR_JOBS is 'in-process'.",
            hint=(
                "Give the site's Celery app a broker (CELERY_BROKER_URL) and run a worker; "
                "or, to keep running in-process, silence this with "
                f"SILENCED_SYSTEM_CHECKS = ['{JOBS_IN_PROCESS}']."
            ),
            id=JOBS_IN_PROCESS,
        )
    ]


@checks.register(TAG)
def check_connector_endpoints(app_configs=None, **kwargs):
    """Connected systems receive members' identifiers: over https only, plain http only to this
    machine in DEBUG. The systems declared in settings are checked here; the admin's form
    refuses such an address for the others. Warnings, so that ``migrate`` is never blocked:
    an event for a refused endpoint is never sent, whatever the check says."""
    try:
        systems = connected_systems.declared_in_settings()
    except ImproperlyConfigured as exc:
        return [checks.Warning(str(exc), id=CONNECTOR_INCOMPLETE)]
    errors = []
    for system in systems:
        problem = connected_systems.endpoint_problem(system.endpoint)
        if problem:
            errors.append(
                checks.Warning(
                    f"WAGTAIL_GDPR_CONNECTORS: the endpoint of {system.key!r} is refused: "
                    f"{problem}. No event would be sent to it.",
                    hint="Give the system an https address. Plain http to localhost is "
                    "allowed only with DEBUG on (or WAGTAIL_GDPR_CONNECTOR_LOCAL_HTTP = True in "
                    "a test suite whose receiver runs on this machine).",
                    id=CONNECTOR_ENDPOINT_REFUSED,
                )
            )
    return errors


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@checks.register(TAG)
def check_mail_cannot_hang(app_configs=None, **kwargs):
    """A breach notice's claim is taken over when it is older than the claim's limit: a mail
    server that kept a worker waiting longer could have the notice sent twice."""
    if settings.EMAIL_BACKEND != SMTP_BACKEND:
        return []
    limit = NOTICE_CLAIM_STALLS_AFTER.total_seconds()
    timeout = getattr(settings, "EMAIL_TIMEOUT", None)
    # The timeout is per network step, and one message takes several (connect, greet, TLS,
    # log in, sender, recipients, data): ten of them must fit in the limit.
    if timeout is not None and timeout * 10 <= limit:
        return []
    return [
        checks.Warning(
            f"EMAIL_TIMEOUT is {'not set' if timeout is None else f'{timeout} seconds'}: a mail "
            "server that does not answer could keep a worker sending a breach notice past "
            f"{int(limit // 60)} minutes, when another worker takes the notice over and it may "
            "be sent twice.",
            hint="Set EMAIL_TIMEOUT to at most a minute (30 seconds, say): it applies to each "
            "step of a message's sending.",
            id=MAIL_MAY_HANG,
        )
    ]
