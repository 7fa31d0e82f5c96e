"""No 500 on any form: every form of the add-on, found on its pages as each person sees them,
posted back with generated values (NUL bytes, over-long text, odd Unicode, bad ids and dates).

And what a refusal looks like: the bad value is not stored, and the form comes back with what
the member typed and the error.
"""

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.access_helpers import clean_cache, private_reports, url_of  # noqa: F401 (autouse)
from tests.fuzz_helpers import FUZZ, ROLES, TEXT, assert_no_server_error, build_world
from wagtail_gdpr.models import DataSubjectRequest, PrivacyCentrePage

pytestmark = pytest.mark.django_db


class Forms(HTMLParser):
    """``(action, {name: default})`` of every POST form of a page."""

    def __init__(self):
        super().__init__()
        self.found, self.current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = (attrs.get("action") or "", {})
            self.found.append(self.current)
        elif (
            self.current is not None
            and tag in ("input", "select", "textarea")
            and attrs.get("name")
            and attrs.get("type") not in ("submit", "button")
        ):
            self.current[1].setdefault(attrs["name"], attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def forms_on(html: str, page_url: str) -> list[tuple[str, dict]]:
    parser = Forms()
    parser.feed(html)
    return [(action or page_url, fields) for action, fields in parser.found]


def pages(world) -> list[str]:
    """Every page of the add-on that shows a form to somebody."""
    centre = PrivacyCentrePage.objects.get()
    mine = world.ids["mine"]
    subs = ["", "data/", "consents/", "copy/", "correct/", "erase/", "requests/new/",
            "verify-email/", "request/", *(f"requests/{i}/" for i in mine),
            f"copy/{mine[0]}/", f"erase/{mine[1]}/"]  # fmt: skip
    admin = [
        "/admin/gdpr/requests/",
        "/admin/gdpr/requests/add/",
        "/admin/gdpr/corrections/",
        "/admin/wagtail_gdpr/legalhold/create/",
        "/admin/snippets/wagtail_gdpr/consentpurpose/add/",
        *(f"/admin/gdpr/requests/inspect/{i}/" for i in mine),
    ]
    return [url_of(centre, sub) for sub in subs] + ["/privacy/consent/", *admin]


@pytest.fixture
def world(db):
    return build_world()


def test_every_form_of_the_addon_survives_generated_input(world):
    found = []
    for role in ROLES:
        client = world.clients[role]
        for url in pages(world):
            response = client.get(url)
            assert_no_server_error(response, f"GET {url} as {role}")
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                forms = forms_on(response.content.decode(), url)
                found += [(role, action, fields) for action, fields in forms]
    # The member's privacy centre, the public form and the staff pages each have forms.
    assert len(found) > 15, found
    assert {role for role, _action, _fields in found} >= {"member", "anonymous", "privacy officer"}

    # Every form at least once with each of the classic bad values in every field.
    for role, action, fields in found:
        for bad in ("a\x00b", "x" * 5000, str(2**63), "-1", "notadate", "😀\u202e"):
            # Every field bad; then only what the person types (hidden values kept as given).
            for values in (
                dict.fromkeys(fields, bad),
                {name: default or bad for name, default in fields.items()},
            ):
                response = world.clients[role].post(action, values)
                assert_no_server_error(response, f"POST {action} as {role} with {bad[:20]!r}")

    @settings(parent=FUZZ, max_examples=FUZZ.max_examples * 4)
    @given(form=st.sampled_from(found), data=st.data())
    def post(form, data):
        role, action, fields = form
        values = {
            name: data.draw(st.one_of(st.just(default), TEXT), label=name)
            for name, default in fields.items()
        }
        response = world.clients[role].post(action, values)
        assert_no_server_error(response, f"POST {action} as {role} with {values!r}")

    post()


# -- the refusal: nothing stored, the member's values and the error shown ------------------------


def test_a_nul_byte_in_a_correction_reason_is_refused_and_the_form_keeps_what_was_typed(world):
    centre = PrivacyCentrePage.objects.get()
    client = world.clients["member"]
    profile = DataSubjectRequest.objects.filter(kind=DataSubjectRequest.RECTIFICATION).first()
    profile_pk = profile.payload["pk"]
    before = DataSubjectRequest.objects.count()
    # birth_date already has an open proposal; the shipping address of an order is reviewed too.
    from tests.testapp.models import Order

    member = profile.member
    order = Order.objects.create(customer=member, shipping_address="Old Street 1")
    response = client.post(
        url_of(centre, "correct/"),
        {
            "model": "testapp.Order",
            "pk": str(order.pk),
            "value-shipping_address": "New Street 2",
            "reason-shipping_address": "I moved\x00 house",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Null characters are not allowed." in text
    assert "New Street 2" in text and "I moved house" in text
    assert DataSubjectRequest.objects.count() == before
    order.refresh_from_db()
    assert order.shipping_address == "Old Street 1"
    assert profile_pk  # the world's own proposal is untouched
