"""Member pages. Every query is filtered by ``request.user``: members see only their own rows."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wagtail_gdpr import consent
from wagtail_gdpr.headers import personal_page
from wagtail_gdpr.models import ConsentPurpose, ConsentRecord

from .forms import AccountForm, NewsletterForm, ProfileForm, SignupForm, SupportTicketForm
from .models import MemberProfile, NewsletterSubscription, Order, OrderLine, SupportTicket
from .signals import NEWSLETTER


def signup(request):
    # Where the visitor was going before they were asked to log in; only ever on this site.
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.user.is_authenticated:
        return redirect(next_url or "portal:account")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            MemberProfile.objects.create(user=user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account has been created."))
        return redirect(next_url or "portal:account")
    return render(request, "portal/signup.html", {"form": form, "next": next_url})


def _profile_of(user):
    profile, _created = MemberProfile.objects.get_or_create(user=user)
    return profile


def _newsletter_purpose():
    return ConsentPurpose.objects.filter(slug=NEWSLETTER, active=True).first()


@personal_page
@login_required
def account(request):
    purpose = _newsletter_purpose()
    newsletter_form = None
    if purpose is not None:
        newsletter_form = NewsletterForm(
            initial={
                # The consent ledger decides; the subscription row only follows it.
                "subscribed": consent.has_consent(request.user, NEWSLETTER),
                "version": purpose.version,
                "text_sha256": consent.text_sha256(purpose.text),
            }
        )
    context = {
        "profile": _profile_of(request.user),
        "orders": Order.objects.filter(customer=request.user)[:5],
        "order_count": Order.objects.filter(customer=request.user).count(),
        "tickets": SupportTicket.objects.filter(owner=request.user)[:5],
        "newsletter_purpose": purpose,
        "subscription": NewsletterSubscription.objects.filter(user=request.user).first(),
        "newsletter_form": newsletter_form,
    }
    return render(request, "portal/account.html", context)


@personal_page
@login_required
def edit_profile(request):
    profile = _profile_of(request.user)
    data = request.POST if request.method == "POST" else None
    account_form = AccountForm(data, instance=request.user, prefix="account")
    profile_form = ProfileForm(data, instance=profile, prefix="profile")
    if data is not None and account_form.is_valid() and profile_form.is_valid():
        with transaction.atomic():
            account_form.save()
            profile_form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("portal:account")
    return render(
        request,
        "portal/profile_form.html",
        {"account_form": account_form, "profile_form": profile_form, "profile": profile},
    )


@login_required
@require_POST
def newsletter(request):
    """Give or withdraw consent to the newsletter through wagtail-gdpr's consent service.

    The subscription itself is created or deleted by ``portal.signals`` when the consent changes.
    """
    purpose = _newsletter_purpose()
    form = NewsletterForm(request.POST)
    if purpose is None or not form.is_valid():
        messages.error(request, _("Your newsletter choice could not be saved. Please try again."))
        return redirect("portal:account")
    try:
        if form.cleaned_data["subscribed"]:
            changed = consent.give(
                request.user,
                purpose,
                version=form.cleaned_data["version"],
                shown_sha256=form.cleaned_data["text_sha256"],
                source=ConsentRecord.SOURCE_PRIVACY_CENTRE,
                request=request,
            )
            if changed:
                messages.success(request, _("You are now subscribed to the newsletter."))
        elif consent.has_consent(request.user, NEWSLETTER):
            changed = consent.withdraw(
                request.user, purpose, source=ConsentRecord.SOURCE_PRIVACY_CENTRE, request=request
            )
            if changed:
                messages.success(request, _("You have been unsubscribed from the newsletter."))
    except consent.ConsentError as exc:
        messages.error(request, exc.message)
    return redirect("portal:account")


@personal_page
@login_required
def orders(request):
    lines = OrderLine.objects.order_by("pk")
    member_orders = Order.objects.filter(customer=request.user).prefetch_related(
        Prefetch("lines", queryset=lines)
    )
    return render(request, "portal/orders.html", {"orders": member_orders})


@personal_page
@login_required
def tickets(request):
    return render(
        request,
        "portal/tickets.html",
        {"tickets": SupportTicket.objects.filter(owner=request.user)},
    )


@personal_page
@login_required
def new_ticket(request):
    form = SupportTicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ticket = form.save(commit=False)
        ticket.owner = request.user
        ticket.save()
        messages.success(request, _("Thank you. We have received your message."))
        return redirect("portal:tickets")
    return render(request, "portal/ticket_form.html", {"form": form})
