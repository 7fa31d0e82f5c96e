"""Replaying the erasure log after a database backup is restored.

Each logged erasure is applied again in its own transaction: rows the backup brought back are
deleted or anonymised again, and so are their stored files. Applying the log twice changes
nothing more.
"""

from __future__ import annotations

from datetime import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction

from wagtail_gdpr.erasure import execution, log
from wagtail_gdpr.registry import registry


def replay(since: datetime | None = None) -> dict[str, int]:
    """Apply logged erasures again, each in its own transaction. Idempotent."""
    counts = {"erasures": 0, "deleted": 0, "anonymised": 0, "accounts": 0}
    user_model = get_user_model()
    for entry in log.entries(since):
        with transaction.atomic():
            for action in entry["actions"]:
                if "account" in action:
                    account = user_model._base_manager.filter(pk=action["pk"]).first()
                    if account is not None:
                        execution.erase_account_again(account, action["account"])
                        counts["accounts"] += 1
                    continue
                declaration = registry.get(apps.get_model(action["model"]))
                if declaration is None:
                    continue
                manager = declaration.model._base_manager
                wanted = action.get("delete", []) + action.get("anonymise", [])
                existing = set()
                for chunk in execution.chunks(wanted):
                    existing.update(manager.filter(pk__in=chunk).values_list("pk", flat=True))
                to_delete = [pk for pk in action.get("delete", []) if pk in existing]
                to_anonymise = [pk for pk in action.get("anonymise", []) if pk in existing]
                # Files the backup brought back go again too.
                execution.queue_files(declaration, to_delete + to_anonymise)
                execution.delete_rows(declaration, to_delete)
                execution.anonymise_rows(declaration, to_anonymise)
                counts["deleted"] += len(to_delete)
                counts["anonymised"] += len(to_anonymise)
        counts["erasures"] += 1
    return counts
