"""Reads a page's form as a browser would submit it unchanged: inputs with their values,
checked boxes, the selected option, textareas. For tests that save a form as shown."""

from html.parser import HTMLParser


class Form:
    def __init__(self, attrs: dict):
        self.attrs = attrs
        self.fields: list[tuple[str, str]] = []
        self.inputs: dict[str, dict] = {}

    def names(self) -> set[str]:
        return {name for name, _ in self.fields} | set(self.inputs)


class FormReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self.inside = False
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append(Form(attrs))
            self.inside = True
        if not self.inside:
            return
        form = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name:
            form.inputs[name] = attrs
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file", "image"):
                form.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._first_option, self._selected = name, None, False
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                form.fields.append((self._select, value))
                self._selected = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            if not self._selected and self._first_option is not None:
                self.forms[-1].fields.append((self._select, self._first_option))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.forms[-1].fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def read_form(html: str, containing: str) -> Form:
    """The page's form that has a field named `containing`."""
    reader = FormReader()
    reader.feed(html)
    found = [form for form in reader.forms if containing in form.names()]
    assert found, f"no form with a field {containing!r}"
    return found[0]


def form_data(html: str, containing: str) -> dict[str, list[str]]:
    """The fields of the form holding `containing`, as a browser posts them unchanged."""
    data: dict[str, list[str]] = {}
    for name, value in read_form(html, containing).fields:
        data.setdefault(name, []).append(value)
    return data
