"""Deprecated: the staff queue is :mod:`wagtail_gdpr.staff` (``rules``, ``actions``,
``table``, ``viewing``, ``people``, ``reminders``, ``dashboard``) and the audit log's vocabulary
:mod:`wagtail_gdpr.audit`. This path goes in 0.3."""

from wagtail_gdpr.audit import *  # noqa: F403
from wagtail_gdpr.deprecation import moved
from wagtail_gdpr.routes import admin_url  # noqa: F401
from wagtail_gdpr.staff.actions import *  # noqa: F403
from wagtail_gdpr.staff.dashboard import summary  # noqa: F401
from wagtail_gdpr.staff.people import (  # noqa: F401
    PERMISSION,
    can_manage,
    privacy_officers,
    staff_members,
)
from wagtail_gdpr.staff.reminders import send_deadline_reminders  # noqa: F401
from wagtail_gdpr.staff.rules import *  # noqa: F403
from wagtail_gdpr.staff.table import *  # noqa: F403
from wagtail_gdpr.staff.viewing import *  # noqa: F403

moved(__name__, "wagtail_gdpr.staff.actions")
