"""Privacy for form-builder pages: each form its own processing activity.

Editors set a form's purpose, lawful basis, retention, whether submissions are stored at all,
and the consent it asks for, in the "Privacy" tab that
:class:`wagtail_gdpr.pages.form_privacy.FormPrivacyMixin` adds. This package holds what that
means for the rest of the add-on:

- ``periods``: a form's retention period, the site's default and maximum;
- ``declarations``: form submissions as one processing activity per form (inventory, record of
  processing, the member's summary and copy, the retention sweep);
- ``addresses``: the index of email addresses per submission that finds a person's
  submissions in one query;
- ``consent``: the consent a form asks for: the unticked box, the ledger line of a ticked one,
  the confirmation email and its signed withdrawal link;
- ``upcoming``: which forms' submissions the next sweeps delete, and when one submission goes.

Storing or only emailing a submission is the mixin's ``process_form_submission``.

Form pages are recognised by the mixin's marker, ``gdpr_form_privacy = True``, so that this
package never needs the page types above it.
"""
