"""The data subject's rights (GDPR Art. 15 to 21, 77), each with where to use it on this site."""

from django.utils.translation import gettext_lazy as _

from wagtail_gdpr import routes
from wagtail_gdpr.tables import GdprSettings

# (key, title, explanation, the privacy centre's route where it is used, or None)
RIGHTS = [
    (
        "access",
        _("See your data"),
        _("You can see what we store about you and why, and get a copy of it."),
        "my_data",
    ),
    (
        "portability",
        _("Take your data with you"),
        _("You can download your data in a machine-readable file to use elsewhere."),
        "request_copy",
    ),
    (
        "rectification",
        _("Correct your data"),
        _("You can correct data that is wrong and add what is missing."),
        "correct",
    ),
    (
        "erasure",
        _("Have your data deleted"),
        _(
            "You can ask us to delete your data. Some data must be kept by law for a while; "
            "we tell you which, and until when, before you confirm."
        ),
        "erase",
    ),
    (
        "restriction",
        _("Limit what we do with your data"),
        _("You can ask us to stop using your data, except to store it, while a question is open."),
        "new_processing_request",
    ),
    (
        "objection",
        _("Object"),
        _("You can object to uses of your data that rest on our legitimate interests."),
        "new_processing_request",
    ),
    (
        "consent",
        _("Withdraw consent"),
        _("Where you said yes, you can withdraw it as easily as you gave it."),
        "my_consents",
    ),
    (
        "complaint",
        _("Complain"),
        _(
            "You can complain to the supervisory authority if you think we handle your data "
            "wrongly."
        ),
        None,
    ),
]


def rights_for_request(request) -> list[dict]:
    """The rights with links into the site's privacy centre and the authority's website."""
    gdpr_settings = GdprSettings.current(request)
    rights = []
    for key, title, text, route in RIGHTS:
        if route is None:
            url = gdpr_settings.authority_url
        else:
            url = routes.centre_url(route, request=request)
        rights.append({"key": key, "title": title, "text": text, "url": url})
    return rights
