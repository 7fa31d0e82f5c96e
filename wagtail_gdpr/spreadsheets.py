"""Files safe to open in a spreadsheet: every CSV and XLSX the add-on writes or serves.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
spreadsheet programs as a formula, and a formula can fetch a web page or run a command when a
privacy officer opens the file. Such text (a user agent, a name a member typed) is neutralised
as OWASP advises for CSV injection: a leading apostrophe makes the spreadsheet show it as text.
Numbers, and text that is only a number (``-12.5``), are left as they are. data.json keeps the
true values: only what a spreadsheet reads goes through here.
"""

from __future__ import annotations

import csv
import re

#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?[0-9][0-9,.]*$")


def safe_cell(value):
    """``value`` as a spreadsheet must receive it: text that starts a formula is neutralised."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if PLAIN_NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value


def safe_row(row):
    """A list of cells, each made safe."""
    return [safe_cell(value) for value in row]


class _SafeWriter:
    """``csv.writer`` whose every cell passes :func:`safe_cell`."""

    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


class _SafeDictWriter(csv.DictWriter):
    """``csv.DictWriter`` whose every cell passes :func:`safe_cell`."""

    def _dict_to_list(self, rowdict):
        return safe_row(super()._dict_to_list(rowdict))


def writer(out, **kwargs) -> _SafeWriter:
    """A CSV writer of rows (lists) whose cells are safe to open in a spreadsheet."""
    return _SafeWriter(out, **kwargs)


def dict_writer(out, fieldnames, **kwargs) -> csv.DictWriter:
    """A CSV writer of rows (dicts) whose cells are safe to open in a spreadsheet."""
    return _SafeDictWriter(out, fieldnames, **kwargs)
