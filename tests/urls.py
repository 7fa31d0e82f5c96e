from django.apps import apps
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("privacy/", include("wagtail_gdpr.urls")),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
# The example site's CRM, which the connector tests deliver to; a site made of the test app
# alone (tests/sites/) leaves it out, since importing it starts the example site's Celery app.
if apps.is_installed("example_site.crm"):
    urlpatterns.append(path("crm/", include("example_site.crm.urls")))
urlpatterns.append(path("", include(wagtail_urls)))
