"""The built-in anonymisers, row by row and set-based, and registering custom ones."""

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from tests.testapp.models import Attachment, Order, Profile, Visit
from wagtail_gdpr import anonymisers
from wagtail_gdpr.anonymisers import (
    Anonymiser,
    anonymiser_names,
    get_anonymiser,
    register_anonymiser,
    truncate_ip,
)
from wagtail_gdpr.models import PendingFileRemoval
from wagtail_gdpr.registry import ANONYMISE, CONTRACT, Field, PersonalData

User = get_user_model()
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def user(db):
    return User.objects.create_user("alice", "alice@example.com", "pw")


@pytest.fixture
def restore_anonymisers():
    saved = dict(anonymisers._anonymisers)
    yield
    anonymisers._anonymisers.clear()
    anonymisers._anonymisers.update(saved)


def model_field(model, name):
    return model._meta.get_field(name)


def anonymise(name, value, instance, field):
    return get_anonymiser(name).anonymise(value, instance=instance, field=field)


def set_based(name, model, field_name, pks):
    """Anonymise ``field_name`` of the rows ``pks`` in one UPDATE; return the stored values."""
    field = model_field(model, field_name)
    expression = get_anonymiser(name).expression(field)
    assert expression is not None
    updated = model._base_manager.filter(pk__in=pks).update(**{field_name: expression})
    assert updated == len(pks)
    return dict(model._base_manager.filter(pk__in=pks).values_list("pk", field_name))


# -- row by row ------------------------------------------------------------------------------


def test_email_is_replaced_by_a_unique_undeliverable_address():
    field = model_field(Order, "email")
    first, second = Order(pk=41), Order(pk=42)
    a = anonymise("email", "alice@example.com", first, field)
    b = anonymise("email", "alice@example.com", second, field)
    assert a != b
    assert a.endswith(".invalid") and b.endswith(".invalid")
    assert "alice" not in a + b
    assert "41" in a and "42" in b


@pytest.mark.parametrize("name", ["email", "name", "token", "text"])
@pytest.mark.parametrize("empty", ["", None])
def test_empty_text_values_stay_empty(name, empty):
    field = model_field(Profile, "nickname")  # CharField, null=True
    result = anonymise(name, empty, Profile(pk=1), field)
    assert not result


def test_name_becomes_anonymous_cut_to_the_field_length():
    assert anonymise("name", "Alice A", Profile(pk=1), model_field(Profile, "display_name")) == (
        "Anonymous"
    )
    short = models.CharField(max_length=4)
    short.set_attributes_from_name("initials")
    assert anonymise("name", "AA", Profile(pk=1), short) == "Anon"


def test_token_is_unique_per_row_and_fits_the_field():
    field = model_field(User, "username")
    a = anonymise("token", "alice", User(pk=7), field)
    b = anonymise("token", "alice", User(pk=8), field)
    assert a != b and "alice" not in a + b
    short = models.CharField(max_length=9)
    short.set_attributes_from_name("code")
    assert len(anonymise("token", "alice", User(pk=123456), short)) <= 9


def test_text_is_emptied():
    field = model_field(Order, "shipping_address")
    assert anonymise("text", "1 Main Street\nTown", Order(pk=1), field) == ""


def test_null_removes_the_value():
    assert anonymise("null", "Ally", Profile(pk=1), model_field(Profile, "nickname")) is None
    assert (
        anonymise("null", date(1990, 5, 17), Profile(pk=1), model_field(Profile, "birth_date"))
        is None
    )


def test_year_keeps_only_the_year_of_a_date():
    field = model_field(Profile, "birth_date")
    assert anonymise("year", date(1985, 6, 15), Profile(pk=1), field) == date(1985, 1, 1)
    assert anonymise("year", None, Profile(pk=1), field) is None


def test_year_keeps_an_aware_datetime_aware():
    field = model_field(Order, "created_at")
    value = datetime(2021, 8, 9, 14, 30, 12, 345, tzinfo=UTC)
    result = anonymise("year", value, Order(pk=1), field)
    assert timezone.is_aware(result)
    assert result == datetime(2021, 1, 1, tzinfo=UTC)


def test_year_of_an_aware_datetime_is_the_year_in_utc():
    """Row by row as set-based: just after New Year in Stockholm it is still the old year in UTC."""
    value = datetime(2020, 1, 1, 0, 30, tzinfo=STOCKHOLM)
    result = anonymise("year", value, Order(pk=1), model_field(Order, "created_at"))
    assert result == datetime(2019, 1, 1, tzinfo=UTC)
    assert timezone.is_aware(result)


def test_year_keeps_a_naive_datetime_naive():
    result = anonymise(
        "year", datetime(2021, 8, 9, 14, 30), Order(pk=1), model_field(Order, "created_at")
    )
    assert result == datetime(2021, 1, 1)
    assert timezone.is_naive(result)


def test_ip_is_truncated_to_the_network():
    field = model_field(Visit, "ip_address")
    assert anonymise("ip", "203.0.113.77", Visit(pk=1), field) == "203.0.113.0"
    assert anonymise("ip", None, Visit(pk=1), field) is None
    assert anonymise("ip", "not an address", Visit(pk=1), field) is None


# -- truncate_ip -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.77", "203.0.113.0"),
        (" 198.51.100.255 ", "198.51.100.0"),
        ("10.0.0.1", "10.0.0.0"),
        ("2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::"),
        ("2001:DB8:ABCD:FFFF::1", "2001:db8:abcd::"),
    ],
)
def test_truncate_ip_with_default_prefixes(address, network):
    assert truncate_ip(address) == network


def test_truncate_ip_follows_the_prefix_setting(settings):
    settings.WAGTAIL_GDPR_IP_PREFIX = (16, 32)
    assert truncate_ip("203.0.113.77") == "203.0.0.0"
    assert truncate_ip("2001:db8:abcd:12::1") == "2001:db8::"
    settings.WAGTAIL_GDPR_IP_PREFIX = (8, 64)
    assert truncate_ip("203.0.113.77") == "203.0.0.0"
    assert truncate_ip("2001:db8:abcd:12:1:2:3:4") == "2001:db8:abcd:12::"


@pytest.mark.parametrize("garbage", ["garbage", "999.1.1.1", "1.2.3", "203.0.113.77/24", "::g"])
def test_truncate_ip_turns_garbage_into_none(garbage):
    assert truncate_ip(garbage) is None


@pytest.mark.parametrize("empty", ["", None])
def test_truncate_ip_leaves_empty_values_empty(empty):
    assert truncate_ip(empty) == empty


# -- set-based, on real rows -----------------------------------------------------------------


@pytest.mark.django_db
def test_email_expression_stores_unique_undeliverable_addresses(user):
    orders = [Order.objects.create(customer=user, email=f"a{i}@example.com") for i in range(3)]
    stored = set_based("email", Order, "email", [o.pk for o in orders])
    assert len(set(stored.values())) == 3
    for pk, value in stored.items():
        assert value.endswith(".invalid")
        assert value == anonymise(
            "email", "x@example.com", Order(pk=pk), model_field(Order, "email")
        )


@pytest.mark.django_db
def test_name_expression_stores_anonymous(user):
    profile = Profile.objects.create(user=user, display_name="Alice A")
    assert set_based("name", Profile, "display_name", [profile.pk]) == {profile.pk: "Anonymous"}


@pytest.mark.django_db
def test_token_expression_stores_the_row_by_row_token(user):
    other = User.objects.create_user("bob", "bob@example.com", "pw")
    stored = set_based("token", User, "username", [user.pk, other.pk])
    field = model_field(User, "username")
    assert stored == {
        user.pk: anonymise("token", "alice", user, field),
        other.pk: anonymise("token", "bob", other, field),
    }
    assert len(set(stored.values())) == 2


@pytest.mark.django_db
def test_text_expression_empties_the_field(user):
    order = Order.objects.create(customer=user, shipping_address="1 Main Street")
    assert set_based("text", Order, "shipping_address", [order.pk]) == {order.pk: ""}


@pytest.mark.django_db
def test_null_expression_stores_null(user):
    profile = Profile.objects.create(user=user, nickname="Ally", birth_date=date(1990, 5, 17))
    assert set_based("null", Profile, "nickname", [profile.pk]) == {profile.pk: None}
    assert set_based("null", Profile, "birth_date", [profile.pk]) == {profile.pk: None}


@pytest.mark.django_db
def test_year_expression_on_a_date_field(user):
    profile = Profile.objects.create(user=user, birth_date=date(1985, 6, 15))
    assert set_based("year", Profile, "birth_date", [profile.pk]) == {profile.pk: date(1985, 1, 1)}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "created_at",
    [
        datetime(2020, 7, 15, 10, 0, tzinfo=UTC),
        # Just after midnight on New Year's Day in Stockholm, still 2019 in UTC.
        datetime(2020, 1, 1, 0, 30, tzinfo=STOCKHOLM),
    ],
    ids=["mid-year", "new-year-in-stockholm"],
)
def test_year_expression_on_a_datetime_matches_row_by_row(user, created_at):
    """A retention sweep (set-based) and an erasure (row by row) must store the same value."""
    order = Order.objects.create(customer=user, created_at=created_at)
    order.refresh_from_db()
    row_by_row = anonymise("year", order.created_at, order, model_field(Order, "created_at"))

    stored = set_based("year", Order, "created_at", [order.pk])[order.pk]

    assert timezone.is_aware(stored)
    assert stored == row_by_row


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "model", "field_name", "empty"),
    [
        ("email", Order, "email", ""),
        ("name", Profile, "display_name", ""),
        ("name", Profile, "nickname", None),
        ("token", Profile, "nickname", None),
        ("token", Profile, "phone", ""),
        ("text", Order, "shipping_address", ""),
    ],
)
def test_expression_leaves_empty_values_empty_like_row_by_row(user, name, model, field_name, empty):
    """An empty field holds no personal data: set-based anonymising must not fill it in."""
    if model is Profile:
        row = Profile.objects.create(user=user, **{field_name: empty})
    else:
        row = Order.objects.create(customer=user, **{field_name: empty})
    assert anonymise(name, empty, row, model_field(model, field_name)) == empty

    assert set_based(name, model, field_name, [row.pk]) == {row.pk: empty}


# -- files -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_file_anonymiser_removes_the_stored_file_after_commit(user):
    attachment = Attachment.objects.create(
        owner=user, upload=ContentFile(b"passport scan", name="scan.txt")
    )
    path = Path(attachment.upload.path)
    field = model_field(Attachment, "upload")

    with transaction.atomic():
        attachment.upload = anonymise("file", attachment.upload, attachment, field)
        attachment.save()
        assert path.exists()  # not before the erasure is committed
        assert PendingFileRemoval.objects.count() == 1

    attachment.refresh_from_db()
    assert attachment.upload.name == ""
    assert not path.exists()
    assert not PendingFileRemoval.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_file_anonymiser_with_no_file_queues_nothing(user):
    attachment = Attachment.objects.create(owner=user)
    field = model_field(Attachment, "upload")
    with transaction.atomic():
        assert anonymise("file", attachment.upload, attachment, field) == ""
    assert not PendingFileRemoval.objects.exists()


# -- custom anonymisers and lookup -----------------------------------------------------------


class Initials(Anonymiser):
    name = "initials"
    label = "reduced to initials"
    field_types = (models.CharField,)

    def anonymise(self, value, *, instance, field):
        return "".join(part[0] + "." for part in (value or "").split())


def test_custom_anonymiser_is_usable_by_name_in_a_declaration(restore_anonymisers):
    registered = register_anonymiser(Initials())
    assert "initials" in anonymiser_names()

    class ProfileData(PersonalData):
        subject = "user"
        purpose = "Profiles"
        lawful_basis = CONTRACT
        on_erasure = ANONYMISE
        fields = {"display_name": Field(anonymiser="initials")}

    declaration = ProfileData(Profile)
    assert declaration.anonymiser_for("display_name") is registered
    assert declaration.erasure_action("display_name") == "anonymise:initials"
    assert registered.anonymise("Alice Anders", instance=None, field=None) == "A.A."


def test_custom_anonymiser_field_types_are_enforced(restore_anonymisers):
    register_anonymiser(Initials())

    class ProfileData(PersonalData):
        subject = "user"
        purpose = "Profiles"
        lawful_basis = CONTRACT
        fields = {"birth_date": Field(anonymiser="initials")}

    with pytest.raises(ImproperlyConfigured, match=r"'birth_date'.*'initials'.*DateField"):
        ProfileData(Profile)


def test_anonymiser_instance_can_be_used_without_registering():
    class ProfileData(PersonalData):
        subject = "user"
        purpose = "Profiles"
        lawful_basis = CONTRACT
        on_erasure = ANONYMISE
        fields = {"display_name": Field(anonymiser=Initials())}

    assert ProfileData(Profile).erasure_action("display_name") == "anonymise:initials"
    assert "initials" not in anonymiser_names()


def test_registering_replaces_an_anonymiser_of_the_same_name(restore_anonymisers):
    class LoudName(Initials):
        name = "name"

    replacement = register_anonymiser(LoudName())
    assert get_anonymiser("name") is replacement


def test_anonymiser_needs_a_name(restore_anonymisers):
    class Nameless(Initials):
        name = ""

    with pytest.raises(ValueError, match="Nameless"):
        register_anonymiser(Nameless())


def test_unknown_anonymiser_lists_the_known_ones():
    with pytest.raises(LookupError) as excinfo:
        get_anonymiser("scramble")
    message = str(excinfo.value)
    assert "'scramble'" in message
    for name in ("email", "name", "token", "text", "null", "year", "ip", "file"):
        assert name in message


@pytest.mark.django_db
def test_ip_anonymiser_never_stores_null_in_a_non_null_column():
    from django.db import models as dj_models

    anonymiser = get_anonymiser("ip")
    char_field = dj_models.CharField(max_length=40)
    char_field.name = "ip"
    ip_field = dj_models.GenericIPAddressField()
    ip_field.name = "ip"
    assert anonymiser.anonymise("not an ip", instance=None, field=char_field) == ""
    assert anonymiser.anonymise("not an ip", instance=None, field=ip_field) == "0.0.0.0"  # noqa: S104
    nullable = Visit._meta.get_field("ip_address")
    assert anonymiser.anonymise("not an ip", instance=None, field=nullable) is None
    assert anonymiser.anonymise("198.51.100.23", instance=None, field=ip_field) == "198.51.100.0"
