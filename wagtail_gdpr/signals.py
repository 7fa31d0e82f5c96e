"""Signals integrators connect to."""

from django.dispatch import Signal

#: Sent after commit whenever a member's consent to a purpose changes.
#: Arguments: ``user``, ``purpose`` (a ConsentPurpose), ``given`` (bool), ``record``.
consent_changed = Signal()

#: Sent when a member confirms that an email address is theirs (the privacy centre's link).
#: Arguments: ``user``, ``email`` (lower case). Guest data under the address is theirs from now.
email_confirmed = Signal()
