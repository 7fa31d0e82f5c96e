"""The erasure log: kept apart from the main tables so erasures survive a restore from backup.

Each executed erasure appends one JSON line naming the rows it deleted or anonymised, by
primary key only: nothing else about the member. After restoring an older backup,
``manage.py gdpr_replay_erasures --since DATE`` applies the log again (see ``replay``);
applying it twice changes nothing more. The file is ``WAGTAIL_GDPR_ERASURE_LOG`` (default:
``erasure-log.jsonl`` in the private folder); keep it on storage that is backed up separately
from the database.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.storage import private_root


def log_path() -> Path:
    configured = app_settings.ERASURE_LOG
    return Path(configured) if configured else private_root() / "erasure-log.jsonl"


def append(*, request_id, member_id, at: datetime, actions: list[dict]):
    """Write and flush to disk before the erasure's transaction commits."""
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(
        {"at": at.isoformat(), "request_id": request_id, "member_id": member_id,
         "actions": actions},
        separators=(",", ":"),
    )  # fmt: skip
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def entries(since: datetime | None = None):
    path = log_path()
    if not path.exists():
        return
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            entry = json.loads(line)
            if since is None or datetime.fromisoformat(entry["at"]) >= since:
                yield entry
