"""Consent and the privacy notice: giving, withdrawing and reading consent, notice versions,
what a member must acknowledge at first login, and the consent step that records it.

The names below are the consent API for site code (``from wagtail_gdpr import consent``);
they live in :mod:`wagtail_gdpr.consent.ledger`. The other modules of this package:
``notices`` (notice versions), ``gate`` (what a member must acknowledge) and ``step`` (the
consent step's questions and answers).
"""

from wagtail_gdpr.consent.ledger import (
    CannotWithdrawRequired,
    ConsentError,
    StaleText,
    UnknownPurpose,
    acknowledge_notice,
    current_consents,
    get_purpose,
    give,
    has_consent,
    history,
    history_in_words,
    remember_text,
    text_sha256,
    where_in_words,
    withdraw,
    withdrawal_confirmation,
)

__all__ = [
    "CannotWithdrawRequired",
    "ConsentError",
    "StaleText",
    "UnknownPurpose",
    "acknowledge_notice",
    "current_consents",
    "get_purpose",
    "give",
    "has_consent",
    "history",
    "history_in_words",
    "remember_text",
    "text_sha256",
    "withdraw",
    "where_in_words",
    "withdrawal_confirmation",
]
