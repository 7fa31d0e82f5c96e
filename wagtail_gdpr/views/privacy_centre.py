"""The privacy centre's overview, "My data", consents, activity and requests.

``PrivacyCentreMixin`` routes here; the rules are in the services.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.translation import gettext as _

from wagtail_gdpr import (
    clarification,
    consent,
    email_verification,
    member_requests,
    readable,
    recipients,
    restriction_objection,
    routes,
)
from wagtail_gdpr.access import summary
from wagtail_gdpr.breaches import notices as breach_notices
from wagtail_gdpr.breaches import scope as breach_scope
from wagtail_gdpr.consent import gate, notices
from wagtail_gdpr.registry import verified_emails
from wagtail_gdpr.tables import (
    ConsentPurpose,
    ConsentState,
    DataSubjectRequest,
    GdprSettings,
    MemberActivity,
)
from wagtail_gdpr.views.common import render_centre
from wagtail_gdpr.views.following import answer_form, follow_context

ACTIVITY_PER_PAGE = 25


def overview(request, page):
    open_requests = DataSubjectRequest.objects.filter(
        member=request.user, status__in=DataSubjectRequest.OPEN_STATUSES
    ).count()
    return render_centre(
        request, page, "overview.html", {"open_requests": open_requests}, section="overview"
    )


def security_notices(request, page):
    """The notices of the breaches that affected the member (GDPR Art. 34)."""
    settings = GdprSettings.current(request)
    notices = [
        (notice, breach_scope.categories_of(notice.breach))
        for notice in breach_notices.for_member(request.user)
    ]
    context = {"notices": notices, "dpo_name": settings.dpo_name, "dpo_email": settings.dpo_email}
    return render_centre(
        request, page, "security_notices.html", context, section="security_notices"
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
    where = {
        state.purpose_id: consent.where_in_words(state.record)
        for state in ConsentState.objects.filter(user=request.user, given=True).select_related(
            "record__source_page"
        )
    }
    rows = [
        {
            "purpose": text,
            "given": given,
            "text_sha256": sha,
            "where": where.get(text.original().pk, "") if given else "",
        }
        for text, given, sha in purposes
    ]
    notice_page = gate.notice_page_for_reader(GdprSettings.current(request))
    return render_centre(
        request,
        page,
        "consents.html",
        {
            # ``purposes`` (purpose, given, fingerprint) is kept for templates of 0.2.
            "purposes": purposes,
            "rows": rows,
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
        (
            member_requests.follow(dsr),
            routes.route_url(page, routes.request_route(dsr), dsr.pk, request=request),
        )
        for dsr in requests
    ]
    return render_centre(
        request, page, "requests.html", {"requests": requests, "rows": rows},
        section="my_requests",
    )  # fmt: skip


def _own_request(request, request_id) -> DataSubjectRequest:
    dsr = DataSubjectRequest.objects.filter(pk=request_id, member=request.user).first()
    if dsr is None:
        raise Http404
    return dsr


def _answer(request, page, dsr):
    form = answer_form(dsr, request.POST)
    if form is None:
        messages.info(request, _("We are not waiting for an answer to this request."))
    elif form.is_valid():
        try:
            clarification.answer(
                dsr.pk,
                request.user,
                form.cleaned_data["answer"],
                purpose=form.cleaned_data.get("purpose", ""),
            )
        except clarification.AnswerRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you: we have your answer, and we go on."))
    if form is not None and form.errors:
        return _detail(request, page, dsr, form, status=400)
    url = routes.route_url(page, routes.request_route(dsr), dsr.pk, request=request)
    return HttpResponseRedirect(url, status=303)


def _detail(request, page, dsr, form=None, status=200):
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
            **follow_context(dsr, form),
            "recipients": recipients.for_display(dsr),
            "is_copy": dsr.kind in (DataSubjectRequest.ACCESS, DataSubjectRequest.PORTABILITY),
        },
        section="my_requests",
        status=status,
    )


def request_detail(request, page, request_id):
    """One of the member's own requests: what was asked, where it stands, what comes next, how
    it ended, who was told of it; and, when staff asked something, the answer form (POST)."""
    dsr = _own_request(request, request_id)
    if request.method == "POST":
        return _answer(request, page, dsr)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    return _detail(request, page, dsr)


def send_email_verification(request, page):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        email_verification.send_verification(request.user, request=request, centre=page)
    except email_verification.TooManyEmails as exc:
        messages.error(request, exc.message)
    else:
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
