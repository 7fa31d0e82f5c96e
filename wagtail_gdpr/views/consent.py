"""The consent step members pass at first login, and the consent block's form handler."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page, Site

from wagtail_gdpr import consent, gate, inventory, notices
from wagtail_gdpr.forms import ConsentChoiceForm, ConsentStepForm
from wagtail_gdpr.models import ConsentPurpose, ConsentRecord, ConsentState, GdprSettings
from wagtail_gdpr.rights import rights_for_request
from wagtail_gdpr.views.common import base_template, message_page, safe_next


def _unanswered_optional_purposes(user):
    answered = ConsentState.objects.filter(user=user).values_list("purpose_id", "purpose_version")
    answered = set(answered)
    return [
        p
        for p in ConsentPurpose.objects.filter(required=False, active=True).order_by("name")
        if (p.pk, p.version) not in answered
    ]


def _initial(live_version, purposes):
    initial = {}
    if live_version is not None:
        initial = {"notice_version": live_version.pk, "notice_sha256": live_version.text_sha256}
    for purpose in purposes:
        initial[f"version_{purpose.slug}"] = purpose.version
        initial[f"sha256_{purpose.slug}"] = consent.text_sha256(purpose.text)
    return initial


def _record_step(request, form, todo, live_version):
    """Everything the member agreed to, in one transaction: all of it or, if stale, none."""
    with transaction.atomic():
        if todo.notice:
            shown = (
                form.cleaned_data.get("notice_version"),
                form.cleaned_data.get("notice_sha256"),
            )
            if live_version is None or shown != (live_version.pk, live_version.text_sha256):
                raise consent.StaleText(
                    _(
                        "The privacy notice has changed since you opened this page. "
                        "Please read it again."
                    )
                )
            consent.acknowledge_notice(
                request.user, live_version, source=ConsentRecord.SOURCE_GATE, request=request
            )
        for purpose in form.required_purposes + form.chosen_optional():
            version, sha256 = form.shown(purpose)
            consent.give(
                request.user,
                purpose,
                version=version,
                shown_sha256=sha256,
                source=ConsentRecord.SOURCE_GATE,
                request=request,
            )


@login_required
def consent_step(request):
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if next_url.startswith(reverse("wagtail_gdpr:consent_step")):
        next_url = "/"
    site = Site.find_for_request(request)
    requirements = gate.compute_requirements(site)
    todo = gate.outstanding(request.user, requirements)
    if not todo:
        gate.remember_passed(request, requirements)
        return HttpResponseRedirect(next_url)

    gdpr_settings = GdprSettings.for_site(site)
    notice_page = gdpr_settings.notice_page.specific if gdpr_settings.notice_page else None
    live_version = notices.live_version(notice_page.pk) if notice_page else None
    required = list(ConsentPurpose.objects.filter(pk__in=todo.purpose_ids).order_by("name"))
    optional = _unanswered_optional_purposes(request.user)
    kwargs = {"required_purposes": required, "optional_purposes": optional}
    form = ConsentStepForm(initial=_initial(live_version, required + optional), **kwargs)
    status = 200
    refusal = ""

    if request.method == "POST":
        posted = ConsentStepForm(request.POST, **kwargs)
        if posted.is_valid():
            try:
                _record_step(request, posted, todo, live_version)
            except consent.ConsentError as exc:
                refusal = exc.message  # shown above the fresh texts
                status = 409
            else:
                gate.remember_passed(request, requirements)
                return HttpResponseRedirect(next_url)
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

    return render(
        request,
        "wagtail_gdpr/consent_step.html",
        {
            "form": form,
            "refusal": refusal,
            "next": next_url,
            "notice_page": notice_page,
            "notice_changed": todo.notice,
            "required_purposes": [(p, form[f"version_{p.slug}"]) for p in required],
            "optional_fields": [(p, form[f"consent_{p.slug}"]) for p in optional],
            "inventory_groups": inventory.grouped_for_readers(),
            "rights": rights_for_request(request),
            "gdpr_base_template": base_template(),
        },
        status=status,
    )


@require_POST
def consent_block(request, slug):
    back = safe_next(request, request.POST.get("next"))
    if not request.user.is_authenticated:
        return message_page(
            request, _("Log in to give or withdraw your consent."), status=403, back_url=back
        )
    purpose = ConsentPurpose.objects.filter(slug=slug, active=True).first()
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
            consent.withdraw(request.user, purpose, source=source, request=request, page=page)
    except consent.StaleText as exc:
        # Show what the purpose says now, and let the member answer that instead.
        return render(
            request,
            "wagtail_gdpr/consent_stale.html",
            {
                "message": exc.message,
                "purpose": purpose,
                "text_sha256": consent.text_sha256(purpose.text),
                "back_url": back,
                "source": source,
                "page_id": data["page_id"] or "",
                "gdpr_base_template": base_template(),
            },
            status=409,
        )
    except consent.ConsentError as exc:
        return message_page(request, exc.message, status=409, back_url=back)
    return HttpResponseRedirect(f"{back}#consent-{purpose.slug}", status=303)
