"""Member pages. Every query is filtered by ``request.user``: members see only their own rows."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import AccountForm, NewsletterForm, ProfileForm, SignupForm, SupportTicketForm
from .models import MemberProfile, NewsletterSubscription, Order, OrderLine, SupportTicket


def signup(request):
    if request.user.is_authenticated:
        return redirect("portal:account")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            MemberProfile.objects.create(user=user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account has been created."))
        return redirect("portal:account")
    return render(request, "portal/signup.html", {"form": form})


def _profile_of(user):
    profile, _created = MemberProfile.objects.get_or_create(user=user)
    return profile


@login_required
def account(request):
    subscription = NewsletterSubscription.objects.filter(user=request.user).first()
    context = {
        "profile": _profile_of(request.user),
        "orders": Order.objects.filter(customer=request.user)[:5],
        "order_count": Order.objects.filter(customer=request.user).count(),
        "tickets": SupportTicket.objects.filter(owner=request.user)[:5],
        "subscription": subscription,
        "newsletter_form": NewsletterForm(initial={"subscribed": subscription is not None}),
    }
    return render(request, "portal/account.html", context)


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
    form = NewsletterForm(request.POST)
    if form.is_valid() and form.cleaned_data["subscribed"]:
        now = timezone.now()
        _subscription, created = NewsletterSubscription.objects.get_or_create(
            user=request.user,
            defaults={"email": request.user.email, "subscribed_at": now, "consent_given_at": now},
        )
        if created:
            messages.success(request, _("You are now subscribed to the newsletter."))
    else:
        deleted, _details = NewsletterSubscription.objects.filter(user=request.user).delete()
        if deleted:
            messages.success(request, _("You have been unsubscribed from the newsletter."))
    return redirect("portal:account")


@login_required
def orders(request):
    lines = OrderLine.objects.order_by("pk")
    member_orders = Order.objects.filter(customer=request.user).prefetch_related(
        Prefetch("lines", queryset=lines)
    )
    return render(request, "portal/orders.html", {"orders": member_orders})


@login_required
def tickets(request):
    return render(
        request,
        "portal/tickets.html",
        {"tickets": SupportTicket.objects.filter(owner=request.user)},
    )


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
