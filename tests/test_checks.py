"""The system check: personal-looking fields must be declared, or excluded with a reason."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import checks as checks_framework
from django.db import models

from tests import packaged_cms
from tests.testapp.models import Branch, Order, OrderNote, Profile, Shop, ShopSettings, Visit
from wagtail_gdpr import checks
from wagtail_gdpr.checks import UNDECLARED_PERSONAL_DATA, check_undeclared_personal_data
from wagtail_gdpr.registry import CONTRACT, Field, PersonalData, Registry

REPO_ROOT = Path(__file__).resolve().parent.parent


def reported(warnings):
    """``app_label.Model.field`` of each W001 warning."""
    assert all(warning.id == UNDECLARED_PERSONAL_DATA for warning in warnings)
    assert all(warning.level == checks_framework.WARNING for warning in warnings)
    return {warning.msg.split(" looks like ")[0] for warning in warnings}


@pytest.fixture
def own_registry(monkeypatch):
    """An empty registry read by the check in place of the global one."""
    fresh = Registry()
    monkeypatch.setattr(checks, "registry", fresh)
    return fresh


def checked_testapp():
    return [apps.get_app_config("testapp")]


def unbound(field, name):
    field.set_attributes_from_name(name)
    return field


class PhoneNumberField(models.CharField):
    """Stands in for django-phonenumber-field's field: recognised by its class name."""


# -- the test settings are clean -------------------------------------------------------------


def test_test_settings_have_no_undeclared_personal_data():
    assert check_undeclared_personal_data() == []


# -- looks_personal --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        (unbound(models.EmailField(), "contact"), "an email address"),
        (unbound(models.CharField(max_length=50), "email_address"), "an email address"),
        (unbound(models.CharField(max_length=50), "billing_e_mail"), "an email address"),
        (unbound(models.CharField(max_length=255), "to_address"), "an email address"),
        (unbound(models.CharField(max_length=255), "reply_to_address"), "an email address"),
        (unbound(models.CharField(max_length=100), "author_display"), "a person's name"),
        (unbound(models.CharField(max_length=100), "byline"), "a person's name"),
        (unbound(models.GenericIPAddressField(), "origin"), "an IP address"),
        (unbound(models.CharField(max_length=50), "client_ip"), "an IP address"),
        (unbound(models.CharField(max_length=50), "remote_addr"), "an IP address"),
        (unbound(models.CharField(max_length=50), "phone"), "a phone number"),
        (unbound(models.CharField(max_length=50), "mobile_number"), "a phone number"),
        (unbound(models.CharField(max_length=50), "tel"), "a phone number"),
        (unbound(PhoneNumberField(max_length=50), "contact"), "a phone number"),
        (unbound(models.CharField(max_length=50), "first_name"), "a person's name"),
        (unbound(models.CharField(max_length=50), "last_name"), "a person's name"),
        (unbound(models.CharField(max_length=50), "fullname"), "a person's name"),
        (unbound(models.CharField(max_length=50), "surname"), "a person's name"),
        (unbound(models.CharField(max_length=50), "display_name"), "a person's name"),
        (unbound(models.TextField(), "billing_address"), "a postal address"),
        (unbound(models.CharField(max_length=50), "street"), "a postal address"),
        (unbound(models.CharField(max_length=10), "postcode"), "a postal address"),
        (unbound(models.CharField(max_length=10), "zip"), "a postal address"),
        (unbound(models.DateField(), "birth_date"), "a birth date"),
        (unbound(models.DateField(), "date_of_birth"), "a birth date"),
        (unbound(models.DateField(), "dob"), "a birth date"),
        (unbound(models.CharField(max_length=20), "passport_number"), "an identity number"),
        (Order._meta.get_field("customer"), "a link to a member account"),
        (Profile._meta.get_field("user"), "a link to a member account"),
        (Visit._meta.get_field("ip_address"), "an IP address"),
    ],
    ids=lambda value: value if isinstance(value, str) else getattr(value, "name", None),
)
def test_looks_personal_recognises_personal_fields(field, kind):
    assert checks.looks_personal(field) == kind


def judged(model, name):
    return checks._looks_personal_in(model, model._meta.get_field(name))


def test_fields_an_installed_packages_abstract_model_adds_count_by_type_not_name(monkeypatch):
    # As the site's own code, the branch's fields are judged by their names too.
    assert judged(Branch, "address") == "a postal address"
    assert judged(Branch, "phone_number") == "a phone number"
    # As an installed CMS package's (a location page's address and switchboard) they are not;
    # their type still counts, and the site's own fields on the same model are judged by name.
    package_folder = Path(packaged_cms.__file__).resolve().parent
    monkeypatch.setattr(checks, "_installed_roots", lambda: {package_folder})
    assert checks.added_by_package(Branch, Branch._meta.get_field("address"))
    assert not checks.added_by_package(Branch, Branch._meta.get_field("name"))
    assert judged(Branch, "address") is None
    assert judged(Branch, "phone_number") is None
    assert judged(Branch, "contact_email") == "an email address"


def test_site_settings_describe_the_organisation_so_only_types_count():
    assert checks.describes_the_site(ShopSettings)
    assert not checks.describes_the_site(Order)
    assert judged(ShopSettings, "support_phone") is None
    assert judged(ShopSettings, "support_email") == "an email address"
    assert judged(Order, "shipping_address") == "a postal address"


@pytest.mark.parametrize(
    "field",
    [
        unbound(models.CharField(max_length=50), "title"),
        unbound(models.DecimalField(max_digits=5, decimal_places=2), "total"),
        unbound(models.CharField(max_length=50), "name"),
        unbound(models.CharField(max_length=50), "hostname"),
        unbound(models.TextField(), "description"),
        unbound(models.DecimalField(max_digits=5, decimal_places=2), "shipping_cost"),
        unbound(models.CharField(max_length=50), "status"),
        unbound(models.DateTimeField(), "created_at"),
        unbound(models.CharField(max_length=50), "recipe"),
        OrderNote._meta.get_field("order"),  # a relation, but not to a member
        Order._meta.get_field("id"),
    ],
    ids=lambda field: field.name,
)
def test_looks_personal_leaves_other_fields_alone(field):
    assert checks.looks_personal(field) is None


# -- declared, excluded and undeclared fields (in-process) -----------------------------------


def test_every_personal_field_of_an_undeclared_app_is_reported(own_registry):
    errors = check_undeclared_personal_data(checked_testapp())
    assert reported(errors) == {
        "testapp.Shop.contact_email",
        "testapp.Order.customer",
        "testapp.Order.email",
        "testapp.Order.shipping_address",
        "testapp.Profile.user",
        "testapp.Profile.nickname",
        "testapp.Profile.display_name",
        "testapp.Profile.phone",
        "testapp.Profile.birth_date",
        "testapp.Visit.user",
        "testapp.Visit.ip_address",
        "testapp.Attachment.owner",
        "testapp.Author.first_name",
        "testapp.Author.last_name",
        "testapp.Author.email",
        # The site's own abstract model: judged by name as well.
        "testapp.Branch.address",
        "testapp.Branch.phone_number",
        "testapp.Branch.contact_email",
        # A site setting: an email field still counts, a phone named so does not.
        "testapp.ShopSettings.support_email",
        # Declared only by the tests that compare a copy's two writers.
        "testapp.Booking.member",
        "testapp.Booking.origin",
    }
    shop_error = next(e for e in errors if "contact_email" in e.msg)
    assert shop_error.obj is Shop
    assert "exclude(Shop, 'contact_email', reason=...)" in shop_error.hint


def test_declared_and_excluded_fields_are_not_reported(own_registry):
    class ProfileData(PersonalData):
        subject = "user"
        purpose = "Profiles"
        lawful_basis = CONTRACT
        fields = {"nickname": Field(), "display_name": Field(), "birth_date": Field()}

    own_registry.register(Profile, ProfileData)
    own_registry.exclude(Shop, "contact_email", reason="A shared mailbox")

    found = reported(check_undeclared_personal_data(checked_testapp()))

    assert "testapp.Shop.contact_email" not in found
    # The subject's link to the member and the declared fields are accounted for ...
    assert (
        not {
            "testapp.Profile.user",
            "testapp.Profile.nickname",
            "testapp.Profile.display_name",
            "testapp.Profile.birth_date",
        }
        & found
    )
    # ... but a personal-looking field left out of a declared model's `fields` is not.
    assert "testapp.Profile.phone" in found


def test_subject_link_and_declared_fields_are_accounted_for(own_registry):
    class OrderData(PersonalData):
        subject = "customer"
        email_field = "email"
        purpose = "Orders"
        lawful_basis = CONTRACT
        fields = {"email": Field()}

    own_registry.register(Order, OrderData)
    found = reported(check_undeclared_personal_data(checked_testapp()))
    assert "testapp.Order.customer" not in found
    assert "testapp.Order.email" not in found
    assert "testapp.Order.shipping_address" in found


def test_only_the_sites_own_apps_are_checked_by_default(own_registry):
    found = reported(check_undeclared_personal_data())
    assert found  # the empty registry leaves testapp's fields undeclared
    assert {label.split(".")[0] for label in found} == {"testapp"}
    user = get_user_model()._meta.label
    assert f"{user}.email" not in found  # django.contrib.auth is an installed package


def test_check_apps_setting_chooses_the_apps(own_registry, settings):
    settings.WAGTAIL_GDPR_CHECK_APPS = ["auth"]
    found = reported(check_undeclared_personal_data())
    assert "auth.User.email" in found
    assert not any(label.startswith("testapp.") for label in found)

    settings.WAGTAIL_GDPR_CHECK_APPS = []
    assert check_undeclared_personal_data() == []


# -- end to end: manage.py check in a subprocess ---------------------------------------------


def django_command(settings_module, *arguments, **environ):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": str(REPO_ROOT),
        **environ,
    }
    return subprocess.run(
        [sys.executable, "-m", "django", *arguments],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def django_check(settings_module, *options):
    return django_command(settings_module, "check", *options)


def test_django_check_passes_for_the_test_settings():
    result = django_check("tests.settings")
    assert result.returncode == 0, result.stdout + result.stderr
    assert UNDECLARED_PERSONAL_DATA not in result.stdout + result.stderr


def test_undeclared_personal_data_warns_and_never_blocks_a_command():
    """A warning: migrate, loaddata and a site's own commands run before anything is declared."""
    result = django_check("tests.settings_undeclared")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS:" in output and UNDECLARED_PERSONAL_DATA in output


def test_migrate_and_other_commands_run_before_anything_is_declared(tmp_path):
    database = {"DATABASE_URL": "", "WAGTAIL_GDPR_TEST_DATABASE_NAME": str(tmp_path / "db.sqlite3")}
    for command in (["migrate", "--noinput"], ["gdpr_inventory", "--format", "json"]):
        result = django_command("tests.settings_undeclared", *command, **database)
        assert result.returncode == 0, result.stdout + result.stderr
    assert '"data_subjects"' in result.stdout


@pytest.mark.parametrize("options", [["--fail-level", "WARNING"],
                                     ["--tag", "gdpr", "--fail-level", "WARNING"]])  # fmt: skip
def test_ci_fails_on_undeclared_personal_data(options):
    result = django_check("tests.settings_undeclared", *options)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert UNDECLARED_PERSONAL_DATA in output
    # A model nobody declared ...
    assert "undeclared_app.Subscriber.email looks like an email address" in output
    # ... and a declared model with a personal-looking field left out of its `fields`.
    assert "undeclared_app.Ticket.phone looks like a phone number" in output
    # Excluded, declared, subject and harmless fields are not reported.
    for quiet in ("office_email", "Subscriber.title", "Ticket.owner", "Ticket.subject_line"):
        assert quiet not in output
    # Wagtail's bookkeeping (locking, revisions) and a form page's email settings are not
    # personal data; people who are not members are declared without a member path.
    for quiet in ("Announcement", "locked_by", "EnquiryPage", "to_address", "from_address",
                  "StaffMember"):  # fmt: skip
        assert quiet not in output
    assert "testapp." not in output
    assert output.count(f"({UNDECLARED_PERSONAL_DATA})") == 2


def test_smtp_without_a_short_timeout_is_warned_of(settings):
    """A breach notice's claim is taken over after 10 minutes: a mail server that keeps a
    worker longer could have the notice sent twice."""
    from wagtail_gdpr.checks import MAIL_MAY_HANG, check_mail_cannot_hang

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_TIMEOUT = None
    [warning] = check_mail_cannot_hang()
    assert warning.id == MAIL_MAY_HANG == "wagtail_gdpr.W006"
    assert "EMAIL_TIMEOUT is not set" in warning.msg and "10 minutes" in warning.msg
    settings.EMAIL_TIMEOUT = 300  # per step of the sending: several of them pass 10 minutes
    [warning] = check_mail_cannot_hang()
    assert "300 seconds" in warning.msg
    settings.EMAIL_TIMEOUT = 30
    assert check_mail_cannot_hang() == []
    settings.EMAIL_TIMEOUT = None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert check_mail_cannot_hang() == []
