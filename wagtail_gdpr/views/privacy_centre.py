"""The privacy centre's overview, "My data", consents, activity and requests.

``PrivacyCentreMixin`` routes here; the rules are in the services.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.translation import gettext as _

from wagtail_gdpr import (
    consent,
    email_verification,
    readable,
    recipients,
    restriction_objection,
    routes,
)
from wagtail_gdpr.access import summary
from wagtail_gdpr.consent import gate, notices
from wagtail_gdpr.registry import verified_emails
from wagtail_gdpr.tables import ConsentPurpose, DataSubjectRequest, GdprSettings, MemberActivity
from wagtail_gdpr.views.common import render_centre

ACTIVITY_PER_PAGE = 25


def overview(request, page):
    open_requests = DataSubjectRequest.objects.filter(
        member=request.user, status__in=DataSubjectRequest.OPEN_STATUSES
    ).count()
    return render_centre(
        request, page, "overview.html", {"open_requests": open_requests}, section="overview"
    )


def my_data(request, page):
    account_address = getattr(request.user, request.user.get_email_field_name(), "") or ""
    confirmed = account_address.lower() in verified_emails(request.user)
    context = {
        "items": summary.live_summary(request.user),
        "can_confirm_email": bool(account_address) and not confirmed,
    }
    return render_centre(request, page, "data.html", context, section="my_data")


def my_consents(request, page):
    states = consent.current_consents(request.user)
    purposes = [
        (text, states.get(purpose.slug, False), consent.text_sha256(text.text))
        for purpose in ConsentPurpose.objects.originals().filter(active=True).order_by("name")
        for text in [purpose.for_reader()]
    ]
    notice_page = gate.notice_page_for_reader(GdprSettings.current(request))
    return render_centre(
        request,
        page,
        "consents.html",
        {
            "purposes": purposes,
            "history": consent.history_in_words(request.user, limit=50),
            "notice": notices.for_member(request.user, notice_page),
        },
        section="my_consents",
    )


def my_activity(request, page):
    paginator = Paginator(
        MemberActivity.objects.filter(user=request.user).order_by("-created_at", "-pk"),
        ACTIVITY_PER_PAGE,
    )
    activity_page = paginator.get_page(request.GET.get("page"))
    return render_centre(
        request,
        page,
        "activity.html",
        {"activity": activity_page, "ip_note": readable.SHORTENED_IP_NOTE},
        section="my_activity",
    )


def my_requests(request, page):
    requests = DataSubjectRequest.objects.filter(member=request.user).order_by("-received_at")
    rows = [
        (dsr, routes.route_url(page, routes.request_route(dsr), dsr.pk, request=request))
        for dsr in requests
    ]
    return render_centre(
        request, page, "requests.html", {"requests": requests, "rows": rows},
        section="my_requests",
    )  # fmt: skip


def request_detail(request, page, request_id):
    """One of the member's own requests: what it is, where it stands, who was told of it."""
    dsr = DataSubjectRequest.objects.filter(pk=request_id, member=request.user).first()
    if dsr is None:
        raise Http404
    facts = {"purpose_name": "", "in_force": None, "accepted_at": None, "lifted_at": None,
             "reason": ""}  # fmt: skip
    if dsr.kind in restriction_objection.KINDS:
        facts = restriction_objection.decision(dsr)
    return render_centre(
        request,
        page,
        "request_detail.html",
        {
            "dsr": dsr,
            **facts,
            "recipients": recipients.for_display(dsr),
            "is_copy": dsr.kind == DataSubjectRequest.ACCESS,
        },
        section="my_requests",
    )


def send_email_verification(request, page):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    email_verification.send_verification(request.user, request=request, centre=page)
    messages.info(request, _("We sent you an email with a link to confirm your address."))
    return HttpResponseRedirect(routes.route_url(page, "my_data", request=request), status=303)


def confirm_email(request, page, token):
    try:
        email_verification.confirm(request.user, token)
    except email_verification.VerificationFailed as exc:
        return render_centre(
            request, page, "verify_failed.html", {"message": exc.message}, section="my_data",
            status=400,
        )  # fmt: skip
    messages.success(request, _("Thank you: your address is confirmed."))
    return HttpResponseRedirect(routes.route_url(page, "my_data", request=request))
