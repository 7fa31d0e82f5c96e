"""The personal-data registry: finding a member's rows, validating declarations, built-ins."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail import hooks
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Page

from tests.testapp.models import Order, OrderNote, Profile, Shop, Visit
from wagtail_gdpr.builtin import FormSubmissionData, UserData
from wagtail_gdpr.models import VerifiedEmail
from wagtail_gdpr.registry import (
    ANONYMISE,
    CONTRACT,
    SELF,
    Field,
    PersonalData,
    Registry,
    Retention,
    find_subject_rows,
    register_builtin_declarations,
    registry,
    verified_emails,
)

User = get_user_model()


# -- fixtures and helpers --------------------------------------------------------------------


@pytest.fixture
def global_registry():
    """The global registry, restored exactly as it was after the test."""
    declarations = dict(registry._declarations)
    exclusions = dict(registry._exclusions)
    builtins = set(registry._builtin)
    yield registry
    registry.clear()
    registry._declarations.update(declarations)
    registry._exclusions.update(exclusions)
    registry._builtin.update(builtins)


@pytest.fixture
def members(db, settings):
    """Alice and Bob with their own rows, plus rows that only look like Alice's.

    The site is taken to confirm addresses at sign-up, so account addresses count as verified.
    """
    settings.WAGTAIL_GDPR_TRUST_ACCOUNT_EMAIL = True
    alice = User.objects.create_user("alice", "alice@example.com", "pw")
    bob = User.objects.create_user("bob", "bob@example.com", "pw")
    rows = {
        "alice_order": Order.objects.create(customer=alice, email="alice@example.com", total=10),
        "alice_guest_order": Order.objects.create(
            customer=None, email="ALICE@Example.COM", total=20
        ),
        # Bob's order with Alice's address on it: Bob's row, never Alice's.
        "bob_order_alice_email": Order.objects.create(
            customer=bob, email="alice@example.com", total=30
        ),
        "carol_guest_order": Order.objects.create(
            customer=None, email="carol@example.com", total=40
        ),
        "alice_profile": Profile.objects.create(user=alice, display_name="Alice A", phone="0701"),
        "bob_profile": Profile.objects.create(user=bob, display_name="Bob B", phone="0702"),
        "alice_visit": Visit.objects.create(user=alice, ip_address="203.0.113.7"),
        "bob_visit": Visit.objects.create(user=bob, ip_address="198.51.100.9"),
    }
    rows["alice_note"] = OrderNote.objects.create(order=rows["alice_order"], text="ring twice")
    rows["bob_note"] = OrderNote.objects.create(order=rows["bob_order_alice_email"], text="Bob's")
    rows["guest_note"] = OrderNote.objects.create(order=rows["alice_guest_order"], text="guest")
    return alice, bob, rows


def rows_by_model(user, emails=None):
    return {found.declaration.model: found.rows for found in find_subject_rows(user, emails)}


def pks(declaration_model, user, emails=None):
    return set(registry.get(declaration_model).rows_for(user, emails).values_list("pk", flat=True))


def declaration(model=Order, **attrs):
    """Instantiate (so validate) a declaration of ``model``: ``attrs`` over good defaults."""
    base = {
        "subject": "customer",
        "purpose": "Deliver orders",
        "lawful_basis": CONTRACT,
        "fields": {"total": Field()},
    }
    base.update(attrs)
    return type("BrokenData", (PersonalData,), base)(model)


# -- finding a member's rows -----------------------------------------------------------------


def test_direct_subject_paths_find_the_members_rows(members):
    alice, _bob, rows = members
    assert pks(Profile, alice) == {rows["alice_profile"].pk}
    assert pks(Visit, alice) == {rows["alice_visit"].pk}
    assert rows["alice_order"].pk in pks(Order, alice)


def test_nested_subject_path_finds_notes_through_the_order(members):
    alice, bob, rows = members
    assert pks(OrderNote, alice) == {rows["alice_note"].pk}
    assert pks(OrderNote, bob) == {rows["bob_note"].pk}


def test_guest_order_is_found_by_verified_email_in_any_letter_case(members):
    alice, _bob, rows = members
    assert pks(Order, alice) == {rows["alice_order"].pk, rows["alice_guest_order"].pk}
    # The addresses passed in are compared case-insensitively too.
    assert pks(Order, alice, ["Alice@EXAMPLE.com"]) == {
        rows["alice_order"].pk,
        rows["alice_guest_order"].pk,
    }


def test_another_members_rows_are_never_returned(members):
    alice, bob, rows = members
    found = rows_by_model(alice)
    assert sorted(r["total"] for r in found[Order]) == [Decimal("10.00"), Decimal("20.00")]
    # Bob's order carries Alice's address, and Carol's guest order has another address.
    assert rows["bob_order_alice_email"].pk not in pks(Order, alice)
    assert rows["carol_guest_order"].pk not in pks(Order, alice)
    assert [r["display_name"] for r in found[Profile]] == ["Alice A"]
    assert [r["ip_address"] for r in found[Visit]] == ["203.0.113.7"]
    assert [r["text"] for r in found[OrderNote]] == ["ring twice"]
    assert [r["username"] for r in found[User]] == ["alice"]
    # Bob gets his own order and no guest order (none carries his address).
    assert pks(Order, bob) == {rows["bob_order_alice_email"].pk}


def test_the_members_own_account_row_comes_from_the_builtin_user_declaration(members):
    alice, _bob, _rows = members
    declaration_ = registry.get(User)
    assert isinstance(declaration_, UserData)
    assert declaration_.subject == SELF
    [row] = rows_by_model(alice)[User]
    assert row["username"] == "alice"
    assert row["email"] == "alice@example.com"


def test_export_is_an_allowlist_of_declared_fields(members):
    alice, _bob, _rows = members
    for found in find_subject_rows(alice):
        declared = set(found.declaration.fields)
        for row in found.rows:
            assert set(row) == declared, found.declaration
    by_model = rows_by_model(alice)
    assert all("customer" not in row and "id" not in row for row in by_model[Order])
    assert all("password" not in row for row in by_model[User])
    assert all("user" not in row for row in by_model[Profile])


# -- verified email addresses ----------------------------------------------------------------


def test_account_email_counts_as_verified(members):
    alice, _bob, _rows = members
    alice.email = "  Alice@Example.com "
    assert verified_emails(alice) == {"alice@example.com"}


def test_by_default_only_confirmed_addresses_count(members, settings):
    """Secure by default: an address typed at sign-up proves nothing until it is confirmed."""
    alice, _bob, rows = members
    del settings.WAGTAIL_GDPR_TRUST_ACCOUNT_EMAIL
    assert verified_emails(alice) == set()
    assert pks(Order, alice) == {rows["alice_order"].pk}

    VerifiedEmail.objects.create(user=alice, email="alice@example.com")
    assert verified_emails(alice) == {"alice@example.com"}
    assert pks(Order, alice) == {rows["alice_order"].pk, rows["alice_guest_order"].pk}


def test_untrusted_account_email_does_not_count(members, settings):
    alice, _bob, rows = members
    settings.WAGTAIL_GDPR_TRUST_ACCOUNT_EMAIL = False
    assert verified_emails(alice) == set()
    # Without a verified address the guest order is no longer Alice's; her own order still is.
    assert pks(Order, alice) == {rows["alice_order"].pk}


def test_verified_emails_hook_adds_addresses(members, settings):
    alice, bob, rows = members
    settings.WAGTAIL_GDPR_TRUST_ACCOUNT_EMAIL = False
    seen = []

    def confirmed_addresses(user):
        seen.append(user)
        return [" ALICE@example.com ", "alice.work@example.org", ""] if user == alice else None

    with hooks.register_temporarily("wagtail_gdpr_verified_emails", confirmed_addresses):
        assert verified_emails(alice) == {"alice@example.com", "alice.work@example.org"}
        assert verified_emails(bob) == set()
        assert pks(Order, alice) == {rows["alice_order"].pk, rows["alice_guest_order"].pk}
    assert seen == [alice, bob, alice]
    assert verified_emails(alice) == set()  # the hook is gone again


# -- one query per declaration ---------------------------------------------------------------


def count_queries(user):
    with CaptureQueriesContext(connection) as ctx:
        found = find_subject_rows(user)
    return len(ctx.captured_queries), found


def test_query_count_does_not_grow_with_the_number_of_rows(db):
    few = User.objects.create_user("few", "few@example.com", "pw")
    many = User.objects.create_user("many", "many@example.com", "pw")
    Order.objects.bulk_create(Order(customer=few, email="few@example.com") for _ in range(10))
    Order.objects.bulk_create(
        (Order(customer=many, email="many@example.com") for _ in range(10_000)), batch_size=500
    )
    few_queries, few_rows = count_queries(few)
    many_queries, many_rows = count_queries(many)

    assert {r.declaration.model: len(r.rows) for r in few_rows}[Order] == 10
    assert {r.declaration.model: len(r.rows) for r in many_rows}[Order] == 10_000
    assert few_queries == many_queries
    # Form submissions too: one indexed query on their addresses, whatever the email fields.
    assert many_queries == len(registry.about_members())


# -- form-builder submissions ----------------------------------------------------------------


def test_form_submissions_are_found_by_verified_email_case_insensitively(members):
    alice, _bob, _rows = members
    root = Page.objects.get(depth=1)
    mine = FormSubmission.objects.create(
        page=root, form_data={"email": "Alice@Example.com", "message": "Call me"}
    )
    FormSubmission.objects.create(page=root, form_data={"email": "bob@example.com", "message": "x"})
    FormSubmission.objects.create(page=root, form_data={"message": "alice@example.com"})

    declaration_ = registry.get(FormSubmission)
    assert isinstance(declaration_, FormSubmissionData)
    assert list(declaration_.rows_for(alice).values_list("pk", flat=True)) == [mine.pk]
    [row] = rows_by_model(alice)[FormSubmission]
    assert row["form_data"]["message"] == "Call me"
    assert row["page"] == root.pk
    assert set(row) == {"form_data", "submit_time", "page"}


def test_form_submissions_need_a_verified_email(members, settings):
    alice, _bob, _rows = members
    settings.WAGTAIL_GDPR_TRUST_ACCOUNT_EMAIL = False
    FormSubmission.objects.create(
        page=Page.objects.get(depth=1), form_data={"email": "alice@example.com"}
    )
    assert rows_by_model(alice)[FormSubmission] == []


# -- validation ------------------------------------------------------------------------------


INVALID_DECLARATIONS = [
    pytest.param(Order, {"fields": {"nope": Field()}}, ["'nope'", "testapp.Order"], id="no-field"),
    pytest.param(Order, {"subject": "buyer"}, ["'buyer'", "testapp.Order"], id="subject-missing"),
    pytest.param(
        Order,
        {"subject": "email__user"},
        ["testapp.Order.email", "not a forward foreign key"],
        id="subject-through-non-relation",
    ),
    pytest.param(
        Order,
        {"subject": "notes"},
        ["testapp.Order.notes", "not a forward foreign key"],
        id="subject-through-reverse-relation",
    ),
    pytest.param(
        OrderNote,
        {"subject": "order"},
        ["'order'", "leads to testapp.Order", "auth.User"],
        id="subject-not-the-user",
    ),
    pytest.param(Order, {"subject": SELF}, ["testapp.Order", "SELF"], id="self-not-the-user"),
    pytest.param(Order, {"subject": ""}, ["testapp.Order", "subject"], id="no-subject"),
    pytest.param(
        Order,
        {"fields": {"email": Field(anonymiser="scramble")}},
        ["testapp.Order", "'email'", "'scramble'", "known: ", "email", "year"],
        id="unknown-anonymiser",
    ),
    pytest.param(
        Order,
        {"fields": {"total": Field(anonymiser="email")}},
        ["testapp.Order", "'total'", "DecimalField"],
        id="anonymiser-wrong-type",
    ),
    pytest.param(
        Order,
        {"fields": {"shipping_address": Field(anonymiser="null")}},
        ["testapp.Order", "'shipping_address'", "null=True"],
        id="null-on-non-null",
    ),
    pytest.param(
        Order, {"lawful_basis": "because"}, ["testapp.Order", "'because'"], id="lawful-basis"
    ),
    pytest.param(Order, {"purpose": ""}, ["testapp.Order", "purpose"], id="no-purpose"),
    pytest.param(Order, {"fields": {}}, ["testapp.Order", "'fields'"], id="no-fields"),
    pytest.param(
        Order, {"fields": {"total": "keep"}}, ["testapp.Order", "'total'", "Field"], id="not-field"
    ),
    pytest.param(
        Order,
        {"fields": {"total": Field(correction="whenever")}},
        ["testapp.Order", "'total'", "'whenever'"],
        id="bad-correction",
    ),
    pytest.param(
        Order,
        {"email_field": "email"},
        ["testapp.Order", "email_field 'email'", "'fields'"],
        id="email-field-not-listed",
    ),
    pytest.param(
        Order,
        {"email_field": "mail", "fields": {"mail": Field()}},
        ["testapp.Order", "'mail'"],
        id="email-field-missing",
    ),
    pytest.param(Order, {"on_erasure": "shred"}, ["testapp.Order", "'shred'"], id="bad-on-erasure"),
    pytest.param(
        Order,
        {"retention": Retention(years=1, from_field="total", reason="r")},
        ["testapp.Order", "'total'", "not a date field"],
        id="retention-non-date",
    ),
    pytest.param(
        Order,
        {"retention": Retention(years=1, from_field="paid_at", reason="r")},
        ["testapp.Order", "'paid_at'"],
        id="retention-missing-field",
    ),
    pytest.param(
        Order,
        {"retention": Retention(from_field="created_at", reason="r")},
        ["testapp.Order", "retention needs a period"],
        id="retention-no-period",
    ),
    pytest.param(
        Order,
        {"retention": Retention(years=1, from_field="created_at", reason="")},
        ["testapp.Order", "reason"],
        id="retention-no-reason",
    ),
    pytest.param(
        Order,
        {"retention": Retention(years=1, from_field="created_at", reason="r", then="keep")},
        ["testapp.Order", "retention.then", "'keep'"],
        id="retention-bad-then",
    ),
    pytest.param(
        Order,
        {"retained_by_law": "Bookkeeping Act"},
        ["testapp.Order", "retained_by_law", "retention"],
        id="retained-by-law-without-retention",
    ),
]


@pytest.mark.parametrize(("model", "attrs", "fragments"), INVALID_DECLARATIONS)
def test_invalid_declaration_is_refused_with_a_clear_message(model, attrs, fragments):
    with pytest.raises(ImproperlyConfigured) as excinfo:
        declaration(model, **attrs)
    message = str(excinfo.value)
    assert message.startswith(f"BrokenData ({model._meta.label}): ")
    for fragment in fragments:
        assert fragment in message


def test_a_valid_declaration_passes_validation():
    """The baseline the invalid cases above each change in one way."""
    decl = declaration(
        Order,
        email_field="email",
        fields={"email": Field(anonymiser="email"), "total": Field()},
        on_erasure=ANONYMISE,
        retained_by_law="Bookkeeping Act",
        retention=Retention(years=7, from_field="created_at", reason="Bookkeeping Act"),
    )
    assert decl.erasure_action("email") == "anonymise:email"
    assert decl.erasure_action("total") == "keep"


def test_registering_a_model_twice_is_refused():
    reg = Registry()

    @reg.register(Order)
    class FirstOrderData(PersonalData):
        subject = "customer"
        purpose = "Orders"
        lawful_basis = CONTRACT
        fields = {"total": Field()}

    class SecondOrderData(FirstOrderData):
        pass

    with pytest.raises(ImproperlyConfigured, match=r"testapp\.Order.*FirstOrderData"):
        reg.register(Order, SecondOrderData)
    assert type(reg.get(Order)) is FirstOrderData


def test_register_needs_a_personal_data_subclass():
    with pytest.raises(ImproperlyConfigured, match=r"testapp\.Order"):
        Registry().register(Order, dict)


@pytest.mark.parametrize("reason", ["", None])
def test_exclude_needs_a_reason(reason):
    reg = Registry()
    with pytest.raises(ImproperlyConfigured) as excinfo:
        reg.exclude(Shop, "contact_email", reason)
    assert "testapp.Shop" in str(excinfo.value)
    assert "'contact_email'" in str(excinfo.value)
    assert reg.exclusion_reason(Shop, "contact_email") is None


def test_exclude_needs_an_existing_field():
    with pytest.raises(ImproperlyConfigured, match=r"'mailbox'.*testapp\.Shop"):
        Registry().exclude(Shop, "mailbox", "shared")


def test_exclude_records_the_reason():
    reg = Registry()
    reg.exclude(Shop, "contact_email", "A shared mailbox")
    assert reg.exclusion_reason(Shop, "contact_email") == "A shared mailbox"
    assert reg.exclusion_reason(Shop, "name") is None


# -- built-in declarations -------------------------------------------------------------------


class SiteFormSubmissionData(PersonalData):
    """A site's own declaration of form submissions, replacing the built-in one."""

    email_field = None
    subject = ""
    purpose = "Our own purpose"
    lawful_basis = CONTRACT
    fields = {"form_data": Field()}

    def subject_filter(self, user, emails):
        from django.db.models import Q

        return Q(pk__in=[])


class SlimUserData(UserData):
    """A replacement for the built-in user declaration, named in the setting."""

    purpose = "Only the essentials"
    fields = {"username": Field(anonymiser="token")}

    def __init__(self, model):
        PersonalData.__init__(self, model)  # skip UserData's choice of fields


def test_site_declaration_replaces_a_builtin_one():
    reg = Registry()
    reg.register_builtin(FormSubmission, FormSubmissionData)
    assert isinstance(reg.get(FormSubmission), FormSubmissionData)

    reg.register(FormSubmission, SiteFormSubmissionData)
    assert type(reg.get(FormSubmission)) is SiteFormSubmissionData
    # Once replaced, it is the site's own: a second site declaration is a mistake again.
    with pytest.raises(ImproperlyConfigured, match="SiteFormSubmissionData"):
        reg.register(FormSubmission, SiteFormSubmissionData)


def test_builtin_declarations_are_registered_by_default(global_registry, settings):
    settings.WAGTAIL_GDPR_BUILTIN_DECLARATIONS = {}
    global_registry.clear()
    register_builtin_declarations()
    assert isinstance(global_registry.get(User), UserData)
    assert isinstance(global_registry.get(FormSubmission), FormSubmissionData)


def test_setting_drops_a_builtin_declaration(global_registry, settings):
    settings.WAGTAIL_GDPR_BUILTIN_DECLARATIONS = {"wagtailforms.FormSubmission": None}
    global_registry.clear()
    register_builtin_declarations()
    assert FormSubmission not in global_registry
    assert isinstance(global_registry.get(User), UserData)


def test_setting_replaces_a_builtin_declaration(global_registry, settings):
    settings.WAGTAIL_GDPR_BUILTIN_DECLARATIONS = {"user": "tests.test_registry.SlimUserData"}
    global_registry.clear()
    register_builtin_declarations()
    user_declaration = global_registry.get(User)
    assert type(user_declaration).__name__ == "SlimUserData"
    assert list(user_declaration.fields) == ["username"]
    # Still a built-in: the site may replace it in its own gdpr.py.
    global_registry.register(User, UserData)
    assert type(global_registry.get(User)) is UserData


def test_site_declaration_registered_first_wins_over_the_builtin(global_registry, settings):
    settings.WAGTAIL_GDPR_BUILTIN_DECLARATIONS = {}
    global_registry.clear()
    global_registry.register(FormSubmission, SiteFormSubmissionData)
    register_builtin_declarations()
    assert type(global_registry.get(FormSubmission)) is SiteFormSubmissionData


def test_builtin_for_an_app_that_is_not_installed_is_skipped(global_registry, settings):
    settings.WAGTAIL_GDPR_BUILTIN_DECLARATIONS = {}
    global_registry.clear()
    register_builtin_declarations()
    defaults = {d.model_label for d in global_registry}

    settings.WAGTAIL_GDPR_BUILTIN_DECLARATIONS = {
        "nosuchapp.Thing": "wagtail_gdpr.builtin.FormSubmissionData"
    }
    global_registry.clear()
    register_builtin_declarations()
    assert {d.model_label for d in global_registry} == defaults
    assert {"auth.User", "wagtailforms.FormSubmission"} <= defaults


# -- retention periods -----------------------------------------------------------------------


def retention(**period):
    return Retention(from_field="created_at", reason="test", **period)


@pytest.mark.parametrize(
    ("period", "start", "expected"),
    [
        ({"years": 7}, date(2020, 6, 15), date(2027, 6, 15)),
        ({"years": 4}, date(2024, 2, 29), date(2028, 2, 29)),
        ({"months": 13}, date(2023, 12, 31), date(2025, 1, 31)),
        # A month too short for the day: the row expires when the next month starts, not before.
        ({"months": 1}, date(2023, 3, 31), date(2023, 5, 1)),
        ({"years": 1}, date(2024, 2, 29), date(2025, 3, 1)),
        ({"months": 1}, date(2023, 1, 31), date(2023, 3, 1)),
        ({"months": 1}, date(2024, 1, 31), date(2024, 3, 1)),
        ({"months": 1}, date(2024, 1, 29), date(2024, 2, 29)),
        ({"months": 1, "days": 1}, date(2023, 1, 31), date(2023, 3, 1)),
        ({"days": 30}, date(2023, 1, 31), date(2023, 3, 2)),
    ],
)
def test_expires_counts_calendar_months_and_years(period, start, expected):
    assert retention(**period).expires(start) == expected


def test_expires_keeps_the_time_and_timezone_of_a_datetime():
    start = datetime(2023, 6, 30, 13, 45, tzinfo=UTC)
    assert retention(years=1).expires(start) == datetime(2024, 6, 30, 13, 45, tzinfo=UTC)


def test_expires_of_a_clamped_datetime_is_the_start_of_the_next_month():
    start = datetime(2024, 2, 29, 13, 45, tzinfo=UTC)
    assert retention(years=1).expires(start) == datetime(2025, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("period", "now", "expected"),
    [
        (
            {"years": 1},
            datetime(2024, 2, 29, 12, tzinfo=UTC),
            datetime(2023, 2, 28, 12, tzinfo=UTC),
        ),
        ({"months": 1}, datetime(2023, 3, 31, 8, tzinfo=UTC), datetime(2023, 2, 28, 8, tzinfo=UTC)),
        ({"months": 12}, datetime(2025, 1, 15, tzinfo=UTC), datetime(2024, 1, 15, tzinfo=UTC)),
        (
            {"months": 1, "days": 2},
            datetime(2023, 3, 10, tzinfo=UTC),
            datetime(2023, 2, 8, tzinfo=UTC),
        ),
    ],
)
def test_cutoff_counts_calendar_months_and_years_back(period, now, expected):
    assert retention(**period).cutoff(now) == expected


def test_cutoff_defaults_to_now():
    before = retention(days=10).cutoff(datetime.now(UTC))
    cutoff = retention(days=10).cutoff()
    after = retention(days=10).cutoff(datetime.now(UTC))
    assert before <= cutoff <= after
    assert cutoff.tzinfo is not None


@pytest.mark.parametrize(
    ("period", "now"),
    [
        ({"months": 1}, datetime(2023, 2, 28, 12, tzinfo=UTC)),
        ({"years": 1}, datetime(2025, 2, 28, 12, tzinfo=UTC)),
        ({"months": 1}, datetime(2023, 4, 30, 12, tzinfo=UTC)),
        ({"months": 1}, datetime(2024, 3, 1, 12, tzinfo=UTC)),
        ({"years": 7}, datetime(2031, 3, 1, 3, tzinfo=UTC)),
        ({"months": 1, "days": 1}, datetime(2023, 3, 1, 12, tzinfo=UTC)),
        ({"months": 1, "days": 10}, datetime(2023, 3, 10, 12, tzinfo=UTC)),
        ({"days": 90}, datetime(2024, 5, 29, 12, tzinfo=UTC)),
        ({"months": 1}, datetime(2023, 3, 28, 12, tzinfo=ZoneInfo("Europe/Stockholm"))),
    ],
)
def test_cutoff_agrees_with_expires(period, now):
    """A row is past its retention by ``cutoff()`` exactly when ``expires()`` has passed.

    Checked for start times every six hours, 45 days either side of the cutoff, across the
    month ends where calendar arithmetic clamps (31 Jan + 1 month = 28 Feb).
    """
    rule = retention(**period)
    cutoff = rule.cutoff(now)
    start = cutoff - timedelta(days=45)
    disagreements = []
    while start < cutoff + timedelta(days=45):
        if (start < cutoff) != (rule.expires(start) < now):
            disagreements.append(start.isoformat())
        start += timedelta(hours=6)
    assert disagreements == []


@pytest.mark.parametrize(
    ("period", "text"),
    [
        ({"years": 7}, "7 years"),
        ({"years": 1}, "1 year"),
        ({"months": 1}, "1 month"),
        ({"years": 1, "months": 2, "days": 3}, "1 year, 2 months, 3 days"),
        ({"days": 1}, "1 day"),
        ({"months": 18}, "18 months"),
    ],
)
def test_period_text(period, text):
    assert retention(**period).period_text == text
