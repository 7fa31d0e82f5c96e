"""The access report: every declared row of a member, streamed into a ZIP in private storage.

The ZIP holds ``data.json`` (machine-readable, schema in the docs), one CSV per section,
``index.html`` (readable offline by anyone, with the GDPR Art. 15(1) facts) and
``manifest.json`` with the SHA-256 of every other file. Rows are read in chunks and written
straight to disk, so memory does not grow with the member's data.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail import hooks

from wagtail_gdpr import inventory
from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.consent.ledger import history
from wagtail_gdpr.registry import registry, verified_emails
from wagtail_gdpr.requests import member_emails, worker_queue
from wagtail_gdpr.rights import RIGHTS
from wagtail_gdpr.tables import AccessReport, ConsentText, DataSubjectRequest, GdprSettings

FORMAT_VERSION = 1
CHUNK_SIZE = 2000


class ExportFailed(Exception):
    """A section could not be exported; the report is abandoned rather than left partial."""


@dataclass
class ReportSection:
    """One part of the report. Integrators return these from ``wagtail_gdpr_report_sections``.

    ``rows`` is any iterable of sequences matching ``columns``; it is consumed once.
    """

    key: str
    name: str
    columns: list[str]
    rows: Iterable
    facts: dict = field(default_factory=dict)
    count: int | None = None
    #: Columns holding JSON: written to CSV as JSON text rather than Python's repr.
    json_columns: list[int] = field(default_factory=list)


_AS_TEXT = (models.DateField, models.TimeField)


def export_columns(model, names) -> list:
    """Column expressions: dates and times are turned into text by the database.

    Formatting them there is several times cheaper than parsing them into Python objects and
    formatting them again for JSON and CSV; PostgreSQL gives ISO 8601 with the UTC offset.
    """
    columns = []
    for name in names:
        if isinstance(model._meta.get_field(name), _AS_TEXT):
            columns.append(Cast(name, output_field=models.TextField()))
        else:
            columns.append(name)
    return columns


def html_row_limit() -> int:
    return int(app_settings.REPORT_HTML_ROWS)


def declared_sections(user) -> list[ReportSection]:
    emails = list(verified_emails(user))
    sections = []
    for declaration in registry.about_members():
        names = declaration.export_field_names()
        queryset = declaration.rows_for(user, emails)
        sections.append(
            ReportSection(
                key=declaration.model_label,
                name=declaration.display_name,
                columns=[declaration.field_label(n) for n in names],
                rows=queryset.values_list(*export_columns(declaration.model, names)).iterator(
                    chunk_size=CHUNK_SIZE
                ),
                facts=inventory.describe(declaration),
                count=queryset.count(),
                json_columns=[
                    i
                    for i, n in enumerate(names)
                    if isinstance(declaration.model._meta.get_field(n), models.JSONField)
                ],
            )
        )
    return sections


def hook_sections(user) -> list[ReportSection]:
    """Sections for data that lives outside Django models (a CRM, a mailing service...)."""
    sections = []
    for fn in hooks.get_hooks("wagtail_gdpr_report_sections"):
        sections.extend(fn(user) or ())
    return sections


class _HashingWriter(io.RawIOBase):
    """Passes bytes through to ``target`` while taking their SHA-256 and size."""

    def __init__(self, target):
        self.target = target
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self):
        return True

    def write(self, data):
        self.sha256.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)


class ReportWriter:
    """Writes one member's report into a ZIP file on disk."""

    def __init__(self, user, dsr: DataSubjectRequest, workdir: str, on_progress: Callable):
        self.user = user
        self.dsr = dsr
        self.workdir = workdir
        self.on_progress = on_progress
        self.manifest: list[dict] = []
        # The C encoder; Django's default() handles decimals and whatever hook sections yield.
        self.encoder = json.JSONEncoder(
            ensure_ascii=False, separators=(",", ":"), default=DjangoJSONEncoder().default
        )
        self.generated_at = timezone.now()

    # -- entries -----------------------------------------------------------------------------

    def _add_entry(self, archive: zipfile.ZipFile, name: str, write: Callable):
        with archive.open(name, "w", force_zip64=True) as raw:
            hashing = _HashingWriter(raw)
            write(hashing)
        self.manifest.append(
            {"name": name, "sha256": hashing.sha256.hexdigest(), "size": hashing.size}
        )

    def _add_file(self, archive, name, path):
        def copy(out):
            with open(path, "rb") as source:
                while chunk := source.read(1 << 20):
                    out.write(chunk)

        self._add_entry(archive, name, copy)

    # -- the whole report --------------------------------------------------------------------

    def write(self) -> str:
        sections = declared_sections(self.user) + hook_sections(self.user)
        total = sum(s.count or 0 for s in sections) or 1
        done = 0
        last_beat = time.monotonic()
        zip_path = os.path.join(self.workdir, "report.zip")
        json_path = os.path.join(self.workdir, "data.json")
        html_rows_path = os.path.join(self.workdir, "rows.html")

        with (
            zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
            open(json_path, "w", encoding="utf-8") as data_json,
            open(html_rows_path, "w", encoding="utf-8") as html_rows,
        ):
            data_json.write(self._json_header())
            for index, section in enumerate(sections):
                if index:
                    data_json.write(",")
                html_rows.write(self._html_section_start(section))
                shown = written = 0

                def write_csv(out, section=section):
                    nonlocal done, last_beat, shown, written
                    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
                    writer = csv.writer(text)
                    writer.writerow(section.columns)
                    data_json.write(self._json_section_start(section))
                    first = True
                    limit = html_row_limit()
                    json_columns = section.json_columns
                    for row in section.rows:
                        if json_columns:
                            cells = list(row)
                            for i in json_columns:
                                cells[i] = self.encoder.encode(cells[i])
                            writer.writerow(cells)
                        else:
                            writer.writerow(row)
                        data_json.write(("" if first else ",") + self.encoder.encode(list(row)))
                        first = False
                        if shown < limit:
                            html_rows.write(self._html_row(row))
                            shown += 1
                        done += 1
                        written += 1
                        if time.monotonic() - last_beat > 2:
                            self.on_progress(int(90 * done / total))
                            last_beat = time.monotonic()
                    data_json.write("]}")
                    text.flush()
                    text.detach()

                try:
                    self._add_entry(archive, f"csv/{_safe_name(section.key)}.csv", write_csv)
                except Exception as exc:
                    raise ExportFailed(
                        f"exporting {section.key} failed: {type(exc).__name__}"
                    ) from exc
                html_rows.write(self._html_section_end(section, shown, written))
            data_json.write("]," + self._json_consent_history() + "}")
            data_json.close()
            html_rows.close()
            self._add_file(archive, "data.json", json_path)
            self._add_entry(archive, "index.html", partial(self._write_index, html_rows_path))
            manifest = json.dumps(
                {"format_version": FORMAT_VERSION, "files": self.manifest}, indent=2
            ).encode()
            archive.writestr("manifest.json", manifest)
        return zip_path

    # -- data.json ---------------------------------------------------------------------------

    def _json_header(self) -> str:
        head = {
            "format": "wagtail-gdpr access report",
            "format_version": FORMAT_VERSION,
            "generated_at": self.generated_at,
            "request_id": self.dsr.pk,
            "member_id": self.user.pk,
        }
        return self.encoder.encode(head)[:-1] + ',"sections":['

    def _json_section_start(self, section: ReportSection) -> str:
        meta = self.encoder.encode(
            {"key": section.key, "name": section.name, "facts": section.facts,
             "columns": section.columns}
        )  # fmt: skip
        return meta[:-1] + ',"rows":['

    def _consent_history(self) -> list[dict]:
        records = list(history(self.user))
        texts = dict(
            ConsentText.objects.filter(sha256__in={r.text_sha256 for r in records}).values_list(
                "sha256", "text"
            )
        )
        return [
            {
                "time": r.created_at,
                "action": r.action,
                "purpose": r.purpose.name if r.purpose else _("Privacy notice"),
                "version": r.purpose_version
                or (r.notice_version.number if r.notice_version else None),
                "text_sha256": r.text_sha256,
                "text": texts.get(r.text_sha256, ""),
                "source": r.source,
            }
            for r in records
        ]

    def _json_consent_history(self) -> str:
        self.consent_history = self._consent_history()
        return '"consent_history":' + self.encoder.encode(self.consent_history)

    # -- index.html --------------------------------------------------------------------------

    def _html_section_start(self, section: ReportSection) -> str:
        return render_to_string(
            "wagtail_gdpr/report/section_start.html",
            {"section": section, "rights": RIGHTS},
        )

    def _html_row(self, row) -> str:
        cells = "".join(f"<td>{escape('' if v is None else v)}</td>" for v in row)
        return f"<tr>{cells}</tr>\n"

    def _html_section_end(self, section: ReportSection, shown: int, written: int) -> str:
        return render_to_string(
            "wagtail_gdpr/report/section_end.html",
            {"section": section, "shown": shown, "written": written, "limit": html_row_limit(),
             "csv_name": f"csv/{_safe_name(section.key)}.csv"},
        )  # fmt: skip

    def _write_index(self, rows_path, out):
        head, tail = render_to_string(
            "wagtail_gdpr/report/index.html",
            {
                "generated_at": self.generated_at,
                "dsr": self.dsr,
                "consent_history": self.consent_history,
                "gdpr_settings": GdprSettings.current(),
                "rights": RIGHTS,
                "split_marker": "<!--SECTIONS-->",
            },
        ).split("<!--SECTIONS-->", 1)
        out.write(head.encode("utf-8"))
        with open(rows_path, "rb") as rows:
            while chunk := rows.read(1 << 20):
                out.write(chunk)
        out.write(tail.encode("utf-8"))


def _safe_name(key: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in key)


def _file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def build_access_report(request_id: int) -> str:
    """Run one access request to completion. Safe to call twice, or after a dead worker."""
    dsr, stop = worker_queue.claim_with_member(request_id)
    if stop:
        return stop
    user = dsr.member
    with translation.override(dsr.language or None), tempfile.TemporaryDirectory() as workdir:
        writer = ReportWriter(user, dsr, workdir, partial(worker_queue.heartbeat, request_id))
        try:
            zip_path = writer.write()
        except ExportFailed as exc:
            worker_queue.mark_failed(request_id, str(exc))
            return "failed"
        except Exception as exc:  # e.g. a report-section hook that raised before any row
            worker_queue.mark_failed(request_id, f"writing the report failed: {type(exc).__name__}")
            return "failed"
        size = os.path.getsize(zip_path)
        digest = _file_sha256(zip_path)
        now = timezone.now()
        with transaction.atomic():
            locked = DataSubjectRequest.objects.select_for_update().get(pk=request_id)
            already_written = AccessReport.objects.filter(request=locked).exists()
            if locked.status != DataSubjectRequest.RUNNING or already_written:
                return "skipped"  # another worker took over and finished first
            report = AccessReport(
                request=locked,
                size=size,
                sha256=digest,
                expires_at=now + timedelta(days=GdprSettings.current().report_expiry_days),
            )
            with open(zip_path, "rb") as fh:
                report.file.save("report.zip", File(fh), save=False)
            report.save()
            DataSubjectRequest.objects.filter(pk=request_id).update(
                status=DataSubjectRequest.DONE, completed_at=now, progress=100, heartbeat_at=None
            )
            member_emails.send_after_commit(request_id, "report_ready")
    return "done"


def purge_expired(now=None) -> int:
    """Delete the files of expired reports; the rows stay as the record of delivery."""
    now = now or timezone.now()
    count = 0
    for report in AccessReport.objects.filter(expires_at__lte=now, purged_at__isnull=True):
        if report.file:
            report.file.delete(save=False)
        AccessReport.objects.filter(pk=report.pk).update(file="", purged_at=now)
        count += 1
    return count
