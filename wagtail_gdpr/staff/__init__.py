"""The staff request queue: what privacy officers do with data subject requests.

- ``people``: who may work the queue (one permission), and who is reminded;
- ``rules``: when each staff action is possible, and why not;
- ``actions``: each staff action as a service;
- ``table``: the one table of staff actions, from which the admin builds buttons and forms;
- ``viewing``: staff opening a member's data, logged;
- ``reminders``: deadline reminders to staff;
- ``dashboard``: the counts on the admin's home page.

The Wagtail admin (``wagtail_gdpr.admin``) shows these; it holds no rules of its own.
"""
