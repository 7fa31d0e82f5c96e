"""No 500 on any address: every URL pattern of the add-on, fetched with generated path
parameters and query strings, by a member, another member, a visitor, an editor and a privacy
officer.

Huge, negative and non-numeric ids, NUL bytes, odd Unicode, over-long values and malformed dates
in the admin lists' filters each get a 4xx, a redirect or the page, never a server error, on
SQLite and on PostgreSQL.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.access_helpers import clean_cache, private_reports  # noqa: F401 (autouse)
from tests.fuzz_helpers import (
    BAD_DATES,
    BAD_IDS,
    FUZZ,
    QUERIES,
    ROLES,
    addon_routes,
    assert_no_server_error,
    build_world,
    path_values,
    with_query,
)

pytestmark = pytest.mark.django_db

ROUTES = addon_routes()


def test_the_routes_cover_every_part_of_the_addon():
    """The enumeration finds the centre, the consent URLs and the admin pages (it can fail)."""
    found = {str(route) for route in ROUTES}
    assert "/privacy-centre/copy/{request_id}/download/" in found
    assert "/privacy/consent/{slug}/" in found
    assert any(r.startswith("/admin/gdpr/requests/") and "{pk}" in r for r in found)
    assert any("consentrecord" in r and "{instance_pk}" in r for r in found)
    assert any("corrections" in r for r in found)
    assert any("consentpurpose" in r for r in found)
    assert len(ROUTES) > 40


@pytest.fixture
def world(db):
    return build_world()


def test_no_address_of_the_addon_answers_with_a_server_error(world):
    """Generated path parameters, query strings and methods on every URL pattern (each pattern
    drawn ``FUZZ_EXAMPLES`` times on average; one world for all, to stay fast in CI)."""

    @settings(parent=FUZZ, max_examples=FUZZ.max_examples * len(ROUTES) // 2)
    @given(data=st.data())
    def fetch(data):
        route = data.draw(st.sampled_from(ROUTES), label="route")
        role = data.draw(st.sampled_from(ROLES), label="role")
        values = {name: data.draw(path_values(world), label=name) for name in route.names}
        query = data.draw(QUERIES, label="query")
        method = data.draw(st.sampled_from(["GET", "GET", "POST", "HEAD"]), label="method")
        url = with_query(route.url(values), query)
        client = world.clients[role]
        response = client.post(url, query) if method == "POST" else client.generic(method, url)
        assert_no_server_error(response, f"{method} {url} as {role}")

    fetch()


BAD_ID_TEXTS = ["0", "-1", str(2**64), "9" * 30, "abc", "²", "%00", "1e3", "١", " 1"]


def test_every_bad_id_on_every_pattern_is_a_plain_not_found(world):
    """Every pattern with a path parameter, as every person: a bad id each, and 2^63 (the id
    that overflowed SQLite in a download URL) for everyone."""
    with_parameters = [route for route in ROUTES if route.names]
    assert with_parameters
    turn = 0
    for route in with_parameters:
        for role in ROLES:
            for bad in (BAD_ID_TEXTS[turn % len(BAD_ID_TEXTS)], str(2**63)):
                url = route.url(dict.fromkeys(route.names, bad))
                response = world.clients[role].get(url)
                assert_no_server_error(response, f"GET {url} as {role}")
                if bad == str(2**63) and role == "member" and "request_id" in route.names:
                    assert response.status_code == 404, url
            turn += 1


LISTS = [r for r in ROUTES if r.origin == "admin" and not r.names]
MALFORMED = (
    {"received_at__gte": "notadate"},
    {"created_at__gte": "2024-13-45"},
    {"q": "\x00"},
    {"q": "a\x00b", "status": "\x00"},
    {"purpose__id__exact": str(2**64)},
    {"id__exact": "abc"},
    {"o": "99.-x"},
    {"p": "-1"},
    {"export": "csv", "received_at__gte": "notadate"},
)


def test_admin_lists_survive_malformed_filters_and_searches(world):
    """``?received_at__gte=notadate`` and a NUL in the search, on every admin list of the add-on,
    as the privacy officer sees them."""
    client = world.clients["privacy officer"]
    for route in LISTS:
        for query in MALFORMED:
            url = with_query(route.template, query)
            assert_no_server_error(client.get(url), f"GET {url}")
    queue = with_query("/admin/gdpr/requests/", {"received_at__gte": "notadate"})
    response = client.get(queue, follow=True)
    assert response.status_code == 200
    assert "The list could not be filtered that way" in response.content.decode()

    @settings(parent=FUZZ, max_examples=FUZZ.max_examples * len(LISTS))
    @given(
        route=st.sampled_from(LISTS),
        key=st.sampled_from(["received_at__gte", "created_at__lt", "q", "status", "o", "p"]),
        value=st.one_of(BAD_DATES, BAD_IDS, st.text(max_size=30)),
    )
    def fuzz(route, key, value):
        url = with_query(route.template, {key: value})
        assert_no_server_error(client.get(url), f"GET {url}")

    fuzz()
