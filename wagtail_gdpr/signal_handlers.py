"""Keeps notice versions, the gate's cache and the activity log in step with what happens.

Connected by ``apps.ready``: publications of notice pages become notice versions; a change to
what members must acknowledge drops the gate's cache; logins and logouts are
recorded in the member's activity; a confirmed address brings the consent a guest gave under it
on forms.
"""

from functools import partial

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published

from wagtail_gdpr import activity
from wagtail_gdpr.consent import gate, guests, notices
from wagtail_gdpr.form_privacy import addresses
from wagtail_gdpr.pages import PrivacyNoticeMixin
from wagtail_gdpr.signals import email_confirmed
from wagtail_gdpr.tables import ConsentPurpose, GdprSettings, MemberActivity, NoticeVersion

#: Changes to these change what members must acknowledge.
GATE_INPUTS = (ConsentPurpose, GdprSettings, NoticeVersion)


def record_notice_publication(sender, instance, revision=None, **kwargs):
    if isinstance(instance, PrivacyNoticeMixin):
        notices.record_publication(instance, revision)


def invalidate_gate(sender, **kwargs):
    """Now, for this process; and again after commit, in case another process filled the cache
    from the database before the change was committed."""
    gate.invalidate()
    transaction.on_commit(partial(gate.invalidate))


def index_form_submission(sender, instance, raw=False, **kwargs):
    """A submission's email addresses go to the index as it is saved: found in one query."""
    if not raw:
        addresses.index_submission(instance)


def record_login(sender, request, user, **kwargs):
    activity.record(user, MemberActivity.LOGIN, request=request)
    # Addresses known another way (a verified-email hook, a trusted account address) bring
    # the consent given under them on forms at the next login.
    guests.join(user)


def join_guest_consents(sender, user, email, **kwargs):
    """The consent a guest gave on forms under a confirmed address becomes the member's."""
    guests.join(user, [email])


def record_logout(sender, request, user, **kwargs):
    activity.record(user, MemberActivity.LOGOUT, request=request)


def record_failed_login(sender, credentials, request=None, **kwargs):
    activity.record_failed_login(credentials, request=request)


def connect():
    user_logged_in.connect(record_login, dispatch_uid="wagtail_gdpr_login")
    user_logged_out.connect(record_logout, dispatch_uid="wagtail_gdpr_logout")
    user_login_failed.connect(record_failed_login, dispatch_uid="wagtail_gdpr_login_failed")
    page_published.connect(record_notice_publication, dispatch_uid="wagtail_gdpr_notice_published")
    email_confirmed.connect(join_guest_consents, dispatch_uid="wagtail_gdpr_join_guest_consents")
    if apps.is_installed("wagtail.contrib.forms"):
        post_save.connect(
            index_form_submission,
            sender=apps.get_model("wagtailforms", "FormSubmission"),
            dispatch_uid="wagtail_gdpr_form_addresses",
        )
    for model in GATE_INPUTS:
        post_save.connect(
            invalidate_gate, sender=model, dispatch_uid=f"wagtail_gdpr_gate_{model.__name__}"
        )
        post_delete.connect(
            invalidate_gate, sender=model, dispatch_uid=f"wagtail_gdpr_gate_del_{model.__name__}"
        )
