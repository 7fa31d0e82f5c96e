"""What the property tests of hostile input share: every URL pattern of the add-on, the people
who fetch them, a site with something behind each URL, and strategies for bad values.

The URL patterns are enumerated from the resolvers, not listed by hand, so a new page is fuzzed
the day it is added: the privacy centre's RoutablePage routes, ``wagtail_gdpr.urls`` and every
admin URL the add-on registers (its own pages, wagtail-modeladmin's and its snippet's).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.access_helpers import add_privacy_centre, completed_copy, make_member, make_purpose
from tests.consent_helpers import make_editor
from tests.test_queue import make_officer, make_request
from tests.testapp.models import Profile
from wagtail_gdpr import rectification
from wagtail_gdpr.models import DataSubjectRequest as R
from wagtail_gdpr.models import PrivacyCentrePage

#: Enough examples to find the classic failures, few enough for every CI run (``FUZZ_EXAMPLES``
#: raises it for a longer hunt).
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

ROLES = ("member", "other member", "anonymous", "editor", "privacy officer")

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    """One URL pattern: a template with ``{name}`` holes, and where it came from."""

    template: str
    names: tuple[str, ...]
    origin: str

    def __str__(self):
        return self.template

    def url(self, values: dict[str, str]) -> str:
        return self.template.format(**{n: quote(values[n], safe="") for n in self.names})


def _as_template(pattern: str) -> tuple[str, tuple[str, ...]]:
    """``copy/<int:request_id>/`` or ``^(?P<instance_pk>[-\\w]+)/$`` as ``copy/{request_id}/``."""
    names = []

    def hole(match):
        names.append(match.group("name"))
        return "{" + match.group("name") + "}"

    text = REGEX_GROUP.sub(hole, pattern)
    text = PARAMETER.sub(hole, text)
    text = text.replace("^", "").replace("$", "").replace("\\", "")
    return text, tuple(names)


def _walk(resolvers, prefix=""):
    for entry in resolvers:
        text = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + text)
        elif isinstance(entry, URLPattern):
            yield prefix + text, entry


def _is_the_addons(entry: URLPattern, route: str) -> bool:
    callback = entry.callback
    owner = getattr(callback, "__self__", None)
    module = getattr(callback, "__module__", "") or ""
    if module.startswith("wagtail_gdpr") or type(owner).__module__.startswith("wagtail_gdpr"):
        return True
    # Wagtail's own views serving the add-on's models: modeladmin's, the snippet's.
    return "gdpr" in route or "wagtail_gdpr" in (entry.name or "")


def addon_routes() -> list[Route]:
    """Every URL pattern of the add-on, as absolute path templates."""
    routes = {}
    centre_base = "/privacy-centre/"
    for entry in PrivacyCentrePage.get_subpage_urls():
        template, names = _as_template(str(entry.pattern))
        routes[centre_base + template] = Route(centre_base + template, names, "privacy centre")
    for route, entry in _walk(get_resolver().url_patterns):
        if route.startswith("admin/") and not _is_the_addons(entry, route):
            continue
        if not (route.startswith("admin/") or route.startswith("privacy/")):
            continue
        template, names = _as_template(route)
        origin = "admin" if route.startswith("admin/") else "urls"
        routes["/" + template] = Route("/" + template, names, origin)
    return sorted(routes.values(), key=str)


# -- bad values -------------------------------------------------------------------------------

ODD_TEXT = st.sampled_from(
    [
        "\x00",
        "a\x00b",
        "%00",
        "\u202e\u200b",
        "\ud7ff\ufeff",
        "😀" * 3,
        "²",
        "١٢",
        "Ω" * 300,
        "x" * 5000,
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        '=HYPERLINK("http://x")',
        "../../etc/passwd",
        "",
        " ",
    ]
)
BAD_IDS = st.one_of(
    st.sampled_from(
        [
            "0",
            "-1",
            str(2**63),
            str(2**63 - 1),
            str(2**64),
            "9" * 40,
            "abc",
            "1e3",
            "0x10",
            "1.5",
            "²",
            "١",
            " 1",
            "1/",
            "%00",
        ]
    ),  # fmt: skip
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
BAD_DATES = st.sampled_from(
    ["notadate", "2024-13-45", "0000-00-00", "99999-01-01", "2024-02-30T25:61", "\x00", "-1", ""]
)
TEXT = st.one_of(ODD_TEXT, st.text(max_size=60), BAD_IDS, BAD_DATES)

#: Keys the add-on's pages and Django's admin lists read from a query string.
QUERY_KEYS = ("q", "o", "ot", "p", "e", "export", "action", "next", "status", "kind",
              "received_at__gte", "received_at__lt", "created_at__gte", "due", "assigned",
              "purpose__id__exact", "id__exact", "pk", "page", "ids", "member", "lang",
              "\x00", "x" * 300)  # fmt: skip
QUERIES = st.dictionaries(st.sampled_from(QUERY_KEYS), TEXT, max_size=4)


def with_query(url: str, query: dict) -> str:
    return f"{url}?{urlencode(query)}" if query else url


# -- the site and its people ------------------------------------------------------------------


@dataclass
class World:
    clients: dict[str, Client]
    ids: dict[str, list[str]]


def build_world() -> World:
    """A privacy centre, five people and a request of every kind, so each URL has a row."""
    add_privacy_centre()
    make_purpose("newsletter")
    member = make_member("alice", email="alice@example.com")
    other = make_member("bob", email="bob@example.com")
    Profile.objects.create(user=member, display_name="Alice")
    editor = make_editor("editor")
    officer = make_officer("officer")
    copy = completed_copy(member)
    mine = [copy.pk]
    for kind in (R.ERASURE, R.RESTRICTION, R.OBJECTION, R.RECTIFICATION):
        mine.append(make_request(kind, R.IN_REVIEW, member=member).pk)
    proposal = rectification.propose(member, "testapp.Profile", member.profile.pk, "birth_date",
                                     "1991-03-04", "A typo")  # fmt: skip
    mine.append(proposal.pk)
    theirs = [make_request(R.ACCESS, R.QUEUED, member=other).pk]
    clients = {"anonymous": Client()}
    for role, user in (("member", member), ("other member", other), ("editor", editor),
                       ("privacy officer", officer)):  # fmt: skip
        clients[role] = Client()
        clients[role].force_login(user)
    return World(clients=clients, ids={"mine": [str(i) for i in mine],
                                       "theirs": [str(i) for i in theirs]})  # fmt: skip


def path_values(world: World) -> st.SearchStrategy[str]:
    """A path parameter: a real id (the member's or another's) or a bad value."""
    real = st.sampled_from(world.ids["mine"] + world.ids["theirs"])
    return st.one_of(real, BAD_IDS, ODD_TEXT, st.text(min_size=1, max_size=40))


def assert_no_server_error(response, what: str):
    assert response.status_code < 500, f"{response.status_code} for {what}"
