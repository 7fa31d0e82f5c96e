"""Signals integrators connect to."""

from django.dispatch import Signal

#: Sent after commit whenever a member's consent to a purpose changes.
#: Arguments: ``user``, ``purpose`` (a ConsentPurpose), ``given`` (bool), ``record``.
consent_changed = Signal()
