"""Member-facing URLs; include them: ``path("privacy/", include("wagtail_gdpr.urls"))``."""

from django.urls import path

from wagtail_gdpr.views import connectors, consent

app_name = "wagtail_gdpr"

urlpatterns = [
    path("consent/", consent.consent_step, name="consent_step"),
    path("consent/<slug:slug>/", consent.consent_block, name="consent_block"),
    path(
        "connectors/answer/<uuid:event_id>/",
        connectors.connector_answer,
        name="connector_answer",
    ),
]
