from wagtail_gdpr.models.files import PendingFileRemoval

__all__ = ["PendingFileRemoval"]
