from django.urls import path

from example_site.crm import views

app_name = "crm"

urlpatterns = [path("gdpr/", views.privacy_events, name="privacy_events")]
