"""Django's makemessages, also reading the storefront's Jinja2 templates (`*.jinja`).

Django turns each Django template into Python source that xgettext reads. A `.jinja` file
gets the same treatment: Jinja2's own extractor finds `_()`, `gettext()`, `ngettext()` and
`{% trans %}`, and each message becomes a call on its template line, so the catalog's
references point at the right lines. `make messages` needs no other tool.
"""

import io

from django.core.management.commands import makemessages
from jinja2.ext import babel_extract

GETTEXT_KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}


def jinja_messages_as_python(source: str) -> str:
    """Python source with one gettext call per message, each on its template line."""
    lines = [""] * (source.count("\n") + 1)
    options = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}
    found = babel_extract(io.BytesIO(source.encode()), GETTEXT_KEYWORDS, [], options)
    for lineno, function, message, _comments in found:
        arguments = message if isinstance(message, tuple) else (message,)
        arguments = tuple(argument for argument in arguments if argument is not None)
        if function in ("_", "gettext"):
            call = f"gettext({arguments[0]!r})"
        elif function == "ngettext":
            call = f"ngettext({arguments[0]!r}, {arguments[1]!r}, 1)"
        elif function == "pgettext":
            call = f"pgettext({arguments[0]!r}, {arguments[1]!r})"
        else:
            call = f"npgettext({arguments[0]!r}, {arguments[1]!r}, {arguments[2]!r}, 1)"
        lines[lineno - 1] += call + "; "
    return "\n".join(lines)


class BuildFile(makemessages.BuildFile):
    def preprocess(self):
        if self.domain == "django" and self.translatable.file.endswith(".jinja"):
            with open(self.path, encoding="utf-8") as template:
                content = jinja_messages_as_python(template.read())
            with open(self.work_path, "w", encoding="utf-8") as work:
                work.write(content)
            return
        super().preprocess()


class Command(makemessages.Command):
    build_file_class = BuildFile

    def handle(self, *args, **options):
        if options.get("domain", "django") == "django":
            options["extensions"] = options.get("extensions") or ["html", "txt", "py", "jinja"]
        return super().handle(*args, **options)
