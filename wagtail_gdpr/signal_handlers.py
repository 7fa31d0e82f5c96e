"""Keeps notice versions and the gate's cache in step with what editors publish and change."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published

from wagtail_gdpr import gate, notices
from wagtail_gdpr.models import ConsentPurpose, GdprSettings, PrivacyNoticeMixin


def record_notice_publication(sender, instance, revision=None, **kwargs):
    if isinstance(instance, PrivacyNoticeMixin):
        notices.record_publication(instance, revision)


def invalidate_gate(sender, **kwargs):
    gate.invalidate()


def connect():
    page_published.connect(record_notice_publication, dispatch_uid="wagtail_gdpr_notice_published")
    for model in (ConsentPurpose, GdprSettings):
        post_save.connect(
            invalidate_gate, sender=model, dispatch_uid=f"wagtail_gdpr_gate_{model.__name__}"
        )
        post_delete.connect(
            invalidate_gate, sender=model, dispatch_uid=f"wagtail_gdpr_gate_del_{model.__name__}"
        )
