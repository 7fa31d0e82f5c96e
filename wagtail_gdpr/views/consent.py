"""The consent step members pass at first login, and the consent block's form handler."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.models import Page, Site

from wagtail_gdpr import consent, inventory
from wagtail_gdpr.consent import gate, step
from wagtail_gdpr.headers import personal_page
from wagtail_gdpr.rights import rights_for_request
from wagtail_gdpr.tables import ConsentPurpose, ConsentRecord
from wagtail_gdpr.views.common import base_template, message_page, personal, safe_next
from wagtail_gdpr.views.forms import ConsentChoiceForm, ConsentStepForm

#: A text's fingerprint as the forms carry it: its SHA-256, in hexadecimal.
FINGERPRINT = re.compile(r"[0-9a-f]{64}")

#: The consent step's answer when the page sent back no version or fingerprint of the texts.
READ_AGAIN = gettext_lazy(
    "The text has changed since you opened this page. Please read it again before you answer."
)


def _initial(live_version, purposes) -> dict:
    """What the form carries back: the version and text fingerprint of everything shown."""
    initial = {}
    if live_version is not None:
        initial = {"notice_version": live_version.pk, "notice_sha256": live_version.text_sha256}
    for purpose in purposes:
        initial[f"version_{purpose.slug}"] = purpose.version
        initial[f"sha256_{purpose.slug}"] = consent.text_sha256(purpose.for_reader().text)
    return initial


@personal_page
@login_required
def consent_step(request):
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if next_url.startswith(reverse("wagtail_gdpr:consent_step")):
        next_url = "/"
    asked = step.questions(request.user, Site.find_for_request(request))
    if not asked.outstanding:
        gate.remember_passed(request, asked.requirements)
        return HttpResponseRedirect(next_url)

    kwargs = {"required_purposes": asked.required, "optional_purposes": asked.optional}
    form = ConsentStepForm(
        initial=_initial(asked.live_version, asked.required + asked.optional), **kwargs
    )
    status = 200
    refusal = ""

    if request.method == "POST":
        posted = ConsentStepForm(request.POST, **kwargs)
        if posted.is_valid():
            try:
                step.record_answers(
                    request.user,
                    asked,
                    notice_shown=posted.notice_shown(),
                    shown={p.slug: posted.shown(p) for p in asked.required + asked.optional},
                    chosen=posted.chosen_optional(),
                    request=request,
                )
            except consent.ConsentError as exc:
                refusal = exc.message  # shown above the fresh texts
                status = 409
            else:
                gate.remember_passed(request, asked.requirements)
                return HttpResponseRedirect(next_url)
        elif posted.proof_missing():
            # No version or fingerprint of what was read: nothing to prove consent with.
            refusal = READ_AGAIN
            status = 409
        else:
            # Shown above a fresh form: hidden values the member cannot fix are not kept.
            errors = posted.non_field_errors()
            refusal = (
                errors[0]
                if errors
                else _(
                    "The form was incomplete or altered. Nothing was recorded; please try again."
                )
            )
            status = 400

    response = render(
        request,
        "wagtail_gdpr/consent_step.html",
        {
            "form": form,
            "refusal": refusal,
            "next": next_url,
            "notice_page": asked.notice_page,
            "notice_changed": asked.outstanding.notice,
            "changes": asked.changes,
            "required_purposes": [
                (asked.text_of(p), form[f"version_{p.slug}"]) for p in asked.required
            ],
            "optional_fields": [
                (asked.text_of(p), form[f"consent_{p.slug}"]) for p in asked.optional
            ],
            "inventory_groups": inventory.grouped_for_readers(),
            "rights": rights_for_request(request),
            "gdpr_base_template": base_template(),
        },
        status=status,
    )
    return personal(response)


def _stale_message(purpose) -> str:
    return _("“%(name)s” has changed since you read it. Please read it again.") % {
        "name": purpose.for_reader().name
    }


def _read_again(request, purpose, exc, *, action, back, source, page):
    """409: what the purpose says now, and the same answer (give or withdraw) to that text."""
    response = render(
        request,
        "wagtail_gdpr/consent_stale.html",
        {
            "message": exc.message,
            "purpose": purpose.for_reader(),
            "action": action,
            "text_sha256": consent.text_sha256(purpose.for_reader().text),
            "back_url": back,
            "source": source,
            "page_id": page.pk if page is not None else "",
            "gdpr_base_template": base_template(),
        },
        status=409,
    )
    return personal(response)


@personal_page
@require_POST
def consent_block(request, slug):
    back = safe_next(request, request.POST.get("next"))
    if not request.user.is_authenticated:
        return message_page(
            request, _("Log in to give or withdraw your consent."), status=403, back_url=back
        )
    purpose = ConsentPurpose.objects.originals().filter(slug=slug, active=True).first()
    if purpose is None:
        return message_page(
            request, _("There is no such consent purpose. Nothing was recorded."), status=404,
            back_url=back,
        )  # fmt: skip
    form = ConsentChoiceForm(request.POST)
    if not form.is_valid():
        return message_page(
            request, _("The form was incomplete. Nothing was recorded."), status=400, back_url=back
        )
    data = form.cleaned_data
    source = (
        ConsentRecord.SOURCE_PRIVACY_CENTRE
        if request.POST.get("source") == ConsentRecord.SOURCE_PRIVACY_CENTRE
        else ConsentRecord.SOURCE_BLOCK
    )
    page = Page.objects.filter(pk=data["page_id"]).first() if data["page_id"] else None
    if data["version"] is None or not FINGERPRINT.fullmatch(data["text_sha256"] or ""):
        # Without the version and the fingerprint of the text shown, nothing proves what the
        # member agreed to (or withdrew from): they read the text again.
        return _read_again(request, purpose, consent.StaleText(_stale_message(purpose)),
                           action=data["action"], back=back, source=source, page=page)  # fmt: skip
    try:
        if data["action"] == "give":
            consent.give(
                request.user,
                purpose,
                version=data["version"],
                shown_sha256=data["text_sha256"] or None,
                source=source,
                request=request,
                page=page,
            )
        else:
            record = consent.withdraw(
                request.user, purpose, source=source, request=request, page=page
            )
            messages.success(
                request, consent.withdrawal_confirmation(purpose, record), fail_silently=True
            )
    except consent.StaleText as exc:
        return _read_again(request, purpose, exc, action=data["action"], back=back,
                           source=source, page=page)  # fmt: skip
    except consent.ConsentError as exc:
        return message_page(request, exc.message, status=409, back_url=back)
    return HttpResponseRedirect(f"{back}#consent-{purpose.slug}", status=303)
