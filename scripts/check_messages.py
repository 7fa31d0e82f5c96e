#!/usr/bin/env python3
"""Check that the committed translation catalogues are up to date with the code.

Runs ``makemessages`` on a temporary copy of ``wagtail_gdpr/`` (the working tree is never
written to), then compares the messages it finds with each committed
``wagtail_gdpr/locale/<lang>/LC_MESSAGES/django.po``. Headers (``POT-Creation-Date`` and the
rest) and ``#:`` line references are ignored: only the set of messages counts.

Fails (exit status 1), listing each one, when

- the code has a message that the catalogue lacks (new: run makemessages and translate it),
- the catalogue has a message the code no longer uses (removed: run makemessages --no-obsolete),
- a message of the catalogue is untranslated or fuzzy (unless ``--ids-only``).

Usage, from the repository root::

    .venv/bin/python scripts/check_messages.py            # every committed language
    .venv/bin/python scripts/check_messages.py -l sv      # one language
    .venv/bin/python scripts/check_messages.py --ids-only # only new and removed messages

Needs GNU gettext (xgettext, msguniq, msgmerge), as makemessages does.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "wagtail_gdpr"
LOCALE = PACKAGE / "locale"


def read_po(path: Path) -> dict[tuple, dict]:
    """``{(msgctxt, msgid, msgid_plural): entry}``; entry has msgstr (list), flags, refs."""
    entries: dict[tuple, dict] = {}
    entry: dict | None = None
    key = None

    def flush():
        if entry is not None and "msgid" in entry and not entry["obsolete"]:
            ident = (entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural"))
            entries[ident] = entry

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "refs": [], "msgstr": {}, "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#:"):
            entry["refs"].extend(line[2:].split())
        elif line.startswith("#"):
            pass
        else:
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
            if match:
                name, index, value = match.groups()
                value = ast.literal_eval(value)
                if name.startswith("msgstr"):
                    key = int(index or 0)
                    entry["msgstr"][key] = value
                else:
                    key = name
                    entry[name] = value
            elif line.startswith('"') and key is not None:
                value = ast.literal_eval(line)
                if isinstance(key, int):
                    entry["msgstr"][key] += value
                else:
                    entry[key] += value
            else:
                raise SystemExit(f"{path}: cannot read line {raw!r}")
    flush()
    entries.pop((None, "", None), None)  # the header
    return entries


def describe(ident: tuple, entry: dict) -> str:
    msgctxt, msgid, plural = ident
    text = repr(msgid)
    if plural is not None:
        text += f" / plural {plural!r}"
    if msgctxt is not None:
        text = f"[{msgctxt}] {text}"
    refs = entry.get("refs") or []
    if refs:
        shown = ", ".join(f"wagtail_gdpr/{ref}" for ref in refs[:3])
        text += f"  ({shown}{', ...' if len(refs) > 3 else ''})"
    return text


def extract(languages: list[str]) -> dict[str, dict[tuple, dict]]:
    """Run makemessages on a fresh copy of the package; the messages found, per language."""
    import django
    from django.conf import settings
    from django.core.management import call_command

    if not settings.configured:
        settings.configure(USE_I18N=True, INSTALLED_APPS=[], LANGUAGE_CODE="en")
        django.setup()

    found = {}
    with tempfile.TemporaryDirectory(prefix="wagtail-gdpr-messages-") as tmp:
        copy = Path(tmp) / "wagtail_gdpr"
        shutil.copytree(
            PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc")
        )
        (copy / "locale").mkdir()
        here = Path.cwd()
        os.chdir(copy)
        try:
            call_command("makemessages", locale=languages, no_obsolete=True, verbosity=0)
        finally:
            os.chdir(here)
        for language in languages:
            found[language] = read_po(copy / "locale" / language / "LC_MESSAGES" / "django.po")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-l", "--locale", action="append", help="language to check (default: every committed one)"
    )
    parser.add_argument(
        "--ids-only", action="store_true", help="only compare messages, not their translations"
    )
    args = parser.parse_args(argv)

    languages = args.locale or sorted(
        p.parent.parent.name for p in LOCALE.glob("*/LC_MESSAGES/django.po")
    )
    if not languages:
        print(f"No catalogues under {LOCALE.relative_to(REPO)}.", file=sys.stderr)
        return 1

    extracted = extract(languages)
    problems = 0
    for language in languages:
        po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
        shown_path = po_path.relative_to(REPO)
        if not po_path.exists():
            print(f"{shown_path}: missing; run makemessages -l {language}")
            problems += 1
            continue
        committed = read_po(po_path)
        code = extracted[language]
        new = [ident for ident in code if ident not in committed]
        removed = [ident for ident in committed if ident not in code]
        for ident in new:
            print(
                f"{shown_path}: new message, not in the catalogue: {describe(ident, code[ident])}"
            )
        for ident in removed:
            print(f"{shown_path}: removed message, no longer in the code: {ident[1]!r}")
        problems += len(new) + len(removed)
        if not args.ids_only:
            for ident, entry in committed.items():
                if ident in removed:
                    continue
                if "fuzzy" in entry["flags"]:
                    print(f"{shown_path}: fuzzy: {describe(ident, entry)}")
                    problems += 1
                elif not entry["msgstr"] or not all(s.strip() for s in entry["msgstr"].values()):
                    print(f"{shown_path}: untranslated: {describe(ident, entry)}")
                    problems += 1
        print(f"{shown_path}: {len(committed)} messages in the catalogue, {len(code)} in the code.")

    if problems:
        print(
            f"\n{problems} problem(s). To fix: cd wagtail_gdpr && "
            "DJANGO_SETTINGS_MODULE=tests.settings PYTHONPATH=.. "
            "../.venv/bin/django-admin makemessages -l <lang> --no-obsolete, translate, then "
            "../.venv/bin/django-admin compilemessages",
            file=sys.stderr,
        )
        return 1
    print("Translation catalogues are up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
