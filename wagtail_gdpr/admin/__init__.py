"""The add-on's pages in the Wagtail admin: thin callers of ``wagtail_gdpr.staff``.

- ``modeladmin``: everything built on wagtail-modeladmin (the listings, the request's inspect
  view, the menu group); moving to Wagtail's own viewsets changes that module alone;
- ``queue``: the staff actions' pages, the download of a copy, the request's facts, the
  dashboard panel;
- ``corrections``: the list of proposed corrections waiting for review;
- ``access``: who may open any of them.

``wagtail_hooks`` registers them with Wagtail.
"""
