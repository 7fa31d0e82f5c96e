"""The personal-data registry: one declaration per model that holds personal data.

Integrators write, in ``<app>/gdpr.py`` (discovered as Django discovers ``admin.py``)::

    from wagtail_gdpr import registry
    from wagtail_gdpr.registry import Field, PersonalData, Retention

    @registry.register(Order)
    class OrderData(PersonalData):
        subject = "customer"
        email_field = "email"
        purpose = _("Deliver and bill your orders")
        lawful_basis = registry.CONTRACT
        categories = [_("Contact details"), _("Purchases")]
        fields = {
            "email": Field(anonymiser="email"),
            "total": Field(),  # exported, kept on erasure
        }
        on_erasure = registry.ANONYMISE
        retained_by_law = _("Bookkeeping Act: accounting records are kept for 7 years")
        retention = Retention(years=7, from_field="created_at", reason=..., then=registry.DELETE)

Every other part of the add-on (inventory, access reports, erasure, retention, the system check)
reads these declarations; nothing else decides what is personal data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules, import_string
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks

from wagtail_gdpr import countries
from wagtail_gdpr.anonymisers import Anonymiser, get_anonymiser
from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.periods import financial_year_start, shift_months

# Lawful bases of GDPR Art. 6(1).
CONSENT = "consent"
CONTRACT = "contract"
LEGAL_OBLIGATION = "legal_obligation"
VITAL_INTERESTS = "vital_interests"
PUBLIC_TASK = "public_task"
LEGITIMATE_INTERESTS = "legitimate_interests"

LAWFUL_BASES = {
    CONSENT: _("Your consent (GDPR Art. 6(1)(a))"),
    CONTRACT: _("Needed to fulfil our contract with you (GDPR Art. 6(1)(b))"),
    LEGAL_OBLIGATION: _("Required by law (GDPR Art. 6(1)(c))"),
    VITAL_INTERESTS: _("To protect someone's life (GDPR Art. 6(1)(d))"),
    PUBLIC_TASK: _("A task in the public interest (GDPR Art. 6(1)(e))"),
    LEGITIMATE_INTERESTS: _("Our legitimate interests (GDPR Art. 6(1)(f))"),
}

# What happens to a row.
DELETE = "delete"
ANONYMISE = "anonymise"
ROW_ACTIONS = (DELETE, ANONYMISE)

# What erasure did, or will do, to a member's rows: the words of erasure plans and receipts.
DELETED = "deleted"
ANONYMISED = "anonymised"
RETAINED = "retained"  # kept by law until its retention ends
HELD = "held"  # kept under a legal hold

# Who may correct a field.
DIRECT = "direct"  # the member edits it in the privacy centre
REVIEWED = "reviewed"  # the member proposes a value, staff approve it
CORRECTION_MODES = (DIRECT, REVIEWED)

#: ``subject`` of a declaration whose rows are the members themselves (the user model).
SELF = "self"

# Safeguards of a transfer to a country outside the EEA (GDPR Art. 45 to 49).
ADEQUACY = "adequacy"
STANDARD_CLAUSES = "standard_contractual_clauses"
BINDING_CORPORATE_RULES = "binding_corporate_rules"
DEROGATION = "derogation"

SAFEGUARDS = {
    ADEQUACY: _("An adequacy decision of the European Commission (GDPR Art. 45)"),
    STANDARD_CLAUSES: _("Standard data protection clauses (GDPR Art. 46(2)(c))"),
    BINDING_CORPORATE_RULES: _("Binding corporate rules (GDPR Art. 47)"),
    DEROGATION: _("An exception for a specific situation (GDPR Art. 49)"),
}

# Grounds that allow special categories of personal data (GDPR Art. 9(2)).
EXPLICIT_CONSENT = "explicit_consent"
EMPLOYMENT_AND_SOCIAL_SECURITY = "employment_and_social_security"
VITAL_INTERESTS_OF_SOMEONE_UNABLE_TO_CONSENT = "vital_interests_unable_to_consent"
NOT_FOR_PROFIT_MEMBERS = "not_for_profit_members"
MADE_PUBLIC_BY_THE_PERSON = "made_public"
LEGAL_CLAIMS = "legal_claims"
SUBSTANTIAL_PUBLIC_INTEREST = "substantial_public_interest"
HEALTH_OR_SOCIAL_CARE = "health_or_social_care"
PUBLIC_HEALTH = "public_health"
ARCHIVING_RESEARCH_STATISTICS = "archiving_research_statistics"

SPECIAL_CATEGORY_GROUNDS = {
    EXPLICIT_CONSENT: _("Your explicit consent (GDPR Art. 9(2)(a))"),
    EMPLOYMENT_AND_SOCIAL_SECURITY: _(
        "Obligations in employment and social security law (GDPR Art. 9(2)(b))"
    ),
    VITAL_INTERESTS_OF_SOMEONE_UNABLE_TO_CONSENT: _(
        "To protect someone's life when they cannot consent (GDPR Art. 9(2)(c))"
    ),
    NOT_FOR_PROFIT_MEMBERS: _(
        "The activities of a not-for-profit body, about its members (GDPR Art. 9(2)(d))"
    ),
    MADE_PUBLIC_BY_THE_PERSON: _("You made the data public yourself (GDPR Art. 9(2)(e))"),
    LEGAL_CLAIMS: _("To establish, exercise or defend legal claims (GDPR Art. 9(2)(f))"),
    SUBSTANTIAL_PUBLIC_INTEREST: _("A substantial public interest set in law (GDPR Art. 9(2)(g))"),
    HEALTH_OR_SOCIAL_CARE: _("Health or social care (GDPR Art. 9(2)(h))"),
    PUBLIC_HEALTH: _("Public health (GDPR Art. 9(2)(i))"),
    ARCHIVING_RESEARCH_STATISTICS: _(
        "Archiving in the public interest, research or statistics (GDPR Art. 9(2)(j))"
    ),
}

# How a retention period is counted from its date.
FROM_THE_DATE = "from_the_date"  # N years after the date itself
AFTER_FINANCIAL_YEAR = "after_financial_year"  # N years after the end of that financial year
COUNTING = (FROM_THE_DATE, AFTER_FINANCIAL_YEAR)


@dataclass(frozen=True)
class Field:
    """One exported field, and what erasure does to it when the row is anonymised.

    ``anonymiser=None`` keeps the value (for data that identifies nobody once the row's links to
    the member are anonymised, such as an order total).
    """

    anonymiser: str | Anonymiser | None = None
    label: str | None = None
    correction: str | None = None
    #: For a foreign key: the related object's field members read instead of its ``__str__``
    #: (``"reference"`` shows an order by its order number). Never a raw id.
    shows: str | None = None
    #: ``fn(value) -> str``: the value in words for people, where the general rules do not
    #: suit (a JSON field whose keys need explaining). Machines still get the stored value.
    words: Callable | None = None


@dataclass(frozen=True)
class Recipient:
    """Who receives the data: a name or a category of recipients, and where they are.

    ``country`` is an ISO 3166-1 code. A country outside the EEA makes it a transfer, which
    needs a ``safeguard`` (one of :data:`SAFEGUARDS`), the details of it (which decision, which
    clauses, which exception) and how members get a copy of it (GDPR Art. 13(1)(f), 46).
    """

    name: str
    country: str
    safeguard: str | None = None
    safeguard_details: str = ""
    how_to_get_a_copy: str = ""

    def __str__(self):
        return str(self.name)

    @property
    def is_transfer(self) -> bool:
        """Does sending data to this recipient take it outside the EEA?"""
        return bool(self.country) and not countries.in_eea(self.country)

    @property
    def country_name(self) -> str:
        return countries.name(self.country) if self.country else ""

    @property
    def safeguard_label(self) -> str:
        return str(SAFEGUARDS[self.safeguard]) if self.safeguard in SAFEGUARDS else ""


@dataclass(frozen=True)
class AutomatedDecisions:
    """Decisions made about people by automated means, or profiling (GDPR Art. 13(2)(f), 22).

    Say, in words members understand, how it works (``logic``), what it means for them
    (``significance``) and what may follow (``consequences``). ``profiling`` is True when it
    evaluates personal aspects such as interests or behaviour; ``legal_effect`` when a decision
    made this way alone has legal or similarly significant effects (GDPR Art. 22(1)).
    """

    logic: str
    significance: str
    consequences: str
    profiling: bool = True
    legal_effect: bool = False


@dataclass(frozen=True)
class Retention:
    """How long rows are kept, counted from a date field, and what happens at the end."""

    from_field: str
    reason: str
    years: int = 0
    months: int = 0
    days: int = 0
    then: str = DELETE
    #: :data:`FROM_THE_DATE` (the period starts on the date itself) or
    #: :data:`AFTER_FINANCIAL_YEAR` (at the end of the financial year the date falls in; the
    #: year's first month is ``WAGTAIL_GDPR_FINANCIAL_YEAR_START``), as bookkeeping laws count.
    counted: str = FROM_THE_DATE
    #: What the date is, in words that follow "after" or "in which": "the ticket is closed",
    #: "the order was placed", "your contract ends".
    event: str = ""

    def expires(self, start: date | datetime) -> date | datetime:
        """When a row whose ``from_field`` holds ``start`` is past its retention.

        The exact inverse of :meth:`cutoff`: a row is past it when ``start < cutoff(now)``.
        Where a month is too short for the day (31 January + 1 month), the row expires at the
        start of the following month, never before. Counted after a financial year, the period
        starts on the first day of the next financial year, at midnight in the site's time zone.
        """
        if self.counted == AFTER_FINANCIAL_YEAR:
            day = timezone.localtime(start).date() if _is_aware(start) else _as_date(start)
            year_end = financial_year_start(day, _first_month(), years_later=1)
            target = shift_months(year_end, 12 * self.years + self.months)
            target += timedelta(days=self.days)
            return _at_local_midnight(target) if isinstance(start, datetime) else target
        start = start + timedelta(days=self.days)
        target = shift_months(start, 12 * self.years + self.months)
        if target.day != start.day:  # clamped to the end of a shorter month
            target = shift_months(target.replace(day=1), 1)
            if isinstance(target, datetime):
                target = target.replace(hour=0, minute=0, second=0, microsecond=0)
        return target

    def cutoff(self, now: datetime | None = None) -> datetime:
        """Rows whose ``from_field`` is before this moment are past their retention."""
        now = now or timezone.now()
        if self.counted == AFTER_FINANCIAL_YEAR:
            # Past it when the financial year after the date began on or before ``shifted``:
            # when the date is before the start of the financial year ``shifted`` falls in.
            local = timezone.localtime(now) if _is_aware(now) else now
            shifted = shift_months(
                local - timedelta(days=self.days), -(12 * self.years + self.months)
            )
            return _at_local_midnight(financial_year_start(shifted.date(), _first_month()))
        return shift_months(now, -(12 * self.years + self.months)) - timedelta(days=self.days)

    @property
    def period_text(self) -> str:
        # Literal msgids, so that makemessages finds them.
        parts = [
            text % {"n": count}
            for count, text in (
                (self.years, ngettext("%(n)d year", "%(n)d years", self.years)),
                (self.months, ngettext("%(n)d month", "%(n)d months", self.months)),
                (self.days, ngettext("%(n)d day", "%(n)d days", self.days)),
            )
            if count
        ]
        return ", ".join(parts)


def _is_aware(value) -> bool:
    return isinstance(value, datetime) and timezone.is_aware(value)


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _first_month() -> int:
    return int(app_settings.FINANCIAL_YEAR_START)


def _at_local_midnight(day: date) -> datetime:
    """The start of ``day`` in the site's time zone (aware when USE_TZ is on)."""
    moment = datetime(day.year, day.month, day.day)
    return timezone.make_aware(moment) if timezone.is_naive(moment) and _use_tz() else moment


def _use_tz() -> bool:
    return bool(getattr(settings, "USE_TZ", False))


class PersonalData:
    """Base class of a declaration. Subclass it and set the attributes in ``gdpr.py``."""

    #: Set by :func:`register`.
    model: type[models.Model]
    #: Path from the model to the member, through forward foreign keys (``"ticket__owner"``),
    #: or :data:`SELF` for the user model.
    subject: str = ""
    #: A field holding an email address; rows with no member but the member's verified address
    #: (guest orders, form submissions) are found through it.
    email_field: str | None = None
    purpose: str = ""
    lawful_basis: str = ""
    categories: Sequence[str] = ()
    #: Who receives the data: :class:`Recipient` (name or category, and country); a plain
    #: string is a recipient whose country is not said, which the system check reports.
    recipients: Sequence[Recipient | str] = ()
    #: Automated decisions or profiling done with the data (GDPR Art. 22); ``None``: none, and
    #: every reader says so.
    automated_decisions: AutomatedDecisions | None = None
    #: Special categories of data (GDPR Art. 9(1)) among it, in words: "Health", "Religion".
    special_categories: Sequence[str] = ()
    #: What allows the special categories: one of :data:`SPECIAL_CATEGORY_GROUNDS`.
    special_category_ground: str = ""
    #: With :data:`EXPLICIT_CONSENT`: the slug of the consent purpose members agree to it with.
    explicit_consent_purpose: str = ""
    source: str = _("You gave it to us, or it was recorded while you used the site.")
    #: The export allowlist: a field that is not named here is never exported.
    fields: Mapping[str, Field] = {}
    #: What a granted erasure request does to the row.
    on_erasure: str = DELETE
    #: The legal obligation that keeps rows until their retention ends, despite an erasure request.
    retained_by_law: str | None = None
    retention: Retention | None = None
    #: Shown to members; defaults to the model's plural verbose name.
    label: str | None = None
    #: What names one record for members where they read records one by one (the erasure plan):
    #: a field, or a path through foreign keys (``"reference"``, ``"page__title"``); empty: the
    #: model's own ``__str__``, when it has one.
    record_label: str = ""
    #: Who the rows are about: the category of data subjects (GDPR Art. 30(1)(c)).
    data_subjects: str = _("Members of the site")
    #: ``False`` for data about people who are not members (authors, staff bylines, contact
    #: persons): it is never in a member's consent step, summary, copy or erasure, and it needs
    #: ``data_subjects``, ``how_informed``, ``on_request`` and ``retention`` or ``kept_while``.
    members: bool = True
    #: How the people are told that their data is kept (GDPR Art. 14).
    how_informed: str = ""
    #: How staff answer these people's requests for a copy, a correction or erasure.
    on_request: str = ""
    #: When there is no retention rule to compute: how long the rows are kept, in words.
    kept_while: str = ""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = {name: spec or Field() for name, spec in dict(self.fields).items()}
        self.recipients = [
            r if isinstance(r, Recipient) else Recipient(name=r, country="")
            for r in self.recipients
        ]
        self.validate()

    def __repr__(self):
        return f"<{type(self).__name__} for {self.model._meta.label}>"

    # -- naming ----------------------------------------------------------------------------

    @property
    def model_label(self) -> str:
        return self.model._meta.label

    @property
    def display_name(self) -> str:
        return capfirst(str(self.label or self.model._meta.verbose_name_plural))

    def field_label(self, name: str) -> str:
        spec = self.fields[name]
        return capfirst(str(spec.label or self.model._meta.get_field(name).verbose_name))

    def row_label(self, instance: models.Model, number: int) -> str:
        """How a member's page names one row among several ("Order PO-11205"): the model's name
        and the row's own text, or its place in the list when the model has no text of its own
        (Django's "Order object (3)" would show an id). Override it to name rows otherwise."""
        name = capfirst(str(self.model._meta.verbose_name))
        text = str(instance)
        if not text or text == f"{type(instance).__name__} object ({instance.pk})":
            return f"{name} {number}"
        return f"{name} {text}"

    def anonymiser_for(self, name: str) -> Anonymiser | None:
        spec = self.fields[name]
        return get_anonymiser(spec.anonymiser) if spec.anonymiser else None

    @property
    def transfers(self) -> list[Recipient]:
        """The recipients outside the EEA: each a transfer, with its safeguard."""
        return [r for r in self.recipients if r.is_transfer]

    def erasure_action(self, name: str) -> str:
        """``delete``, ``anonymise:<anonymiser>`` or ``keep``: what erasure does to one field."""
        if self.on_erasure == DELETE:
            return DELETE
        anonymiser = self.anonymiser_for(name)
        return f"{ANONYMISE}:{anonymiser.name}" if anonymiser else "keep"

    # -- finding a member's rows -----------------------------------------------------------

    def subject_filter(self, user, emails: Iterable[str]) -> Q:
        """Rows that belong to ``user``: linked through ``subject``, or guest rows by email.

        A row linked to another member is never matched by email, even if the addresses agree.
        Override this for data that is found some other way (see ``builtin.FormSubmissionData``).
        """
        if not self.members:
            return Q(pk__in=[])  # no member's rows: people who are not members
        if self.subject == SELF:
            return Q(pk=user.pk)
        condition = Q(**{self.subject: user}) if self.subject else Q(pk__in=[])
        emails = sorted({e.strip().lower() for e in emails if e and e.strip()})
        if self.email_field and emails:
            by_email = Q()
            for email in emails:
                by_email |= Q(**{f"{self.email_field}__iexact": email})
            if self.subject:
                by_email &= Q(**{f"{self.subject}__isnull": True})
            condition |= by_email
        return condition

    def rows_for(self, user, emails: Iterable[str] | None = None) -> models.QuerySet:
        """The member's rows, unevaluated; ``emails`` defaults to their verified addresses."""
        if emails is None:
            emails = verified_emails(user)
        return self.all_rows().filter(self.subject_filter(user, emails)).order_by("pk")

    def all_rows(self) -> models.QuerySet:
        """Every row of this processing activity, unevaluated: the whole table, unless the
        declaration is one of several activities kept in one table (see :meth:`activities`)."""
        return self.model._base_manager.all()

    def activities(self) -> list[PersonalData]:
        """The processing activities this declaration stands for: itself, usually.

        A table that serves several purposes, each with its own retention (form submissions:
        one activity per form page), returns one declaration per purpose, each narrowing
        :meth:`all_rows` to its part. The inventory, the record of processing, the member's
        summary and copy and the retention sweep read activities; erasure reads declarations.
        """
        return [self]

    @property
    def activity_key(self) -> str:
        """Tells activities apart where they are counted or named by machines."""
        return self.model_label

    @property
    def data_name(self) -> str:
        """What the data is called where a file or a section is named for it."""
        return str(self.model._meta.verbose_name_plural)

    def before_delete(self, rows: models.QuerySet) -> None:
        """Called with rows about to be deleted, in the same transaction: remove what is kept
        about them elsewhere (an index of their addresses, say). Set-based, please."""

    def tidy(self) -> int:
        """Called once per retention sweep: remove what is kept about rows that went some
        other way (deleted outside the add-on). Returns how many things it removed."""
        return 0

    def rows_of_members(
        self, members: models.QuerySet | None, emails: Iterable[str] | None = None
    ) -> models.QuerySet:
        """The set-based twin of :meth:`rows_for`: the rows of every member in ``members`` (a
        queryset of users), and the guest rows whose address is one of ``emails``; ``members``
        ``None`` means every row, members', guests' and other people's. One query whatever the
        number of members, with no loop over them.
        """
        manager = self.model._base_manager
        if members is None:
            return manager.all()
        if not self.members or (not self.subject and not self.email_field):
            return manager.none()
        emails = sorted({e.strip().lower() for e in emails or () if e and e.strip()})
        if self.subject == SELF:
            return manager.filter(pk__in=members.values("pk"))
        condition = Q(pk__in=[])
        if self.subject:
            condition = Q(**{f"{self.subject}__in": members.values("pk")})
        if self.email_field and emails:
            guest = Q(_gdpr_email__in=emails)
            if self.subject:
                guest &= Q(**{f"{self.subject}__isnull": True})
            return manager.alias(_gdpr_email=Lower(self.email_field)).filter(condition | guest)
        return manager.filter(condition)

    def subject_column(self) -> str | None:
        """The lookup that names a row's member (``"pk"`` for the user model), or ``None``."""
        if not self.members or not self.subject:
            return None
        return "pk" if self.subject == SELF else self.subject

    def keep_from_retention(self, rows: models.QuerySet) -> models.QuerySet:
        """Rows the retention sweep must leave even when expired (override to exclude some)."""
        return rows

    def export_field_names(self) -> list[str]:
        return list(self.fields)

    # -- validation ------------------------------------------------------------------------

    def _fail(self, message: str):
        raise ImproperlyConfigured(f"{type(self).__name__} ({self.model_label}): {message}")

    def _get_field(self, name: str, role: str):
        try:
            return self.model._meta.get_field(name)
        except FieldDoesNotExist:
            self._fail(f"{role} {name!r} is not a field of {self.model_label}")

    def validate(self):
        if not self.purpose:
            self._fail("a purpose is required")
        if self.lawful_basis not in LAWFUL_BASES:
            self._fail(
                f"unknown lawful basis {self.lawful_basis!r}; use one of {', '.join(LAWFUL_BASES)}"
            )
        if not self.fields:
            self._fail("declare at least one field in 'fields' (the export allowlist)")
        self._validate_subject()
        for name, spec in self.fields.items():
            self._validate_field(name, spec)
        if self.email_field:
            self._get_field(self.email_field, "email_field")
            if self.email_field not in self.fields:
                self._fail(
                    f"email_field {self.email_field!r} must also be listed in 'fields', "
                    "to say what erasure does to it"
                )
        if self.on_erasure not in ROW_ACTIONS:
            self._fail(f"on_erasure must be one of {ROW_ACTIONS}, not {self.on_erasure!r}")
        if self.retention is not None:
            self._validate_retention(self.retention)
        elif self.retained_by_law:
            self._fail("retained_by_law needs a retention rule, or the rows would be kept forever")
        for recipient in self.recipients:
            self._validate_recipient(recipient)
        if self.automated_decisions is not None:
            self._validate_automated_decisions(self.automated_decisions)
        self._validate_special_categories()

    def _validate_recipient(self, recipient: Recipient):
        if not str(recipient.name).strip():
            self._fail("a recipient needs a name, or the category of recipients")
        if not recipient.country:
            return  # not said: the system check reports it
        if not countries.is_known(recipient.country):
            self._fail(
                f"recipient {str(recipient.name)!r}: {recipient.country!r} is not an ISO 3166-1 "
                "country code"
            )
        if not recipient.is_transfer:
            return
        if recipient.safeguard not in SAFEGUARDS:
            self._fail(
                f"recipient {str(recipient.name)!r} is in {recipient.country}, outside the EEA: "
                f"the transfer needs a safeguard, one of {', '.join(SAFEGUARDS)} "
                "(GDPR Art. 44 to 49)"
            )
        if not recipient.safeguard_details or not recipient.how_to_get_a_copy:
            self._fail(
                f"recipient {str(recipient.name)!r}: a transfer outside the EEA needs "
                "safeguard_details (which decision, clauses or exception) and how_to_get_a_copy "
                "(GDPR Art. 13(1)(f))"
            )

    def _validate_automated_decisions(self, decisions):
        if not isinstance(decisions, AutomatedDecisions):
            self._fail("automated_decisions must be AutomatedDecisions(...) or None")
        for name in ("logic", "significance", "consequences"):
            if not str(getattr(decisions, name)).strip():
                self._fail(f"automated_decisions needs {name}, in words members understand")

    def _validate_special_categories(self):
        if not self.special_categories:
            if self.special_category_ground or self.explicit_consent_purpose:
                self._fail("special_category_ground is only for special_categories")
            return
        if self.special_category_ground not in SPECIAL_CATEGORY_GROUNDS:
            self._fail(
                "special categories of data (GDPR Art. 9) need special_category_ground, one of "
                f"{', '.join(SPECIAL_CATEGORY_GROUNDS)}"
            )
        if self.special_category_ground == EXPLICIT_CONSENT:
            if not self.explicit_consent_purpose:
                self._fail(
                    "special_category_ground=EXPLICIT_CONSENT needs explicit_consent_purpose: "
                    "the slug of the consent purpose members give it with"
                )
            if self.lawful_basis != CONSENT:
                self._fail("special categories under explicit consent need lawful_basis=CONSENT")
        elif self.explicit_consent_purpose:
            self._fail(
                "explicit_consent_purpose is only for special_category_ground=EXPLICIT_CONSENT"
            )

    def _validate_other_people(self):
        """A declaration of people who are not members says who they are and how they are told."""
        if self.subject:
            self._fail("a declaration with members=False has no subject: its rows are no member's")
        if self.data_subjects == PersonalData.data_subjects:
            self._fail("members=False needs data_subjects: who these people are")
        for name in ("how_informed", "on_request"):
            if not getattr(self, name):
                self._fail(f"members=False needs {name}")
        if self.retention is None and not self.kept_while:
            self._fail("members=False needs a retention rule, or kept_while in words")

    def _validate_subject(self):
        if not self.members:
            self._validate_other_people()
            return
        if self.subject == SELF:
            if self.model is not get_user_model():
                self._fail(f"subject=SELF is only for the user model, not {self.model_label}")
            if self.email_field:
                self._fail("email_field is not used with subject=SELF; leave it out")
            return
        if not self.subject:
            finds_rows_itself = type(self).subject_filter is not PersonalData.subject_filter
            if not (self.email_field or finds_rows_itself):
                self._fail(
                    "subject (the path from this model to the member) is required, "
                    "unless email_field finds the rows"
                )
            return
        model = self.model
        for part in self.subject.split("__"):
            try:
                field = model._meta.get_field(part)
            except FieldDoesNotExist:
                self._fail(
                    f"subject path {self.subject!r}: {part!r} is not a field of {model._meta.label}"
                )
            if not (field.concrete and (field.many_to_one or field.one_to_one)):
                self._fail(
                    f"subject path {self.subject!r}: {model._meta.label}.{part} is not a forward "
                    "foreign key or one-to-one field"
                )
            model = field.related_model
        if model is not get_user_model():
            self._fail(
                f"subject path {self.subject!r} leads to {model._meta.label}, "
                f"not the user model {get_user_model()._meta.label}"
            )

    def _validate_field(self, name: str, spec: Field):
        if not isinstance(spec, Field):
            self._fail(f"fields[{name!r}] must be a Field(...), not {type(spec).__name__}")
        field = self._get_field(name, "field")
        if not field.concrete or field.many_to_many:
            self._fail(f"field {name!r} must be a concrete, single-valued field")
        if spec.anonymiser is not None:
            try:
                anonymiser = get_anonymiser(spec.anonymiser)
            except LookupError as exc:
                self._fail(f"field {name!r}: {exc.args[0]}")
            problem = anonymiser.problem_with(field)
            if problem:
                self._fail(f"field {name!r}: {problem}")
        if spec.shows is not None:
            related = field.related_model if field.is_relation else None
            if related is None or not (field.many_to_one or field.one_to_one):
                self._fail(f"field {name!r}: shows= is only for a foreign key")
            try:
                related._meta.get_field(spec.shows)
            except FieldDoesNotExist:
                self._fail(
                    f"field {name!r}: shows={spec.shows!r} is not a field of {related._meta.label}"
                )
        if spec.correction is not None and spec.correction not in CORRECTION_MODES:
            self._fail(
                f"field {name!r}: correction must be one of {CORRECTION_MODES}, "
                f"not {spec.correction!r}"
            )

    def _validate_retention(self, retention: Retention):
        field = self._get_field(retention.from_field, "retention.from_field")
        if not isinstance(field, models.DateField):
            self._fail(f"retention.from_field {retention.from_field!r} is not a date field")
        if not (retention.years or retention.months or retention.days):
            self._fail("retention needs a period (years, months or days)")
        if retention.then not in ROW_ACTIONS:
            self._fail(f"retention.then must be one of {ROW_ACTIONS}, not {retention.then!r}")
        if not retention.reason:
            self._fail("retention needs a reason members can read")
        if retention.counted not in COUNTING:
            self._fail(f"retention.counted must be one of {COUNTING}, not {retention.counted!r}")


class Registry:
    def __init__(self):
        self._declarations: dict[type[models.Model], PersonalData] = {}
        self._exclusions: dict[tuple[type[models.Model], str], str] = {}
        self._builtin: set[type[models.Model]] = set()

    def register(self, model: type[models.Model], declaration: type[PersonalData] | None = None):
        """Declare ``model``'s personal data; usable as a class decorator.

        Registering a model twice is an error, except that a site's own declaration replaces
        a built-in one.
        """

        def do_register(declaration_class: type[PersonalData]):
            if not (
                isinstance(declaration_class, type) and issubclass(declaration_class, PersonalData)
            ):
                raise ImproperlyConfigured(
                    f"register({model._meta.label}, ...) needs a PersonalData subclass"
                )
            existing = self._declarations.get(model)
            if existing is not None and model not in self._builtin:
                raise ImproperlyConfigured(
                    f"{model._meta.label} is already declared by {type(existing).__name__}"
                )
            self._declarations[model] = declaration_class(model)
            self._builtin.discard(model)
            return declaration_class

        if declaration is None:
            return do_register
        return do_register(declaration)

    def register_builtin(self, model: type[models.Model], declaration: type[PersonalData]):
        """Register a declaration that a site's own ``register()`` may replace."""
        self.register(model, declaration)
        self._builtin.add(model)

    def unregister(self, model: type[models.Model]):
        self._declarations.pop(model, None)
        self._builtin.discard(model)

    def exclude(self, model: type[models.Model], field_name: str, reason: str):
        """Say that a field that looks personal is not, so the system check stays quiet."""
        if not reason:
            raise ImproperlyConfigured(
                f"exclude({model._meta.label}, {field_name!r}) needs a reason"
            )
        try:
            model._meta.get_field(field_name)
        except FieldDoesNotExist:
            raise ImproperlyConfigured(
                f"exclude(): {field_name!r} is not a field of {model._meta.label}"
            ) from None
        self._exclusions[(model, field_name)] = str(reason)

    def exclusion_reason(self, model: type[models.Model], field_name: str) -> str | None:
        return self._exclusions.get((model, field_name))

    def exclusions(self) -> list[tuple[str, str, str]]:
        """``(model label, field name, reason)`` of every field said not to be personal data."""
        return sorted(
            (model._meta.label, name, reason) for (model, name), reason in self._exclusions.items()
        )

    def get(self, model: type[models.Model]) -> PersonalData | None:
        return self._declarations.get(model)

    def __iter__(self) -> Iterator[PersonalData]:
        return iter(sorted(self._declarations.values(), key=lambda d: d.model_label))

    def about_members(self) -> list[PersonalData]:
        """The declarations of members' data: what a member's copy, summary and erasure cover."""
        return [d for d in self if d.members]

    def about_others(self) -> list[PersonalData]:
        """The declarations of data about people who are not members."""
        return [d for d in self if not d.members]

    def activities(self) -> list[PersonalData]:
        """Every processing activity: each declaration's :meth:`PersonalData.activities`."""
        return [a for d in self for a in d.activities()]

    def member_activities(self) -> list[PersonalData]:
        """The processing activities of members' data: what their summary and copy list."""
        return [a for d in self.about_members() for a in d.activities()]

    def __len__(self):
        return len(self._declarations)

    def __contains__(self, model):
        return model in self._declarations

    def clear(self):
        self._declarations.clear()
        self._exclusions.clear()
        self._builtin.clear()


registry = Registry()
register = registry.register
unregister = registry.unregister
exclude = registry.exclude


def verified_emails(user) -> set[str]:
    """Addresses known to be the member's, lower-cased.

    These are the addresses the member confirmed through the privacy centre, plus whatever each
    ``wagtail_gdpr_verified_emails`` hook (``fn(user) -> iterable``) returns, such as the
    verified addresses of an e-mail confirmation app. The account's own address counts only
    when ``WAGTAIL_GDPR_TRUST_ACCOUNT_EMAIL`` is True: set it only if sign-up confirms it, or
    anybody could sign up with someone else's address and see their guest data.
    """
    emails: set[str] = set(
        # Looked up when used: the registry is imported before Django loads the models.
        apps.get_model("wagtail_gdpr", "VerifiedEmail")
        .objects.filter(user_id=user.pk)
        .values_list("email", flat=True)
    )
    if app_settings.TRUST_ACCOUNT_EMAIL:
        account_email = getattr(user, user.get_email_field_name(), "")
        if account_email:
            emails.add(account_email)
    for hook in hooks.get_hooks("wagtail_gdpr_verified_emails"):
        emails.update(hook(user) or ())
    return {e.strip().lower() for e in emails if e and e.strip()}


@dataclass
class SubjectRows:
    declaration: PersonalData
    rows: list[dict]


def find_subject_rows(user, emails: Iterable[str] | None = None) -> list[SubjectRows]:
    """Every declared row of one member, as exported values; one query per declaration."""
    if emails is None:
        emails = verified_emails(user)
    emails = list(emails)
    return [
        SubjectRows(d, list(d.rows_for(user, emails).values(*d.export_field_names())))
        for d in registry.about_members()
    ]


# -- discovery and built-in declarations ----------------------------------------------------

BUILTIN_DECLARATIONS = {
    "user": "wagtail_gdpr.builtin.UserData",
    "wagtailforms.FormSubmission": "wagtail_gdpr.form_privacy.declarations.FormsData",
    "wagtail_gdpr.ConsentRecord": "wagtail_gdpr.builtin.ConsentRecordData",
    "wagtail_gdpr.ConsentState": "wagtail_gdpr.builtin.ConsentStateData",
    "wagtail_gdpr.MemberActivity": "wagtail_gdpr.builtin.MemberActivityData",
    "wagtail_gdpr.VerifiedEmail": "wagtail_gdpr.builtin.VerifiedEmailData",
    "wagtail_gdpr.DataSubjectRequest": "wagtail_gdpr.builtin.DataSubjectRequestData",
    "wagtail_gdpr.AccessReport": "wagtail_gdpr.builtin.AccessReportData",
    "wagtail_gdpr.RequestNote": "wagtail_gdpr.builtin.RequestNoteData",
    "wagtail_gdpr.Breach": "wagtail_gdpr.builtin.BreachData",
    "wagtail_gdpr.BreachAffectedPerson": "wagtail_gdpr.builtin.BreachPersonData",
    "wagtail_gdpr.BreachNotice": "wagtail_gdpr.builtin.BreachNoticeData",
}


def _builtin_targets() -> dict[str, str | None]:
    """Built-in declarations by model label, as changed by ``WAGTAIL_GDPR_BUILTIN_DECLARATIONS``.

    The setting maps a label (``"user"`` for the user model) to a dotted path of a replacement
    declaration, or to ``None`` to drop the built-in.
    """
    targets = dict(BUILTIN_DECLARATIONS)
    targets.update(app_settings.BUILTIN_DECLARATIONS)
    return targets


def register_builtin_declarations():
    for label, path in _builtin_targets().items():
        if path is None:
            continue
        if label == "user":
            model = get_user_model()
        else:
            try:
                model = apps.get_model(label)
            except LookupError:
                continue  # the app is not installed (e.g. no wagtail.contrib.forms)
        if model in registry:
            continue  # the site declared it itself
        registry.register_builtin(model, import_string(path))


def autodiscover():
    """Import every installed app's ``gdpr`` module, then fill in the built-in declarations."""
    autodiscover_modules("gdpr")
    register_builtin_declarations()
