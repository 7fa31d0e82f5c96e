"""The privacy centre's sub-pages. ``PrivacyCentreMixin`` routes here; logic is in the services."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail_gdpr import consent, email_verification, subject_requests, summary
from wagtail_gdpr.models import (
    ConsentPurpose,
    DataSubjectRequest,
    MemberActivity,
)
from wagtail_gdpr.registry import verified_emails
from wagtail_gdpr.views.common import base_template

ACTIVITY_PER_PAGE = 25

# Lazy: translated when a page is shown, in the member's language.
NAVIGATION = [
    ("", gettext_lazy("Overview")),
    ("data/", gettext_lazy("My data")),
    ("copy/", gettext_lazy("Get a copy")),
    ("correct/", gettext_lazy("Correct my data")),
    ("consents/", gettext_lazy("My consents")),
    ("activity/", gettext_lazy("My activity")),
    ("requests/", gettext_lazy("My requests")),
    ("erase/", gettext_lazy("Delete my data")),
]


def render_centre(request, page, template, context, *, section, status=200):
    base_url = page.get_url(request)
    context = {
        **context,
        "page": page,
        "self": page,
        "centre_url": base_url,
        "navigation": [(f"{base_url}{sub}", label, sub == section) for sub, label in NAVIGATION],
        "gdpr_base_template": base_template(),
    }
    return TemplateResponse(
        request, f"wagtail_gdpr/privacy_centre/{template}", context, status=status
    )


def overview(request, page):
    open_requests = DataSubjectRequest.objects.filter(
        member=request.user, status__in=DataSubjectRequest.OPEN_STATUSES
    ).count()
    return render_centre(
        request, page, "overview.html", {"open_requests": open_requests}, section=""
    )


def my_data(request, page):
    account_address = getattr(request.user, request.user.get_email_field_name(), "") or ""
    confirmed = account_address.lower() in verified_emails(request.user)
    return render_centre(
        request,
        page,
        "data.html",
        {"items": summary.live_summary(request.user), "can_confirm_email": bool(account_address)
         and not confirmed},
        section="data/",
    )  # fmt: skip


def my_consents(request, page):
    states = consent.current_consents(request.user)
    purposes = [
        (purpose, states.get(purpose.slug, False), consent.text_sha256(purpose.text))
        for purpose in ConsentPurpose.objects.filter(active=True).order_by("name")
    ]
    return render_centre(
        request,
        page,
        "consents.html",
        {"purposes": purposes, "history": consent.history(request.user)[:50]},
        section="consents/",
    )


def my_activity(request, page):
    paginator = Paginator(
        MemberActivity.objects.filter(user=request.user).order_by("-created_at", "-pk"),
        ACTIVITY_PER_PAGE,
    )
    activity_page = paginator.get_page(request.GET.get("page"))
    return render_centre(
        request, page, "activity.html", {"activity": activity_page}, section="activity/"
    )


def my_requests(request, page):
    requests = DataSubjectRequest.objects.filter(member=request.user).order_by("-received_at")
    return render_centre(
        request, page, "requests.html", {"requests": requests}, section="requests/"
    )


def request_copy(request, page):
    if request.method == "POST":
        try:
            dsr = subject_requests.request_copy(request.user, request=request)
        except subject_requests.RequestRefused as exc:
            return render_centre(
                request, page, "copy.html", {"refusal": exc.message}, section="copy/", status=409
            )
        return HttpResponseRedirect(f"{page.get_url(request)}copy/{dsr.pk}/", status=303)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    latest = (
        DataSubjectRequest.objects.filter(member=request.user, kind=DataSubjectRequest.ACCESS)
        .select_related("report")
        .order_by("-received_at")
        .first()
    )
    return render_centre(request, page, "copy.html", {"latest": latest}, section="copy/")


def copy_status(request, page, request_id):
    dsr = (
        DataSubjectRequest.objects.filter(
            pk=request_id, member=request.user, kind=DataSubjectRequest.ACCESS
        )
        .select_related("report")
        .first()
    )
    if dsr is None:
        raise Http404
    report = getattr(dsr, "report", None)
    refresh = dsr.status in (DataSubjectRequest.QUEUED, DataSubjectRequest.RUNNING)
    response = render_centre(
        request,
        page,
        "copy_status.html",
        {
            "dsr": dsr,
            "report": report if report and report.is_available() else None,
            "expired": bool(report and not report.is_available()),
            "refresh": refresh,
        },
        section="copy/",
    )
    if refresh:
        response["Refresh"] = "5"  # the page follows progress without JavaScript
    return response


def send_email_verification(request, page):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    base = page.get_url(request)
    email_verification.send_verification(
        request.user, lambda token: request.build_absolute_uri(f"{base}verify-email/{token}/")
    )
    messages.info(request, _("We sent you an email with a link to confirm your address."))
    return HttpResponseRedirect(f"{base}data/", status=303)


def confirm_email(request, page, token):
    try:
        email_verification.confirm(request.user, token)
    except email_verification.VerificationFailed as exc:
        return render_centre(
            request, page, "verify_failed.html", {"message": exc.message}, section="data/",
            status=400,
        )  # fmt: skip
    messages.success(request, _("Thank you: your address is confirmed."))
    return HttpResponseRedirect(f"{page.get_url(request)}data/")
