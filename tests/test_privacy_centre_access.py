"""Who may open which privacy-centre URL: the owner, another member, staff, and nobody else."""

import hashlib
from datetime import timedelta

import pytest
from django.http import FileResponse
from django.utils import timezone

from tests.access_helpers import (
    centre,  # noqa: F401  (fixture)
    clean_cache,  # noqa: F401  (autouse)
    completed_copy,
    fresh,
    login_redirect_next,
    make_member,
    make_staff,
    make_superuser,
    open_zip,
    private_reports,  # noqa: F401  (autouse)
    stored_report_files,
    url_of,
)
from wagtail_gdpr import access, email_verification
from wagtail_gdpr.models import AccessReport, DataSubjectRequest, MemberActivity, VerifiedEmail

OWNER, OTHER, STAFF, SUPERUSER, ANONYMOUS = "owner", "other", "staff", "superuser", "anonymous"
LOGGED_IN = (OWNER, OTHER, STAFF, SUPERUSER)


def everyone(status):
    return dict.fromkeys(LOGGED_IN, status)


def owner_only(owner_status, others_status):
    return {OWNER: owner_status, OTHER: others_status, STAFF: others_status,
            SUPERUSER: others_status}  # fmt: skip


# (method, route with {request} and {token} placeholders, expected status per logged-in role).
# Anonymous visitors are sent to the login page from every route.
MATRIX = [
    ("get", "", everyone(200)),
    ("get", "data/", everyone(200)),
    ("get", "consents/", everyone(200)),
    ("get", "activity/", everyone(200)),
    ("get", "requests/", everyone(200)),
    ("get", "copy/", everyone(200)),
    ("post", "copy/", everyone(303)),  # each asks for a copy of their own data
    ("get", "copy/{request}/", owner_only(200, 404)),
    ("get", "copy/{request}/download/", owner_only(200, 404)),
    ("get", "verify-email/", everyone(405)),  # sending a link is a POST
    ("post", "verify-email/", everyone(303)),
    ("get", "verify-email/{token}/", owner_only(302, 400)),  # the owner's link
]

CASES = [
    pytest.param(method, route, role, expected.get(role), id=f"{method} {route or '/'} {role}")
    for method, route, expected in MATRIX
    for role in (*LOGGED_IN, ANONYMOUS)
]


@pytest.fixture
def world(centre):  # noqa: F811
    owner = make_member("owner")
    people = {
        OWNER: owner,
        OTHER: make_member("other"),
        STAFF: make_staff("staff"),
        SUPERUSER: make_superuser("admin"),
        ANONYMOUS: None,
    }
    dsr = completed_copy(owner)
    return {
        "centre": centre,
        "people": people,
        "request": dsr,
        "token": email_verification.make_token(owner),
    }


def client_for(client, world, role):
    user = world["people"][role]
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "route", "role", "expected"), CASES)
def test_authorisation_matrix(client, world, settings, method, route, role, expected):
    settings.WAGTAIL_GDPR_ACCESS_COOLDOWN_HOURS = 0  # the owner's earlier copy does not block
    path = url_of(world["centre"], route.format(request=world["request"].pk, token=world["token"]))
    client = client_for(client, world, role)
    requests_before = DataSubjectRequest.objects.count()
    downloads_before = world["request"].report.downloads

    response = getattr(client, method)(path)

    if role == ANONYMOUS:
        assert response.status_code == 302
        assert login_redirect_next(response) == path
        assert DataSubjectRequest.objects.count() == requests_before
        assert VerifiedEmail.objects.count() == 0
    else:
        assert response.status_code == expected
    if isinstance(response, FileResponse):
        b"".join(response.streaming_content)  # the test client closes the file after this
    report = AccessReport.objects.get(pk=world["request"].report.pk)
    if route.endswith("download/") and role != OWNER:
        assert report.downloads == downloads_before
    if method == "post" and route == "copy/" and role != ANONYMOUS:
        user = world["people"][role]
        new = DataSubjectRequest.objects.exclude(pk=world["request"].pk).get()
        assert new.member == user
        assert response["Location"] == url_of(world["centre"], f"copy/{new.pk}/")
    if route == "verify-email/{token}/":
        confirmed = list(VerifiedEmail.objects.values_list("user__username", "email"))
        assert confirmed == ([("owner", "owner@example.com")] if role == OWNER else [])


@pytest.mark.django_db
def test_the_login_redirect_keeps_the_query_string(client, world):
    path = url_of(world["centre"], "activity/") + "?page=2"
    response = client.get(path)
    assert response.status_code == 302
    assert login_redirect_next(response) == path


@pytest.mark.django_db
@pytest.mark.parametrize("role", [OTHER, STAFF, SUPERUSER])
def test_someone_elses_request_is_indistinguishable_from_a_missing_one(client, world, role):
    client = client_for(client, world, role)
    missing = DataSubjectRequest.objects.order_by("-pk").first().pk + 1000
    for sub in ("copy/{}/", "copy/{}/download/"):
        existing = client.get(url_of(world["centre"], sub.format(world["request"].pk)))
        absent = client.get(url_of(world["centre"], sub.format(missing)))
        assert existing.status_code == absent.status_code == 404
        assert existing.content == absent.content
        assert world["request"].report.sha256.encode() not in existing.content


@pytest.mark.django_db
@pytest.mark.parametrize("role", [OTHER, STAFF, SUPERUSER])
def test_list_pages_of_others_show_nothing_of_the_owner(client, world, role):
    client = client_for(client, world, role)
    status_link = url_of(world["centre"], f"copy/{world['request'].pk}/").encode()
    for sub in ("", "copy/", "requests/", "activity/", "data/"):
        response = client.get(url_of(world["centre"], sub))
        assert response.status_code == 200
        assert status_link not in response.content, sub
        assert b"owner@example.com" not in response.content, sub
    # ...while the owner sees their request on the same pages
    client.force_login(world["people"][OWNER])
    for sub in ("copy/", "requests/"):
        assert status_link in client.get(url_of(world["centre"], sub)).content, sub


# -- the download ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_owner_downloads_a_zip_privately_and_it_is_logged(client, world):
    owner, dsr = world["people"][OWNER], world["request"]
    client.force_login(owner)
    MemberActivity.objects.filter(user=owner).delete()
    path = url_of(world["centre"], f"copy/{dsr.pk}/download/")

    response = client.get(path, REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="TestBrowser/1")

    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    assert response.streaming
    body = b"".join(response.streaming_content)
    assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    local_day = timezone.localdate(dsr.report.created_at).isoformat()
    assert f'filename="my-data-{local_day}.zip"' in disposition
    for personal in (owner.username, owner.email, str(owner.pk)):
        assert personal not in disposition.replace(local_day, "")
    assert hashlib.sha256(body).hexdigest() == dsr.report.sha256
    assert len(body) == dsr.report.size
    assert "data.json" in open_zip(body).files

    report = AccessReport.objects.get(pk=dsr.report.pk)
    assert report.downloads == 1
    assert report.last_downloaded_at is not None
    logged = MemberActivity.objects.get(user=owner)
    assert logged.kind == MemberActivity.DOWNLOAD
    assert str(dsr.pk) in logged.detail
    assert logged.ip_address == "203.0.113.0"
    assert logged.user_agent == "TestBrowser/1"

    second = client.get(path)
    b"".join(second.streaming_content)
    assert AccessReport.objects.get(pk=report.pk).downloads == 2
    assert MemberActivity.objects.filter(user=owner, kind=MemberActivity.DOWNLOAD).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("role", [OTHER, STAFF, SUPERUSER, ANONYMOUS])
def test_nobody_but_the_owner_gets_the_file(client, world, role):
    dsr = world["request"]
    client = client_for(client, world, role)

    response = client.get(url_of(world["centre"], f"copy/{dsr.pk}/download/"))

    if role == ANONYMOUS:
        assert login_redirect_next(response) == url_of(world["centre"], f"copy/{dsr.pk}/download/")
    else:
        assert response.status_code == 404
        assert not isinstance(response, FileResponse)
    assert AccessReport.objects.get(pk=dsr.report.pk).downloads == 0
    assert not MemberActivity.objects.filter(kind=MemberActivity.DOWNLOAD).exists()


@pytest.mark.django_db
def test_an_expired_report_is_not_served(client, world):
    dsr = world["request"]
    AccessReport.objects.filter(pk=dsr.report.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    client.force_login(world["people"][OWNER])

    response = client.get(url_of(world["centre"], f"copy/{dsr.pk}/download/"))

    assert response.status_code == 404
    assert AccessReport.objects.get(pk=dsr.report.pk).downloads == 0
    status = client.get(url_of(world["centre"], f"copy/{dsr.pk}/"))
    assert status.status_code == 200
    assert f"copy/{dsr.pk}/download/".encode() not in status.content


@pytest.mark.django_db
def test_a_purged_report_is_not_served(client, world, private_reports):  # noqa: F811
    dsr = world["request"]
    name = dsr.report.file.name
    AccessReport.objects.filter(pk=dsr.report.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert access.purge_expired() == 1
    assert not private_reports.exists(name)
    # Even if somebody moved the expiry forward again, the purged file stays unavailable.
    AccessReport.objects.filter(pk=dsr.report.pk).update(
        expires_at=timezone.now() + timedelta(days=1)
    )
    client.force_login(world["people"][OWNER])

    response = client.get(url_of(world["centre"], f"copy/{dsr.pk}/download/"))

    assert response.status_code == 404
    assert AccessReport.objects.get(pk=dsr.report.pk).downloads == 0


@pytest.mark.django_db
def test_a_file_lost_from_storage_is_a_404_not_an_error(client, world, private_reports):  # noqa: F811
    dsr = world["request"]
    private_reports.delete(dsr.report.file.name)
    assert stored_report_files(private_reports) == []
    client.force_login(world["people"][OWNER])

    response = client.get(url_of(world["centre"], f"copy/{dsr.pk}/download/"))

    assert response.status_code == 404
    assert AccessReport.objects.get(pk=dsr.report.pk).downloads == 0


@pytest.mark.django_db
def test_the_report_file_has_no_personal_data_in_its_name(world):
    owner = fresh(world["people"][OWNER])
    name = world["request"].report.file.name
    assert name.startswith("wagtail_gdpr/reports/")
    for personal in (owner.username, owner.email):
        assert personal not in name
