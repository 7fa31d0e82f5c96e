"""The data subject's rights (GDPR Art. 15 to 21, 77), each with where to use it on this site."""

from django.utils.translation import gettext_lazy as _

# (key, title, explanation, privacy-centre sub-path or None)
RIGHTS = [
    (
        "access",
        _("See your data"),
        _("You can see what we store about you and why, and get a copy of it."),
        "data/",
    ),
    (
        "portability",
        _("Take your data with you"),
        _("You can download your data in a machine-readable file to use elsewhere."),
        "copy/",
    ),
    (
        "rectification",
        _("Correct your data"),
        _("You can correct data that is wrong and add what is missing."),
        "correct/",
    ),
    (
        "erasure",
        _("Have your data deleted"),
        _(
            "You can ask us to delete your data. Some data must be kept by law for a while; "
            "we tell you which, and until when, before you confirm."
        ),
        "erase/",
    ),
    (
        "restriction",
        _("Limit what we do with your data"),
        _("You can ask us to stop using your data, except to store it, while a question is open."),
        "requests/new/",
    ),
    (
        "objection",
        _("Object"),
        _("You can object to uses of your data that rest on our legitimate interests."),
        "requests/new/",
    ),
    (
        "consent",
        _("Withdraw consent"),
        _("Where you said yes, you can withdraw it as easily as you gave it."),
        "consents/",
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
    from wagtail_gdpr.models import GdprSettings

    gdpr_settings = GdprSettings.for_request(request) if request is not None else None
    centre = gdpr_settings.privacy_centre_page if gdpr_settings else None
    centre_url = centre.specific.get_url(request) if centre is not None and centre.live else None
    rights = []
    for key, title, text, sub_path in RIGHTS:
        if key == "complaint":
            url = gdpr_settings.authority_url if gdpr_settings else ""
        else:
            url = f"{centre_url}{sub_path}" if centre_url else ""
        rights.append({"key": key, "title": title, "text": text, "url": url})
    return rights
