"""The private storage access reports are written to: never under MEDIA_URL.

Use ``STORAGES["wagtail_gdpr_reports"]`` to choose any Django storage (for example a private
S3 bucket); otherwise files go to ``WAGTAIL_GDPR_PRIVATE_ROOT`` (default: a ``gdpr-private``
folder beside MEDIA_ROOT) through a storage with no public URL.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages

from wagtail_gdpr.conf import app_settings

STORAGE_ALIAS = "wagtail_gdpr_reports"


def private_root() -> Path:
    configured = app_settings.PRIVATE_ROOT
    if configured:
        return Path(configured)
    return Path(settings.MEDIA_ROOT or ".").resolve().parent / "gdpr-private"


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage without URLs: files are only ever served through a view."""

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through an authenticated view.")


def get_report_storage():
    """The storage for access reports (a callable, so migrations do not depend on settings)."""
    if STORAGE_ALIAS in settings.STORAGES:
        return storages[STORAGE_ALIAS]
    return PrivateFileSystemStorage(location=private_root(), base_url=None)
