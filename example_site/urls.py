from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("account/", include("example_site.portal.urls")),
    # wagtail-gdpr's own member URLs: the consent step at login and the consent blocks' form.
    # The privacy centre is a page in the tree (slug "privacy-centre"), not under this prefix.
    path("privacy/", include("wagtail_gdpr.urls")),
    # The example CRM: a system of its own, reached through the connector protocol only.
    path("crm/", include("example_site.crm.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves every other URL from the page tree; it must come last.
urlpatterns += [path("", include(wagtail_urls))]
