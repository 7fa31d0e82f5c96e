"""Personal-data breaches (GDPR Art. 33 and 34): the register, the scope computed from the
registry, the 72-hour clock, the authority's notification and the notices to the people affected.

- ``record``: recording a breach and every later step, each a dated history entry and an audit
  log entry (the record is append-only);
- ``people``: the people the officer names as affected, pasted or uploaded as CSV;
- ``scope``: who and what is affected, set-based, from the registry;
- ``clock``: the 72 hours from discovery, and what must be decided before notifying;
- ``authority``: the notification to the supervisory authority, its exports and supplements;
- ``notices``: the notices to the people affected, sent in batches and tracked one by one;
- ``register``: the register's listing and its spreadsheet export.
"""
