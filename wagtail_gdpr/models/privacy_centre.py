"""The member's privacy centre: a page editors place in the tree, with member-only sub-pages."""

from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page


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
    """The privacy centre's routes, each a thin call into ``wagtail_gdpr.views``."""

    @path("")
    @members_only
    def overview(self, request):
        from wagtail_gdpr.views import privacy_centre as views

        return views.overview(request, self)

    @path("data/")
    @members_only
    def my_data(self, request):
        from wagtail_gdpr.views import privacy_centre as views

        return views.my_data(request, self)

    @path("consents/")
    @members_only
    def my_consents(self, request):
        from wagtail_gdpr.views import privacy_centre as views

        return views.my_consents(request, self)

    @path("activity/")
    @members_only
    def my_activity(self, request):
        from wagtail_gdpr.views import privacy_centre as views

        return views.my_activity(request, self)

    @path("requests/")
    @members_only
    def my_requests(self, request):
        from wagtail_gdpr.views import privacy_centre as views

        return views.my_requests(request, self)

    @path("copy/")
    @members_only
    def request_copy(self, request):
        from wagtail_gdpr.views import privacy_centre as views

        return views.request_copy(request, self)

    @path("copy/<int:request_id>/")
    @members_only
    def copy_status(self, request, request_id):
        from wagtail_gdpr.views import privacy_centre as views

        return views.copy_status(request, self, request_id)

    @path("copy/<int:request_id>/download/")
    @members_only
    def download_copy(self, request, request_id):
        from wagtail_gdpr.views import downloads

        return downloads.download_report(request, request_id)

    @path("correct/")
    @members_only
    def correct(self, request):
        from wagtail_gdpr.views import rectification

        return rectification.correct(request, self)

    @path("erase/")
    @members_only
    def erase(self, request):
        from wagtail_gdpr.views import erasure

        return erasure.erase(request, self)

    @path("erase/<int:request_id>/")
    @members_only
    def erasure_status(self, request, request_id):
        from wagtail_gdpr.views import erasure

        return erasure.erasure_status(request, self, request_id)

    @path("verify-email/")
    @members_only
    def verify_email(self, request):
        from wagtail_gdpr.views import privacy_centre as views

        return views.send_email_verification(request, self)

    @path("verify-email/<str:token>/")
    @members_only
    def confirm_email(self, request, token):
        from wagtail_gdpr.views import privacy_centre as views

        return views.confirm_email(request, self, token)

    # Requests from people who are not logged in (Art. 12): public, not members_only.

    @path("request/")
    def public_request(self, request):
        from wagtail_gdpr.views import public_requests

        return public_requests.request_form(request, self)

    @path("request/sent/")
    def public_request_sent(self, request):
        from wagtail_gdpr.views import public_requests

        return public_requests.request_sent(request, self)

    @path("request/confirm/<str:token>/")
    def confirm_public_request(self, request, token):
        from wagtail_gdpr.views import public_requests

        return public_requests.confirm(request, self, token)

    # Restriction and objection (Art. 18, 21), and one request's page.

    @path("requests/new/")
    @members_only
    def new_processing_request(self, request):
        from wagtail_gdpr.views import processing_requests

        return processing_requests.new_request(request, self)

    @path("requests/<int:request_id>/")
    @members_only
    def request_detail(self, request, request_id):
        from wagtail_gdpr.views import processing_requests

        return processing_requests.request_detail(request, self, request_id)


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
