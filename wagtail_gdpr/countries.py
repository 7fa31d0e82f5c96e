"""Countries: their names in the reader's language, and which are in the EEA (GDPR Art. 44).

Declarations name a recipient's country by its ISO 3166-1 code (``"SE"``, ``"US"``). A country
outside the European Economic Area makes sending data there a transfer, which needs a safeguard
(GDPR Art. 45 to 49). Names come from pycountry's ISO 3166 catalogue and its translations.
"""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from django.utils import translation

#: The European Union's 27 members, and Iceland, Liechtenstein and Norway.
EEA_COUNTRIES = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
        "IS", "LI", "NO",
    }
)  # fmt: skip


def is_known(code: str) -> bool:
    """Is ``code`` an ISO 3166-1 alpha-2 country code?"""
    return bool(code) and pycountry.countries.get(alpha_2=code.upper()) is not None


def in_eea(code: str) -> bool:
    return code.upper() in EEA_COUNTRIES


@lru_cache(maxsize=32)
def _catalogue(language: str):
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def name(code: str, language: str | None = None) -> str:
    """The country's name in ``language`` (default: the active language), or the code itself."""
    country = pycountry.countries.get(alpha_2=(code or "").upper())
    if country is None:
        return code
    english = getattr(country, "common_name", None) or country.name
    language = (language or translation.get_language() or "en").split("-")[0]
    if language == "en":
        return english
    catalogue = _catalogue(language)
    translated = catalogue.gettext(english)
    if translated == english and english != country.name:
        translated = catalogue.gettext(country.name)
    return translated
