"""The life of a data subject request, whatever its kind.

- ``intake``: a member's request as every capability creates it (who, language, received, due);
- ``legal_clock``: the answer's due date (GDPR Art. 12(3)), its pauses and its extension;
- ``worker_queue``: handing requests to workers, claims, heartbeats and recovery;
- ``member_emails``: the emails that tell a member about their request.

The capabilities themselves (copies, erasure, correction, restriction and objection, the staff
queue) live in packages and modules of their own, and use these.
"""
