"""The access report: every declared row of a member, streamed into a ZIP in private storage.

The ZIP holds ``data.json`` (for machines: ISO 8601 times with offset, codes beside their
labels; schema in the docs), one CSV per kind of data named for it (``csv/orders.csv``),
``index.html`` (for people: readable offline by anyone, in words, with the GDPR Art. 15 facts)
and ``manifest.json`` with the SHA-256 of every other file. Rows are read in chunks and written
straight to disk, so memory does not grow with the member's data.
"""

from __future__ import annotations

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
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail import hooks

from wagtail_gdpr import inventory, readable, spreadsheets
from wagtail_gdpr.access import formatted_rows
from wagtail_gdpr.conf import app_settings
from wagtail_gdpr.connectors import copies as connector_copies
from wagtail_gdpr.consent.ledger import history_in_words
from wagtail_gdpr.registry import PersonalData, registry, verified_emails
from wagtail_gdpr.requests import member_emails, worker_queue
from wagtail_gdpr.rights import RIGHTS
from wagtail_gdpr.tables import AccessReport, DataSubjectRequest, GdprSettings

#: 2: sections keyed by the data's name, rows of machine values (ISO 8601 with offset, codes
#: beside labels), "fields", "model" and each row's "kept until".
FORMAT_VERSION = 2
CHUNK_SIZE = 2000


class ExportFailed(Exception):
    """A section could not be exported; the report is abandoned rather than left partial."""


@dataclass
class ReportSection:
    """One part of the report. Integrators return these from ``wagtail_gdpr_report_sections``.

    ``rows`` is any iterable of sequences matching ``columns``; it is consumed once.
    """

    #: Names the data: the CSV file (``csv/<key>.csv``) and the section in data.json.
    key: str
    name: str
    columns: list[str]
    rows: Iterable
    facts: dict = field(default_factory=dict)
    count: int | None = None
    #: Unused since format 2 (every value is written in its reader's form); kept for hooks.
    json_columns: list[int] = field(default_factory=list)
    #: For machines: the model and its field names (declared sections).
    model: str = ""
    fields: list[str] = field(default_factory=list)
    #: How a declared section's rows read (:class:`readable.Columns`); ``None`` for a hook's.
    reader: readable.Columns | None = None
    #: Footnotes of the section's table.
    notes: list[str] = field(default_factory=list)
    #: A declared section's rows, unevaluated: on PostgreSQL the database may write them
    #: (:mod:`formatted_rows`), and ``rows`` is then read only for the rows people read.
    queryset: Any = None

    @property
    def csv_name(self) -> str:
        return f"csv/{_safe_name(self.key)}.csv"


def html_row_limit() -> int:
    return int(app_settings.REPORT_HTML_ROWS)


def data_keys(declarations: list[PersonalData]) -> dict[str, str]:
    """``{activity key: key}``: each kind of data named for what it is ("orders"), in the site's
    language so that the names are stable; the app is added where two names meet, and a number
    where they still do (two forms of one slug, in two languages of the site)."""
    with translation.override(settings.LANGUAGE_CODE):
        names = {d.activity_key: slugify(d.data_name) for d in declarations}
    taken = list(names.values())
    keys, used = {}, set()
    for label, name in names.items():
        key = name if taken.count(name) == 1 else f"{name}-{label.split('.')[0].lower()}"
        unique, number = key, 1
        while unique in used:
            number += 1
            unique = f"{key}-{number}"
        used.add(unique)
        keys[label] = unique
    return keys


def declared_sections(user) -> list[ReportSection]:
    emails = list(verified_emails(user))
    declarations = registry.member_activities()
    keys = data_keys(declarations)
    sections = []
    for declaration in declarations:
        reader = readable.Columns(declaration)
        queryset = declaration.rows_for(user, emails)
        columns = reader.labels + ([_("Kept until")] if reader.kept_from else [])
        fields = reader.names + (["kept_until"] if reader.kept_from else [])
        rows = queryset.values_list(*reader.values_names())
        sections.append(
            ReportSection(
                key=keys[declaration.activity_key],
                name=declaration.display_name,
                columns=columns,
                rows=rows.iterator(chunk_size=CHUNK_SIZE),
                facts=inventory.describe(declaration),
                count=queryset.count(),
                model=declaration.model_label,
                fields=fields,
                reader=reader,
                notes=reader.notes,
                queryset=queryset,
            )
        )
    return sections


def _row_forms(section: ReportSection, rows, people_rows: int):
    """Each row of a section as ``(for people, for spreadsheets, for machines)``.

    Only the first ``people_rows`` rows are shown to people (index.html); the others get
    ``None`` there, so a member with a million rows does not pay for words nobody reads.
    """
    reader = section.reader
    if reader is None:
        for index, row in enumerate(rows):
            yield (
                [readable.in_words(v) for v in row] if index < people_rows else None,
                [readable.for_spreadsheets(v) for v in row],
                [readable.for_machines(v) for v in row],
            )
        return
    index = 0
    for batch in readable.batches(rows, CHUNK_SIZE):
        reader.prepare(batch)
        for row in batch:
            people = reader.for_people(row) if index < people_rows else None
            spreadsheet, machine = reader.for_files(row)
            if reader.kept_from:
                until = reader.kept_until(row)
                if people is not None:
                    people.append(readable.in_words(until))
                spreadsheet.append(readable.for_spreadsheets(until))
                machine.append(readable.for_machines(until))
            index += 1
            yield people, spreadsheet, machine


def connected_system_sections(dsr: DataSubjectRequest) -> list[ReportSection]:
    """What the company's other systems sent, each labelled with the system's name."""
    return [ReportSection(**section) for section in connector_copies.sections(dsr.pk)]


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
        sections = (
            declared_sections(self.user)
            + connected_system_sections(self.dsr)
            + hook_sections(self.user)
        )
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
                    writer = spreadsheets.writer(text)
                    writer.writerow(section.columns)
                    data_json.write(self._json_section_start(section))
                    limit = html_row_limit()

                    def take(blocks, beat: bool):
                        nonlocal done, last_beat, written
                        for lines, json_rows, count in blocks:
                            text.write(lines)
                            data_json.write(json_rows if not written else "," + json_rows)
                            done += count
                            written += count
                            if beat and time.monotonic() - last_beat > 2:
                                self.on_progress(int(90 * done / total))
                                last_beat = time.monotonic()

                    # Where the database writes the rows, it reads them, their labels and their
                    # days in one snapshot; its connection takes no other query while they
                    # stream, so the heartbeat waits for the section's end (the lease covers
                    # millions of rows: a few µs each).
                    with formatted_rows.snapshot(section.queryset) as may_write:
                        in_one_statement = may_write and formatted_rows.formatter(
                            section.reader, section.queryset
                        )
                        if in_one_statement:
                            names = section.reader.values_names()
                            people = section.queryset.values_list(*names)[:limit]
                            for cells, _sheet, _json in _row_forms(section, people, limit):
                                html_rows.write(self._html_row(cells))
                                shown += 1
                            take(in_one_statement(), beat=False)
                    if in_one_statement:
                        self.on_progress(int(90 * done / total))
                        last_beat = time.monotonic()
                    else:  # Python writes each row, beating as it goes
                        rows = _row_forms(section, section.rows, people_rows=limit)
                        take(self._one_by_one(writer, rows, html_rows, limit), beat=True)
                        shown = min(written, limit)
                    data_json.write("]}")
                    text.flush()
                    text.detach()

                try:
                    self._add_entry(archive, section.csv_name, write_csv)
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

    def _one_by_one(self, writer, rows, html_rows, limit: int):
        """The general path: each row written by Python, its CSV line straight to ``writer``,
        yielded as blocks the shape :mod:`formatted_rows` gives (no CSV text, JSON rows)."""
        shown = 0
        for people, spreadsheet, machine in rows:
            writer.writerow(spreadsheet)
            if shown < limit:
                html_rows.write(self._html_row(people))
                shown += 1
            yield "", self.encoder.encode(machine), 1

    # -- data.json ---------------------------------------------------------------------------

    def _json_header(self) -> str:
        head = {
            "format": "wagtail-gdpr access report",
            "format_version": FORMAT_VERSION,
            "generated_at": readable.for_machines(self.generated_at),
            "time_zone": timezone.get_current_timezone_name(),
            "language": translation.get_language(),
            "request_id": self.dsr.pk,
            "member_id": self.user.pk,
        }
        return self.encoder.encode(head)[:-1] + ',"sections":['

    def _json_section_start(self, section: ReportSection) -> str:
        meta = self.encoder.encode(
            {"key": section.key, "model": section.model or None, "name": section.name,
             "facts": section.facts, "columns": section.columns,
             "fields": section.fields or None}
        )  # fmt: skip
        return meta[:-1] + ',"rows":['

    def _consent_history(self) -> list[dict]:
        """Every ledger line, with the words agreed to first and their fingerprint after."""
        return history_in_words(self.user)

    def _json_consent_history(self) -> str:
        self.consent_history = self._consent_history()
        for_machines = []
        for entry in self.consent_history:
            entry = dict(entry)
            action_label, source_label = entry.pop("action_label"), entry.pop("source_label")
            entry["time"] = readable.for_machines(entry["time"])
            entry["action"] = {"code": entry["action"], "label": action_label}
            entry["source"] = {"code": entry["source"], "label": source_label}
            for_machines.append(entry)
        return '"consent_history":' + self.encoder.encode(for_machines)

    # -- index.html --------------------------------------------------------------------------

    def _html_section_start(self, section: ReportSection) -> str:
        return render_to_string(
            "wagtail_gdpr/report/section_start.html",
            {"section": section, "rights": RIGHTS},
        )

    def _html_row(self, cells) -> str:
        cells = (escape(v).replace("\n", "<br>") for v in cells)
        return "<tr>" + "".join(f"<td>{v}</td>" for v in cells) + "</tr>\n"

    def _html_section_end(self, section: ReportSection, shown: int, written: int) -> str:
        return render_to_string(
            "wagtail_gdpr/report/section_end.html",
            {"section": section, "shown": shown, "written": written, "limit": html_row_limit(),
             "csv_name": section.csv_name},
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
    """Run one access request to completion. Safe to call twice, or after a dead worker.

    It waits (``"waiting"``) while a connected system may still answer: the answer, the
    system's deadline or the periodic sweep sends the request here again.
    """
    connector_copies.close_overdue(request_id)
    if connector_copies.must_wait(request_id):
        return "waiting"
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
        try:
            return _store(request_id, zip_path, size, digest)
        except Exception as exc:  # the storage or the database failed: say so, keep no file
            worker_queue.mark_failed(request_id, f"storing the copy failed: {type(exc).__name__}")
            return "failed"


def _store(request_id: int, zip_path: str, size: int, digest: str) -> str:
    """Keep the written ZIP in the private storage and mark the request done, or neither.

    The file's name is chosen first, so that when the storage fails half-way (a full disk, a
    lost bucket) or the database refuses the row, the part already written is removed.
    """
    now = timezone.now()
    storage = AccessReport._meta.get_field("file").storage
    written = set()
    try:
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
            field = AccessReport._meta.get_field("file")
            name = storage.get_available_name(field.generate_filename(report, "report.zip"))
            written.add(name)
            with open(zip_path, "rb") as fh:
                report.file.name = storage.save(name, File(fh))
            written.add(report.file.name)
            report.save()
            DataSubjectRequest.objects.filter(pk=request_id).update(
                status=DataSubjectRequest.DONE, completed_at=now, progress=100, heartbeat_at=None
            )
            member_emails.send_after_commit(request_id, "report_ready")
    except BaseException:
        for name in written:  # nothing committed: no file either, not even half of one
            if storage.exists(name):
                storage.delete(name)
        raise
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
