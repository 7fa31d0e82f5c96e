"""May the member's data be processed for a purpose now? Site code asks here.

It is cheap: the first call for a member in a request costs one query for the restriction and
objection state (and one for the purpose list, and the consent module's own cached query);
later calls on the same user object cost none.

Restriction and objection requests themselves are in :mod:`wagtail_gdpr.restriction_objection`;
their names here still work for one release, with a deprecation warning.
"""

from __future__ import annotations

import warnings

from wagtail import hooks

from wagtail_gdpr import audit, consent, restriction_objection
from wagtail_gdpr.restriction_objection import ALL

#: ``fn(member, purpose_slug) -> True | False | None``: a False from any hook wins.
HOOK = "wagtail_gdpr_processing_allowed"


def _built_in_verdict(member, purpose_slug: str) -> bool | None:
    """False when consent, a restriction or an objection forbids it; None for unknown purposes."""
    if restriction_objection.restricted(member, purpose_slug):
        return False  # Art. 18(2): restricted data is only stored
    purpose = restriction_objection.purposes_for(member).get(purpose_slug)
    if purpose is None:
        return None
    if purpose.rests_on_consent and not consent.has_consent(
        member, purpose.consent_slug or purpose_slug
    ):
        return False
    # Art. 21(1): an accepted objection stops processing on legitimate interests or a public task.
    return not (purpose.objectable and restriction_objection.objected(member, purpose_slug))


def processing_allowed(member, purpose_slug: str) -> bool:
    """May the member's data be processed for ``purpose_slug`` now?

    False when the purpose rests on consent the member has not given (or withdrew), when an
    accepted restriction covers it, when an accepted objection covers it and it rests on
    legitimate interests or a public task, or when any ``wagtail_gdpr_processing_allowed`` hook
    answers False. A purpose this add-on does not know is allowed only if a hook answers True.
    """
    verdict = _built_in_verdict(member, purpose_slug)
    if verdict is False:
        return False
    answers = [hook(member, purpose_slug) for hook in hooks.get_hooks(HOOK)]
    if any(answer is False for answer in answers):
        return False
    if verdict is None:
        return any(answer is True for answer in answers)
    return True


__all__ = ["ALL", "HOOK", "processing_allowed"]


#: Audit-log action names that lived here: now in :mod:`wagtail_gdpr.audit`.
_MOVED_TO_AUDIT = {
    "ACCEPTED_ACTION": "PROCESSING_ACCEPTED",
    "LIFTED_ACTION": "PROCESSING_LIFTED",
}


def __getattr__(name):
    """The restriction and objection names that lived here, for one release."""
    if name in _MOVED_TO_AUDIT:
        new = f"wagtail_gdpr.audit.{_MOVED_TO_AUDIT[name]}"
        value = getattr(audit, _MOVED_TO_AUDIT[name])
    elif not name.startswith("_") and hasattr(restriction_objection, name):
        new = f"wagtail_gdpr.restriction_objection.{name}"
        value = getattr(restriction_objection, name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warnings.warn(f"wagtail_gdpr.processing.{name} moved to {new}", DeprecationWarning, 2)
    return value
