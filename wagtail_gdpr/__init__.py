"""Make a Wagtail site with member logins a GDPR-ready customer portal."""

__version__ = "0.2.0.dev0"
