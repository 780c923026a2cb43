"""Finds the site's forms as a browser would: by reading the pages' HTML."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> offered values

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        """Forms posting to the same view with the same fields are one form
        (e.g. the publish button of every idea in a queue)."""
        from django.urls import Resolver404, resolve

        path = self.action.split("?")[0]
        try:
            view = resolve(path).view_name
        except Resolver404:
            view = path
        return (self.method, view, tuple(sorted(self.fields)))


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._current: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = attrs.get("action") or self.page_url
            self._current = Form(action=action, method=(attrs.get("method") or "get").upper())
            return
        if self._current is None:
            return
        name = attrs.get("name")
        if tag in {"input", "textarea", "select"} and name:
            if attrs.get("type") in {"submit", "button", "image", "file"}:
                return
            values = self._current.fields.setdefault(name, [])
            if "value" in attrs and attrs["value"] is not None:
                values.append(attrs["value"])
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select:
            self._current.fields[self._select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None
        elif tag == "select":
            self._select = None


def forms_on(html: str, page_url: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms
