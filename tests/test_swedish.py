"""Swedish: members whose language is Swedish get the privacy centre, the consent step and the
emails in Swedish; the committed catalogue translates every message and is compiled.

The test settings have no ``LocaleMiddleware``; the ``swedish`` fixture adds it, as a site that
serves more than one language does, and the member's browser asks for Swedish.
"""

from __future__ import annotations

import ast
import gettext
import html
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.utils import translation

from tests.access_helpers import (
    centre,  # noqa: F401  (fixture)
    clean_cache,  # noqa: F401  (autouse)
    completed_copy,
    make_member,
    make_orders,
    make_purpose,
    open_report,
    private_reports,  # noqa: F401  (autouse)
    url_of,
)
from tests.consent_helpers import publish_notice
from wagtail_gdpr import access, consent
from wagtail_gdpr.models import ConsentRecord, DataSubjectRequest
from wagtail_gdpr.requests import member_emails

LOCALE_DIR = Path(__file__).resolve().parent.parent / "wagtail_gdpr" / "locale"
PO_FILE = LOCALE_DIR / "sv" / "LC_MESSAGES" / "django.po"
MO_FILE = LOCALE_DIR / "sv" / "LC_MESSAGES" / "django.mo"

SWEDISH = {"HTTP_ACCEPT_LANGUAGE": "sv"}


@pytest.fixture
def swedish(settings):
    """LocaleMiddleware, right after the session middleware, as Django's docs place it."""
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
        "django.middleware.locale.LocaleMiddleware",
    )
    settings.MIDDLEWARE = middleware
    yield
    # LocaleMiddleware leaves the language it chose active in this thread.
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def member(db):
    return make_member("sven", email="sven@example.com")


@pytest.fixture
def member_client(client, member, swedish):
    client.force_login(member)
    return client


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Language"] == "sv"
    return html.unescape(response.content.decode())


def assert_swedish(text: str, swedish: list[str], english: list[str]):
    missing = [s for s in swedish if s not in text]
    assert not missing, f"Swedish texts missing: {missing}"
    leaked = [e for e in english if e in text]
    assert not leaked, f"English texts shown to a Swedish member: {leaked}"


# Navigation and frame of every privacy-centre page.
NAV_SV = ["Översikt", "Mina uppgifter", "Få en kopia", "Mina samtycken", "Radera mina uppgifter"]
NAV_EN = [">Overview<", ">My data<", ">Get a copy<", ">My consents<", ">Delete my data<"]


# -- the privacy centre ----------------------------------------------------------------------


@pytest.mark.django_db
def test_overview_is_in_swedish(member_client, centre):  # noqa: F811
    text = page_text(member_client.get(url_of(centre), **SWEDISH))

    assert '<html lang="sv">' in text
    assert_swedish(
        text,
        NAV_SV
        + [
            'aria-current="page">Översikt</a>',  # the navigation is translated per request
            "Se vad vi sparar om dig",
            "Få en kopia av dina uppgifter",
            "Ge eller återkalla samtycke",
            "Se din aktivitet",
            "Följ dina begäranden",
        ],
        NAV_EN
        + [
            "See what we store about you",
            "Get a copy of your data",
            "Give or withdraw consent",
            "Follow your requests",
        ],
    )


@pytest.mark.django_db
def test_my_data_is_in_swedish_with_plurals_and_periods(member_client, centre, member):  # noqa: F811
    make_orders(member, 3)

    text = page_text(member_client.get(url_of(centre, "data/"), **SWEDISH))

    assert_swedish(
        text,
        NAV_SV
        + [
            'aria-current="page">Mina uppgifter</a>',
            "(3 poster)",  # plural form
            "(0 poster)",
            "Varför",
            "Rättslig grund",
            "Nödvändigt för att fullgöra vårt avtal med dig",
            "Hur länge",
            "7 år, räknat från",  # retention period, counted in Swedish
            "12 månader, räknat från",
            "Få en fullständig kopia",
        ],
        NAV_EN
        + [
            "items)",
            "Legal basis",
            "How long",
            "counted from",  # (the test app's own texts are English: "kept for 7 years")
            "Get a full copy",
            "Needed to fulfil our contract",
        ],
    )


@pytest.mark.django_db
def test_get_a_copy_is_in_swedish(member_client, centre):  # noqa: F811
    text = page_text(member_client.get(url_of(centre, "copy/"), **SWEDISH))

    assert_swedish(
        text,
        NAV_SV + ["Få en kopia av dina uppgifter", "Ta fram en kopia av mina uppgifter"],
        NAV_EN + ["Get a copy of your data", "Prepare a copy of my data"],
    )


@pytest.mark.django_db
def test_asking_for_a_copy_in_swedish_records_swedish_and_shows_the_status_in_swedish(
    member_client,
    centre,  # noqa: F811
    member,
):
    response = member_client.post(url_of(centre, "copy/"), **SWEDISH)
    assert response.status_code == 303, response.status_code

    dsr = DataSubjectRequest.objects.get(member=member)
    assert dsr.language == "sv"
    text = page_text(member_client.get(response["Location"], **SWEDISH))
    assert_swedish(
        text,
        ["Din kopia", "Väntar på att behandlas", "Förlopp", "Sidan uppdateras av sig själv."],
        ["Your copy", "Waiting to be processed", "This page refreshes by itself."],
    )


@pytest.mark.django_db
def test_consents_are_in_swedish(member_client, centre, member):  # noqa: F811
    make_purpose("newsletter", name="Nyhetsbrev", text="Vi skickar dig vårt nyhetsbrev.")
    make_purpose("offers", name="Erbjudanden", text="Vi skickar dig erbjudanden.")
    consent.give(member, "newsletter", source=ConsentRecord.SOURCE_PRIVACY_CENTRE)

    text = page_text(member_client.get(url_of(centre, "consents/"), **SWEDISH))

    assert_swedish(
        text,
        NAV_SV
        + [
            'aria-current="page">Mina samtycken</a>',
            "Du har samtyckt till detta.",
            "Återkalla mitt samtycke",
            "Du har inte samtyckt till detta.",
            "Jag samtycker",
            "Historik",
            "samtycke lämnat",  # the ledger's action, in the member's language
        ],
        NAV_EN
        + [
            "You have agreed to this.",
            "Withdraw my consent",
            "You have not agreed to this.",
            ">I agree<",
            ">History<",
            "consent given",
        ],
    )


@pytest.mark.django_db
def test_erase_is_in_swedish_with_the_plan(member_client, centre, member):  # noqa: F811
    make_orders(member, 2)

    text = page_text(member_client.get(url_of(centre, "erase/"), **SWEDISH))

    assert_swedish(
        text,
        NAV_SV
        + [
            'aria-current="page">Radera mina uppgifter</a>',
            "Det här är exakt vad som händer med dina uppgifter om du bekräftar:",
            "Ditt konto",
            "raderat",
            "Ditt lösenord",
            "För att vara säkra på att det verkligen är du.",
            "Jag förstår att det här inte kan ångras.",
        ],
        NAV_EN
        + [
            "This is exactly what will happen",
            "Your account",
            "Your password",
            "To make sure it is really you.",
            "I understand that this cannot be undone.",
        ],
    )


@pytest.mark.django_db
def test_a_wrong_password_is_refused_in_swedish(member_client, centre):  # noqa: F811
    response = member_client.post(
        url_of(centre, "erase/"), {"password": "wrong", "confirm": "on"}, **SWEDISH
    )

    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "Det är inte ditt lösenord." in text
    assert "That is not your password." not in text


@pytest.mark.django_db
def test_the_language_cookie_chooses_swedish_too(member_client, centre):  # noqa: F811
    member_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "sv"

    text = page_text(member_client.get(url_of(centre, "data/")))

    assert_swedish(text, NAV_SV, NAV_EN)


@pytest.mark.django_db
def test_english_stays_english(member_client, centre):  # noqa: F811
    response = member_client.get(url_of(centre), HTTP_ACCEPT_LANGUAGE="en")

    text = html.unescape(response.content.decode())
    assert response["Content-Language"] == "en"
    assert "See what we store about you" in text
    assert "Se vad vi sparar om dig" not in text


# -- the consent step ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_consent_step_is_in_swedish(member_client, centre):  # noqa: F811
    publish_notice(title="Integritetspolicy", summary="Vi sparar dina ordrar.")
    make_purpose("newsletter", name="Nyhetsbrev", text="Vi skickar dig vårt nyhetsbrev.")

    gated = member_client.get("/", **SWEDISH)  # any page but the notice and the privacy centre
    assert gated.status_code == 302
    assert gated["Location"].startswith("/privacy/consent/")
    text = page_text(member_client.get(gated["Location"], **SWEDISH))

    assert_swedish(
        text,
        [
            "Innan du fortsätter",
            "I korthet",
            "Läs vår integritetspolicy och bekräfta nedan",
            "Dina val (frivilliga)",
            "Läs hela integritetspolicyn: Integritetspolicy",
            "Det här sparar vi om dig, och varför",
            "För att ge dig den tjänst du har anmält dig till",  # reader group of "contract"
            "Rättslig grund",
            "Vilka andra som får ta del av det",
            "Dina rättigheter",
            "Se dina uppgifter",
            "Få dina uppgifter raderade",
            "Klaga",
            "Dina val (frivilliga)",
            "Kryssa bara i det du samtycker till.",
            "Jag har läst det här, fortsätt",
        ],
        [
            "Before you continue",
            "Our privacy notice",
            "Read the full notice",
            "What we store about you and why",
            "To give you the service you signed up for",
            "Legal basis",
            "Your rights",
            "See your data",
            "Have your data deleted",
            "Your choices (optional)",
            "I have read this, continue",
        ],
    )


# -- emails and the report -------------------------------------------------------------------


@pytest.mark.django_db
def test_report_ready_email_is_in_the_requests_language(member, centre):  # noqa: F811
    dsr = completed_copy(member)
    DataSubjectRequest.objects.filter(pk=dsr.pk).update(language="sv")
    mail.outbox.clear()

    assert member_emails.send_now(dsr.pk, "report_ready")

    [message] = mail.outbox
    assert message.to == ["sven@example.com"]
    assert message.subject == "Din kopia av dina uppgifter är klar"
    html_body = html.unescape(message.alternatives[0][0])
    for body in (message.body, html_body):
        assert_swedish(
            body,
            [
                "Hej!",
                "Kopian av dina uppgifter som du bad om är klar.",
                "För din säkerhet fungerar länken bara när du är inloggad",
            ],
            ["Hello,", "is ready", "For your safety", "Log in and download"],
        )
    assert "Logga in och ladda ned den här:" in message.body
    assert url_of(centre, f"copy/{dsr.pk}/") in message.body
    # Rendering in Swedish leaves the caller's language alone.
    assert translation.get_language() == django_settings.LANGUAGE_CODE


@pytest.mark.django_db
def test_the_same_email_is_in_english_for_an_english_request(member, centre):  # noqa: F811
    dsr = completed_copy(member)
    mail.outbox.clear()

    assert member_emails.send_now(dsr.pk, "report_ready")

    assert mail.outbox[0].subject == "Your copy of your data is ready"


@pytest.mark.django_db
def test_the_report_is_written_in_the_requests_language(member, centre):  # noqa: F811
    make_orders(member, 2)
    consent.give(member, make_purpose("newsletter"), source=ConsentRecord.SOURCE_GATE)
    with translation.override("sv"):
        dsr = access.request_copy(member)
    assert dsr.language == "sv"

    assert access.build_access_report(dsr.pk) == "done"

    index = html.unescape(open_report(DataSubjectRequest.objects.get(pk=dsr.pk).report).index)
    assert_swedish(
        index,
        [
            "<h1>Dina uppgifter</h1>",
            "Den här kopian togs fram",
            "Dina rättigheter",
            "Din samtyckeshistorik",
            "samtycke lämnat",
            "Varför vi har det",
            "Hur länge vi sparar det",
            "7 år, räknat från",
            "Inga beslut om dig fattas automatiskt",
            "Skickas utanför EES",
        ],
        [
            "Your data",
            "This copy was made",
            "Your consent history",
            "consent given",
            "7 years, counted from",
            "No decision about you",
        ],
    )


# -- the catalogue ---------------------------------------------------------------------------


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: msgid, msgid_plural, msgstr (list), flags. Plain parsing."""
    entries, entry, key = [], None, None

    def flush():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}, "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if match:
            name, index, value = match.groups()
            value = ast.literal_eval(value)
            if name.startswith("msgstr"):
                key = ("msgstr", int(index or 0))
                entry["msgstr"][key[1]] = value
            else:
                key = name
                entry[name] = value
        elif line.startswith('"') and key is not None:
            value = ast.literal_eval(line)
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] += value
            else:
                entry[key] += value
        else:
            raise AssertionError(f"cannot read this line of {path.name}: {raw!r}")
    flush()
    return entries


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdr]")


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = read_po(PO_FILE)
    header = next(e for e in entries if e["msgid"] == "")
    messages = [e for e in entries if e["msgid"] != "" and not e["obsolete"]]

    assert "Language: sv\n" in header["msgstr"][0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"][0]
    assert "fuzzy" not in header["flags"]
    assert len(messages) > 100
    assert [e["msgid"] for e in messages if "fuzzy" in e["flags"]] == []
    untranslated = [
        e["msgid"]
        for e in messages
        if not e["msgstr"] or any(not s.strip() for s in e["msgstr"].values())
    ]
    assert untranslated == []
    plurals = [e for e in messages if "msgid_plural" in e]
    assert plurals and all(sorted(e["msgstr"]) == [0, 1] for e in plurals)
    assert [e["msgid"] for e in entries if e["obsolete"]] == []


def test_translations_keep_every_placeholder():
    wrong = []
    for e in read_po(PO_FILE):
        if not e["msgid"]:
            continue
        wanted = set(PLACEHOLDER.findall(e["msgid"])) | set(
            PLACEHOLDER.findall(e.get("msgid_plural", ""))
        )
        for text in e["msgstr"].values():
            # A singular may leave the number out (as "ett år" would); it must add nothing.
            found = set(PLACEHOLDER.findall(text))
            if found - wanted or ("msgid_plural" not in e and found != wanted):
                wrong.append((e["msgid"], text))
            if "{{" in text or "{%" in text:
                wrong.append((e["msgid"], text))
    assert wrong == []


def test_the_compiled_catalogue_matches_the_po_file():
    """The .mo is committed too: it must be compiled from the .po as it is now."""
    with MO_FILE.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for e in read_po(PO_FILE):
        if not e["msgid"]:
            continue
        if "msgid_plural" in e:
            got = [compiled.ngettext(e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
            expected = [e["msgstr"][0], e["msgstr"][1]]
        else:
            got, expected = compiled.gettext(e["msgid"]), e["msgstr"][0]
        if got != expected:
            stale.append(e["msgid"])
    assert stale == [], "run compilemessages: the .mo file is older than the .po file"


def test_django_uses_the_catalogue():
    with translation.override("sv"):
        assert translation.gettext("Delete my data") == "Radera mina uppgifter"
        assert translation.ngettext("%(n)d year", "%(n)d years", 7) % {"n": 7} == "7 år"
