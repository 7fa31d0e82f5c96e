"""The right to erasure (GDPR Art. 17) and storage limitation (Art. 5(1)(e)).

- ``plan``: what erasing a member would do, for them to read before they confirm;
- ``requests``: the member asks (password, grace period, cancelling);
- ``execution``: a worker carries the plan out in one transaction, and sends the receipt;
- ``log`` and ``replay``: the erasure log kept apart from the database, replayed after a restore;
- ``retention``: the sweep that removes rows past their retention.

Stored files of erased data go through ``wagtail_gdpr.files``, after commit.
"""

from wagtail_gdpr.erasure.execution import execute, run_erasure_request
from wagtail_gdpr.erasure.plan import (
    ErasureBlocked,
    ErasureFacts,
    ErasurePlan,
    PlanItem,
    PlanRecord,
    build_plan,
    erasure_facts,
)
from wagtail_gdpr.erasure.requests import (
    RequestRefused,
    WrongPassword,
    cancel_erasure,
    check_password,
    request_erasure,
)
from wagtail_gdpr.registry import ANONYMISED, DELETED, HELD, RETAINED

__all__ = [
    "ANONYMISED",
    "DELETED",
    "HELD",
    "RETAINED",
    "ErasureBlocked",
    "ErasureFacts",
    "ErasurePlan",
    "PlanItem",
    "PlanRecord",
    "RequestRefused",
    "WrongPassword",
    "build_plan",
    "cancel_erasure",
    "check_password",
    "erasure_facts",
    "execute",
    "request_erasure",
    "run_erasure_request",
]
