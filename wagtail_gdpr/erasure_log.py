"""The erasure log: kept apart from the main tables so erasures survive a restore from backup.

Each executed erasure appends one JSON line naming the rows it deleted or anonymised, by
primary key only: nothing else about the member. After restoring an older backup,
``manage.py gdpr_replay_erasures --since DATE`` applies the log again; applying it twice
changes nothing more. The file is ``WAGTAIL_GDPR_ERASURE_LOG`` (default: ``erasure-log.jsonl``
in the private folder); keep it on storage that is backed up separately from the database.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from wagtail_gdpr.storage import private_root


def log_path() -> Path:
    configured = getattr(settings, "WAGTAIL_GDPR_ERASURE_LOG", None)
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


def replay(since: datetime | None = None) -> dict[str, int]:
    """Apply logged erasures again, each in its own transaction. Idempotent."""
    from wagtail_gdpr import erasure
    from wagtail_gdpr.registry import registry

    counts = {"erasures": 0, "deleted": 0, "anonymised": 0, "accounts": 0}
    user_model = get_user_model()
    for entry in entries(since):
        with transaction.atomic():
            for action in entry["actions"]:
                if "account" in action:
                    account = user_model._base_manager.filter(pk=action["pk"]).first()
                    if account is not None:
                        erasure.erase_account_again(account, action["account"])
                        counts["accounts"] += 1
                    continue
                declaration = registry.get(apps.get_model(action["model"]))
                if declaration is None:
                    continue
                manager = declaration.model._base_manager
                wanted = action.get("delete", []) + action.get("anonymise", [])
                existing = set()
                for chunk in erasure.chunks(wanted):
                    existing.update(manager.filter(pk__in=chunk).values_list("pk", flat=True))
                to_delete = [pk for pk in action.get("delete", []) if pk in existing]
                to_anonymise = [pk for pk in action.get("anonymise", []) if pk in existing]
                # Files the backup brought back go again too.
                erasure.queue_files(declaration, to_delete + to_anonymise)
                erasure.delete_rows(declaration, to_delete)
                erasure.anonymise_rows(declaration, to_anonymise)
                counts["deleted"] += len(to_delete)
                counts["anonymised"] += len(to_anonymise)
        counts["erasures"] += 1
    return counts
