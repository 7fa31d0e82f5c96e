"""Keeping the newsletter's mailing list in step with the member's consent.

This is the integrator pattern for anything that rests on consent: wagtail-gdpr's consent
ledger decides, and the site follows it through the ``consent_changed`` signal (sent after the
ledger line is committed), wherever the member gave or withdrew it: the consent step at login,
a consent block on the privacy notice, the privacy centre or the account page.

Sign-ins, sign-outs and failed sign-ins are recorded by wagtail-gdpr itself (``MemberActivity``).
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from wagtail_gdpr import consent
from wagtail_gdpr.models import ConsentPurpose, ConsentState
from wagtail_gdpr.signals import consent_changed

from .models import NewsletterSubscription

#: The ``ConsentPurpose`` slug the newsletter rests on.
NEWSLETTER = "newsletter"


def subscribe(user, *, consent_given_at=None):
    now = timezone.now()
    subscription, _created = NewsletterSubscription.objects.update_or_create(
        user=user,
        defaults={"email": user.email, "consent_given_at": consent_given_at or now},
        create_defaults={
            "email": user.email,
            "subscribed_at": now,
            "consent_given_at": consent_given_at or now,
        },
    )
    return subscription


def unsubscribe(user):
    NewsletterSubscription.objects.filter(user=user).delete()


def sync_newsletter(user):
    """Make the member's subscription match their current consent (for repairs and seeding)."""
    if consent.has_consent(user, NEWSLETTER):
        if not NewsletterSubscription.objects.filter(user=user).exists():
            subscribe(user)
    else:
        unsubscribe(user)


@receiver(consent_changed, dispatch_uid="portal_newsletter_consent")
def on_consent_changed(sender, user, purpose, given, record, **kwargs):
    if purpose.slug != NEWSLETTER:
        return
    if given:
        subscribe(user, consent_given_at=record.created_at)
    else:
        unsubscribe(user)


@receiver(post_save, sender=ConsentPurpose, dispatch_uid="portal_newsletter_purpose_changed")
def on_purpose_changed(sender, instance, **kwargs):
    """A new version of the text (or a retired purpose) means earlier consents no longer count."""
    if instance.slug != NEWSLETTER:
        return
    # Consent is kept against the original purpose; a translation saved changes nothing of it.
    instance = instance.original()
    # Members only: a guest's answer on a form (no member) is no subscription.
    still_agreed = ConsentState.objects.filter(
        purpose=instance, given=True, purpose_version=instance.version, user__isnull=False
    )
    if not instance.active:
        still_agreed = still_agreed.none()
    NewsletterSubscription.objects.exclude(user__in=still_agreed.values("user")).delete()
