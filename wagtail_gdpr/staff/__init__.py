"""The staff request queue: what privacy officers do with data subject requests.

- ``people``: who may work the queue (one permission), and who is reminded;
- ``actions``: the one table of staff actions, and each action as a service;
- ``reminders``: deadline reminders to staff;
- ``dashboard``: the counts on the admin's home page.

The Wagtail admin (``wagtail_gdpr.admin``) shows these; it holds no rules of its own.
"""
