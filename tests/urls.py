from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("privacy/", include("wagtail_gdpr.urls")),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include(wagtail_urls)),
]
