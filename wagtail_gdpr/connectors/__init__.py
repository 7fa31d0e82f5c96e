"""Connectors: the company's other systems taking part in members' requests.

Every event is written to an outbox (``ConnectorEvent``) in the transaction of the request it is
about (:mod:`.outbox`), sent after commit, signed (:mod:`.signing`), retried with growing pauses
(:mod:`.delivery`) and answered at once or later through a signed callback (:mod:`.answers`).
The copy waits for the answers (:mod:`.copies`); members and staff read where each one stands
(:mod:`.in_words`). The protocol is in the docs: reference/connector-protocol.md.
"""
