"""Factories and fixtures shared by the erasure, retention and replay tests.

Import what a module needs explicitly; the autouse fixtures apply only where imported::

    from tests.erasure_helpers import clean_cache, erasure_log, attachment_storage  # noqa: F401

``erasure_log`` points ``WAGTAIL_GDPR_ERASURE_LOG`` at a file of the test's own;
``attachment_storage`` stores ``Attachment.upload`` files in a folder of the test's own, so a
test sees exactly which files exist; ``clean_cache`` empties the cache (the consent gate caches
per site) around every test.
"""

from __future__ import annotations

import json
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import RequestFactory
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Revision, Site

from tests.testapp.models import Attachment, Order, OrderNote, Profile, Visit
from wagtail_gdpr import activity, consent
from wagtail_gdpr.models import (
    ConsentPurpose,
    ConsentRecord,
    ConsentState,
    DataSubjectRequest,
    GdprSettings,
    MemberActivity,
    PrivacyCentrePage,
    VerifiedEmail,
)

User = get_user_model()
PASSWORD = "a long and correct password"  # noqa: S105 (test data)
LOCAL = zoneinfo.ZoneInfo(django_settings.TIME_ZONE)


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def erasure_log(settings, tmp_path) -> Path:
    """The erasure log of this test alone."""
    path = tmp_path / "erasure-log" / "erasure-log.jsonl"
    settings.WAGTAIL_GDPR_ERASURE_LOG = str(path)
    return path


@pytest.fixture(autouse=True)
def attachment_storage(tmp_path, monkeypatch) -> FileSystemStorage:
    """``Attachment.upload`` files, in a folder of this test's own."""
    storage = FileSystemStorage(location=tmp_path / "media", base_url="/media/")
    monkeypatch.setattr(Attachment._meta.get_field("upload"), "storage", storage)
    return storage


@pytest.fixture
def centre(db) -> PrivacyCentrePage:
    return add_privacy_centre()


def default_site() -> Site:
    """The default site; rebuilt (locale, root, home) when a transactional test flushed it.

    Transactional tests here do not use ``serialized_rollback``: after any transactional test
    without it (the suite has some), the flush re-creates content types under new ids and
    restoring the serialized database fails on them.
    """
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        return site
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(django_settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = root.add_child(instance=Page(title="Home", slug="home"))
    return Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)


def add_privacy_centre() -> PrivacyCentrePage:
    site = default_site()
    page = site.root_page.add_child(
        instance=PrivacyCentrePage(title="Privacy centre", slug="privacy-centre")
    )
    gdpr_settings = GdprSettings.for_site(site)
    gdpr_settings.privacy_centre_page = page
    gdpr_settings.save()
    return PrivacyCentrePage.objects.get(pk=page.pk)


def set_grace_days(days: int):
    gdpr_settings = GdprSettings.for_site(default_site())
    gdpr_settings.erasure_grace_days = days
    gdpr_settings.save()


def url_of(centre_page, sub="") -> str:
    base = centre_page.get_url()
    assert base and base.endswith("/"), base
    return f"{base}{sub}"


# -- time -------------------------------------------------------------------------------------


def noon(years_ago: int = 0, *, months_ago: int = 0, now=None) -> datetime:
    """Noon (local time) on a day ``years_ago`` years and ``months_ago`` months back.

    Noon keeps the day the same in UTC and in local time, so "until" dates are unambiguous.
    """
    now = timezone.localtime(now or timezone.now())
    month_index = now.month - 1 - months_ago
    year = now.year - years_ago + month_index // 12
    month = month_index % 12 + 1
    day = min(now.day, 28)
    return datetime(year, month, day, 12, 0, tzinfo=LOCAL)


def plus_years(moment: datetime, years: int):
    """The local calendar day ``years`` after ``moment`` (no 29 February in our data)."""
    local = timezone.localtime(moment)
    return local.date().replace(year=local.year + years)


# -- people and their data --------------------------------------------------------------------


def make_member(username: str, **extra) -> User:
    return User.objects.create_user(
        username,
        f"{username}@example.com",
        PASSWORD,
        first_name=extra.pop("first_name", f"{username.capitalize()}first"),
        last_name=extra.pop("last_name", f"{username.capitalize()}last"),
        **extra,
    )


def fake_request(username: str):
    return RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT=f"{username}-browser/1.0"
    )


def newsletter() -> ConsentPurpose:
    purpose, _created = ConsentPurpose.objects.get_or_create(
        slug="newsletter",
        defaults={"name": "Newsletter", "text": "Send me the monthly newsletter.", "version": 1},
    )
    return purpose


def root_page() -> Page:
    return Page.objects.get(depth=1)


@dataclass
class World:
    """Everything stored about one member, and the strings that identify them."""

    user: User
    account_email: str
    verified_email: str
    old_orders: list[Order]
    young_orders: list[Order]
    guest_order: Order
    note: OrderNote
    profile: Profile
    visits: list[Visit]
    attachment: Attachment
    file_name: str
    consent_record: ConsentRecord
    consent_state: ConsentState
    activity: list[MemberActivity]
    submission: FormSubmission
    verified: VerifiedEmail
    #: Personal strings that must not survive erasure anywhere.
    secrets: list[str] = field(default_factory=list)

    @property
    def all_orders(self) -> list[Order]:
        return [*self.old_orders, *self.young_orders, self.guest_order]

    @property
    def kept_orders(self) -> list[Order]:
        """The orders bookkeeping law keeps (anonymised): younger than 7 years."""
        return [*self.young_orders, self.guest_order]

    def objects(self) -> dict[type, list[int]]:
        """Primary keys of every row about this member, by model."""
        return {
            User: [self.user.pk],
            Order: [o.pk for o in self.all_orders],
            OrderNote: [self.note.pk],
            Profile: [self.profile.pk],
            Visit: [v.pk for v in self.visits],
            Attachment: [self.attachment.pk],
            ConsentRecord: [self.consent_record.pk],
            ConsentState: [self.consent_state.pk],
            MemberActivity: [a.pk for a in self.activity],
            FormSubmission: [self.submission.pk],
            VerifiedEmail: [self.verified.pk],
        }


def make_world(username: str, *, now=None) -> World:
    """A member with everything the registry knows about, each value traceable to them.

    Orders: two older than 7 years, two younger, and a guest order (no account) placed with
    the member's confirmed address; a note on an order; a profile; visits; an attachment with a
    stored file; a newsletter consent; activity; a form-builder submission with their address.
    """
    now = now or timezone.now()
    user = make_member(username)
    verified_email = f"{username}.private@example.net"
    verified = VerifiedEmail.objects.create(user=user, email=verified_email)
    old_orders = [
        Order.objects.create(
            customer=user,
            email=user.email,
            shipping_address=f"{username} Old Street {years}",
            total=Decimal("99.00"),
            created_at=noon(years, now=now),
        )
        for years in (9, 8)
    ]
    young_orders = [
        Order.objects.create(
            customer=user,
            email=user.email,
            shipping_address=f"{username} Young Street {years}",
            total=Decimal(f"{10 * years}.50"),
            created_at=noon(years, now=now),
        )
        for years in (2, 1)
    ]
    guest_order = Order.objects.create(
        customer=None,
        email=verified_email.upper(),  # matched case-insensitively
        shipping_address=f"{username} Guest Lane 3",
        total=Decimal("33.00"),
        created_at=noon(3, now=now),
    )
    note = OrderNote.objects.create(order=young_orders[0], text=f"{username} leave at the door")
    profile = Profile.objects.create(
        user=user,
        nickname=f"{username}-nick",
        display_name=f"{username.capitalize()} Display",
        phone="+46 70 123 45 67",
        birth_date=datetime(1980, 5, 17).date(),
    )
    visits = [
        Visit.objects.create(
            user=user, ip_address="198.51.100.23", visited_at=noon(months_ago=m, now=now)
        )
        for m in (1, 2, 13)
    ]
    attachment = Attachment.objects.create(owner=user, uploaded_at=noon(months_ago=1, now=now))
    attachment.upload.save(f"{username}-passport.txt", ContentFile(f"{username} passport scan"))
    attachment.refresh_from_db()
    request = fake_request(username)
    record = consent.give(user, newsletter(), source=ConsentRecord.SOURCE_PRIVACY_CENTRE,
                          request=request)  # fmt: skip
    assert record is not None
    activity.record(user, MemberActivity.LOGIN, request=request)
    submission = FormSubmission.objects.create(
        form_data={"email": verified_email, "message": f"{username} asks a question"},
        page=root_page(),
    )
    return World(
        user=user,
        account_email=user.email,
        verified_email=verified_email,
        old_orders=old_orders,
        young_orders=young_orders,
        guest_order=guest_order,
        note=note,
        profile=profile,
        visits=visits,
        attachment=attachment,
        file_name=attachment.upload.name,
        consent_record=record,
        consent_state=ConsentState.objects.get(user=user, purpose=record.purpose),
        activity=list(MemberActivity.objects.filter(user=user).order_by("pk")),
        submission=submission,
        verified=verified,
        secrets=[
            user.email,
            verified_email,
            user.username,
            user.first_name,
            user.last_name,
            f"{username} Old Street",
            f"{username} Young Street",
            f"{username} Guest Lane",
            f"{username} leave at the door",
            f"{username}-nick",
            f"{username.capitalize()} Display",
            f"{username}-browser",
            f"{username}-passport",
        ],
    )


def snapshot(world: World) -> dict[str, list[dict]]:
    """Every row about the member, as stored, to compare before and after."""
    return {
        model._meta.label: list(model._base_manager.filter(pk__in=pks).order_by("pk").values())
        for model, pks in world.objects().items()
    }


def add_order_revisions(orders) -> list[int]:
    """Wagtail revisions holding the orders' personal values (as a revisioned model would)."""
    content_type = ContentType.objects.get_for_model(Order)
    return [
        Revision.objects.create(
            content_type=content_type,
            base_content_type=content_type,
            object_id=str(order.pk),
            created_at=timezone.now(),
            object_str=order.email,
            content={"email": order.email, "shipping_address": order.shipping_address},
        ).pk
        for order in orders
    ]


def open_erasure(user) -> DataSubjectRequest | None:
    return DataSubjectRequest.objects.filter(member=user, kind=DataSubjectRequest.ERASURE).first()


def items_by_model(plan) -> dict[str, list]:
    found: dict[str, list] = {}
    for item in plan.items:
        found.setdefault(item.model, []).append(item)
    return found


def log_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
