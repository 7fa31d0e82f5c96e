"""Read HTML forms as a browser does, to submit them with their defaults and a few changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: list[list] = field(default_factory=list)  # [name, type, value, checked]
    text: str = ""  # the words inside the form (labels, buttons)

    def data(self, overrides: dict | None = None, check_all: bool = False) -> dict:
        """What submitting the form sends: hidden and filled fields, checked boxes, overrides."""
        sent: dict = {}
        for name, kind, value, checked in self.fields:
            if kind in ("checkbox", "radio"):
                if not (checked or (check_all and kind == "checkbox")):
                    continue
                value = value or "on"
            elif kind in ("submit", "button", "reset"):
                continue
            sent.setdefault(name, value)
        sent.update(overrides or {})
        return sent

    def names(self) -> list[str]:
        return [f[0] for f in self.fields]


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: list | None = None
        self._select: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form(a.get("action") or "", (a.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            self._form.fields.append([a["name"], kind, a.get("value") or "", "checked" in a])
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], "textarea", "", False]
            self._form.fields.append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], "select", None, False]
            self._form.fields.append(self._select)
        elif (
            tag == "option"
            and self._select is not None
            and (self._select[2] is None or "selected" in a)
        ):
            self._select[2] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            if self._select is not None and self._select[2] is None:
                self._select[2] = ""
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[2] += data
        if self._form is not None:
            self._form.text += data


def read_forms(html: str) -> list[Form]:
    reader = _FormReader()
    reader.feed(html)
    return reader.forms
