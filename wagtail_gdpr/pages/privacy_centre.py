"""The member's privacy centre: a page editors place in the tree, with member-only sub-pages.

Each sub-page is a named route (the method's name), reversed with ``reverse_subpage`` or
``{% routablepageurl page "name" %}``; each is a thin call into ``wagtail_gdpr.views``.
"""

from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from wagtail_gdpr import routes  # noqa: F401 (registers the <gdpr_id:...> converter)
from wagtail_gdpr.headers import personal
from wagtail_gdpr.views import (
    copies,
    corrections,
    erasure,
    form_consent,
    privacy_centre,
    public_requests,
    restriction_objection,
)


def members_only(view):
    """Sub-pages of the privacy centre are for the logged-in member only."""

    def wrapper(page, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(page, request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


class PrivacyCentreMixin(RoutablePageMixin):
    """The privacy centre's routes. Override one to change a sub-page; keep its name."""

    def serve(self, request, *args, **kwargs):
        """Every answer of the privacy centre is about the member: never cached."""
        return personal(super().serve(request, *args, **kwargs))

    @path("", name="overview")
    @members_only
    def overview(self, request):
        return privacy_centre.overview(request, self)

    @path("data/", name="my_data")
    @members_only
    def my_data(self, request):
        return privacy_centre.my_data(request, self)

    @path("consents/", name="my_consents")
    @members_only
    def my_consents(self, request):
        return privacy_centre.my_consents(request, self)

    @path("activity/", name="my_activity")
    @members_only
    def my_activity(self, request):
        return privacy_centre.my_activity(request, self)

    @path("security-notices/", name="security_notices")
    @members_only
    def security_notices(self, request):
        return privacy_centre.security_notices(request, self)

    @path("requests/", name="my_requests")
    @members_only
    def my_requests(self, request):
        return privacy_centre.my_requests(request, self)

    @path("requests/<gdpr_id:request_id>/", name="request_detail")
    @members_only
    def request_detail(self, request, request_id):
        return privacy_centre.request_detail(request, self, request_id)

    @path("copy/", name="request_copy")
    @members_only
    def request_copy(self, request):
        return copies.request_copy(request, self)

    @path("copy/<gdpr_id:request_id>/", name="copy_status")
    @members_only
    def copy_status(self, request, request_id):
        return copies.copy_status(request, self, request_id)

    @path("copy/<gdpr_id:request_id>/download/", name="download_copy")
    @members_only
    def download_copy(self, request, request_id):
        return copies.download(request, request_id)

    @path("correct/", name="correct")
    @members_only
    def correct(self, request):
        return corrections.correct(request, self)

    @path("erase/", name="erase")
    @members_only
    def erase(self, request):
        return erasure.erase(request, self)

    @path("erase/<gdpr_id:request_id>/", name="erasure_status")
    @members_only
    def erasure_status(self, request, request_id):
        return erasure.erasure_status(request, self, request_id)

    @path("verify-email/", name="verify_email")
    @members_only
    def verify_email(self, request):
        return privacy_centre.send_email_verification(request, self)

    @path("verify-email/<str:token>/", name="confirm_email")
    @members_only
    def confirm_email(self, request, token):
        return privacy_centre.confirm_email(request, self, token)

    @path("requests/new/", name="new_processing_request")
    @members_only
    def new_processing_request(self, request):
        return restriction_objection.new_request(request, self)

    # Requests from people who are not logged in (Art. 12): public, not members_only.

    @path("request/", name="public_request")
    def public_request(self, request):
        return public_requests.request_form(request, self)

    @path("request/sent/", name="public_request_sent")
    def public_request_sent(self, request):
        return public_requests.request_sent(request, self)

    @path("request/confirm/<str:token>/", name="confirm_public_request")
    def confirm_public_request(self, request, token):
        return public_requests.confirm(request, self, token)

    @path("consent/withdraw/<str:token>/", name="withdraw_form_consent")
    def withdraw_form_consent(self, request, token):
        """The link in a form's confirmation email: withdraws the consent given on the form."""
        return form_consent.withdraw(request, self, token)


class AbstractPrivacyCentrePage(PrivacyCentreMixin, Page):
    intro = RichTextField(_("introduction"), blank=True)
    data_intro = models.TextField(
        _("“My data” introduction"),
        blank=True,
        default=_("This is what we store about you right now, and why."),
    )
    copy_intro = models.TextField(
        _("“Get a copy” introduction"),
        blank=True,
        default=_(
            "We prepare a file with all your data: a page you can read in any browser, and the "
            "same data as spreadsheets and JSON to take elsewhere. We email you when it is ready."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("data_intro"),
        FieldPanel("copy_intro"),
    ]

    class Meta:
        abstract = True


class PrivacyCentrePage(AbstractPrivacyCentrePage):
    class Meta:
        verbose_name = _("privacy centre page")
        verbose_name_plural = _("privacy centre pages")
