"""The mail backend of the test worker: the add-on's message-file backend, which a test can make
kill its own worker at an exact instant of the sending of a message.

``WAGTAIL_GDPR_TEST_DIE_AT="<instant>:<n>"`` kills the worker process (SIGKILL: nothing runs
after it) at the n-th message this process sends, at one of two instants:

- ``written``: the message is written, but not yet renamed into place (not accepted);
- ``accepted``: the message is in place (accepted), and the worker has not yet marked it sent.
"""

import os
import signal

from wagtail_gdpr.mail.backends import MessageFileBackend

messages_sent = 0


def die_at(instant: str) -> None:
    planned = os.environ.get("WAGTAIL_GDPR_TEST_DIE_AT", "")
    if not planned:
        return
    when, count = planned.split(":")
    if when == instant and messages_sent == int(count):
        os.kill(os.getpid(), signal.SIGKILL)


class WorkerMailBackend(MessageFileBackend):
    def _accept(self, partial, final):
        global messages_sent
        messages_sent += 1
        die_at("written")
        super()._accept(partial, final)
        die_at("accepted")
