"""Email backends that can say which messages they accepted.

A message sent twice is the one failure a worker killed mid-send cannot rule out by itself: it
cannot know whether the mail system took the message just before it died. A backend with an
``accepted_message_ids(message_ids)`` method answers that question, and the add-on asks it
before sending a doubtful message again (see :func:`wagtail_gdpr.mail.accepted`).

:class:`MessageFileBackend` is such a backend: it writes each message to a file of its own in
``EMAIL_FILE_PATH``, first under a temporary name, then renamed into place. The rename is the
acceptance and its record at once, so the answer is exact: a file in place was accepted, a
message whose writing was cut short was not. Point a mail server's pickup (spool) directory
reader at the folder, or use it where Django's file backend would be used.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend

#: The extension of an accepted message; a message being written has another.
SUFFIX = ".eml"


def message_key(message_id: str) -> str:
    """The part of a file's name that stands for its Message-ID."""
    return hashlib.sha256(message_id.strip().encode()).hexdigest()[:40]


class MessageFileBackend(BaseEmailBackend):
    """One file per message, written atomically: ``<key of the Message-ID>-<random>.eml``.

    Messages are never overwritten: a message sent twice leaves two files.
    """

    def __init__(self, file_path=None, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        path = file_path or getattr(settings, "EMAIL_FILE_PATH", None)
        if not path:
            raise ImproperlyConfigured("MessageFileBackend needs EMAIL_FILE_PATH.")
        self.file_path = Path(path)
        self.file_path.mkdir(parents=True, exist_ok=True)

    def send_messages(self, email_messages) -> int:
        sent = 0
        for email in email_messages:
            if not email.recipients():
                continue
            message = email.message()
            self._write(message["Message-ID"], message.as_bytes(linesep="\n"))
            sent += 1
        return sent

    def _write(self, message_id: str, data: bytes) -> Path:
        name = f"{message_key(message_id)}-{uuid.uuid4().hex}{SUFFIX}"
        partial = self.file_path / f".{name}.partial"
        with open(partial, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        final = self.file_path / name
        self._accept(partial, final)
        return final

    def _accept(self, partial: Path, final: Path) -> None:
        """The acceptance: an atomic rename, so the message is whole in place or absent."""
        os.replace(partial, final)
        self._sync_folder()

    def _sync_folder(self):
        descriptor = os.open(self.file_path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def files_of(self, message_id: str) -> list[Path]:
        """The accepted files of a Message-ID: one, or none (more only if sent twice)."""
        return sorted(self.file_path.glob(f"{message_key(message_id)}-*{SUFFIX}"))

    def accepted_message_ids(self, message_ids) -> set[str]:
        """Those of ``message_ids`` this backend accepted."""
        return {message_id for message_id in message_ids if self.files_of(message_id)}
