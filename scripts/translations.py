"""Interface translations: extract the text to translate, update the catalogues, compile them,
and check that each catalogue is complete. `make translations` and `make install` call this;
tests/unit/test_translations.py uses the same functions.

    python scripts/translations.py update    # extract from app/ (babel.cfg), merge into each .po
    python scripts/translations.py compile   # .po -> .mo where the .mo is missing or older
    python scripts/translations.py check     # list msgids missing, untranslated or fuzzy

What is extracted: `_()`, `gettext()`, `ngettext()`, `lazy_gettext()` and `N_()` calls in Python
and Jinja, and `{% trans %}` blocks (see app/util/i18n.py and app/translations/README.md).
"""

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "app" / "translations"
LOCALES = ("cy",)
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def extract() -> Catalog:
    """Every message marked for translation in app/, with the files and lines it comes from."""
    with (ROOT / "babel.cfg").open() as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    catalog = Catalog(project="Privacy Toolkit for Schools", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        catalog.add(
            message,
            None,
            [(filename, lineno)],
            auto_comments=comments,
            context=context,
            flags=_flags(message),
        )
    return catalog


def _flags(message: str | tuple) -> tuple[str, ...]:
    texts = message if isinstance(message, tuple) else (message,)
    return ("python-format",) if any(PLACEHOLDER.search(text) for text in texts) else ()


def read_catalog(locale: str) -> Catalog:
    with po_path(locale).open("rb") as file:
        return read_po(file, locale=locale)


def update() -> None:
    """Merge newly extracted messages into each catalogue, keeping every translation made."""
    template = extract()
    for locale in LOCALES:
        catalog = read_catalog(locale)
        catalog.update(template, no_fuzzy_matching=True)
        with po_path(locale).open("wb") as file:
            write_po(file, catalog, width=100, sort_output=False, ignore_obsolete=True)


def compile_catalogues(force: bool = False) -> list[Path]:
    """Write each locale's .mo where it is missing or older than its .po; returns those written."""
    written = []
    for locale in LOCALES:
        po = po_path(locale)
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalog = read_catalog(locale)
        temporary = mo.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as file:
            write_mo(file, catalog)
        temporary.replace(mo)  # atomic: a test run or a server starting never reads half a file
        written.append(mo)
    return written


@dataclass(frozen=True)
class Problem:
    msgid: str
    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}: {self.msgid!r}"


def placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text) if match.group(0) != "%%")


def check(locale: str, skip_paths: tuple[str, ...] = ()) -> list[Problem]:
    """What a catalogue lacks for the messages in the code: each msgid present, translated
    (not empty, not fuzzy) and with the same placeholders. Messages found only in files under
    `skip_paths` are left out."""
    catalog = read_catalog(locale)
    problems = []
    for message in extract():
        if not message.id:
            continue
        places = [path for path, _ in message.locations]
        if places and all(path.startswith(skip_paths) for path in places):
            continue
        where = "{}:{}".format(*message.locations[0]) if message.locations else "?"
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        translated = catalog.get(message.id, context=message.context)
        if translated is None:
            problems.append(Problem(key, where, "missing from the catalogue"))
            continue
        if translated.fuzzy:
            problems.append(Problem(key, where, "marked fuzzy (check the translation)"))
        strings = (
            translated.string if isinstance(translated.string, tuple) else (translated.string,)
        )
        if not all(strings):
            problems.append(Problem(key, where, "not translated"))
            continue
        originals = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = set().union(*(placeholders(text) for text in originals))
        for text in strings:
            if not _same_placeholders(set(placeholders(text)), expected, plural=len(originals) > 1):
                problems.append(Problem(key, where, f"placeholders differ in {text!r}"))
    return problems


def _same_placeholders(found: set[str], expected: set[str], *, plural: bool) -> bool:
    """The same placeholders; a plural form may leave out the count (Welsh "un", "dau")."""
    if not plural:
        return found == expected
    return found <= expected and expected - found <= {"%(num)d", "%(num)s"}


# Interface text written straight into a template, not through `_()` or `{% trans %}`.
_TAG = re.compile(r"<!--.*?-->|<(script|style|svg)\b.*?</\1>|<[^>]*>", re.DOTALL)
_TEXT_ATTRIBUTE = re.compile(
    r'\b(?:aria-label|title|alt|placeholder|data-label)="([^"{]*[A-Za-z][^"{]*)"'
)
# An attribute outside a tag (macros write `lang="en-GB"`), a code (FR-, PDF), an email header.
_NOT_TEXT = r'[\w-]+="[^"\x00]*"?|[\w-]+="?|[A-Z0-9-]+|Subject:'
_ENTITY = re.compile(r"&[a-z]+;|&#\d+;")


_JINJA = re.compile(
    r"\{#.*?#\}|\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}|\{\{.*?\}\}|\{%.*?%\}", re.DOTALL
)


# A quoted phrase in a Jinja expression ('No due date'), unless it is the argument of a gettext
# call; lower-case literals (ids, CSS classes, keys) are not interface text.
_LITERAL = re.compile(r"""(?<!\w)(['"])([A-Z][a-z][^'"]*)\1""")
_MARKED_PLURAL = re.compile(r"""\bngettext\(\s*(['"]).*?\1\s*,\s*(['"]).*?\2""", re.DOTALL)
_MARKED_LITERAL = re.compile(r"""\b(?:_|gettext|ngettext|lazy_gettext)\(\s*(['"])(?:(?!\1).)*\1""")


def bare_text(template: Path) -> list[str]:
    """Text in a template that would show untranslated: words in the HTML outside Jinja
    expressions, tags and `{% trans %}` blocks, human-readable attributes, and phrases quoted in
    Jinja expressions outside a gettext call."""
    raw = template.read_text(encoding="utf-8")
    found = []
    for block in _JINJA.finditer(raw):
        code = block.group(0)
        if code.startswith(("{#", "{% trans", "{%- trans")):
            continue
        unmarked = _MARKED_PLURAL.sub("", code)
        unmarked = _MARKED_LITERAL.sub("", unmarked)
        unmarked = re.sub(r"\b(?:_|gettext|ngettext)\([^()]*\)", "", unmarked)
        found += [
            match.group(2)
            for match in _LITERAL.finditer(unmarked)
            if not re.fullmatch(r"(?:[A-Z][a-z]+){2,}", match.group(2))  # a class name
        ]
    source = _JINJA.sub("\x00", raw)
    found += [match.group(1).strip() for match in _TEXT_ATTRIBUTE.finditer(source)]
    text = _ENTITY.sub(" ", _TAG.sub(" ", source))
    for part in re.split(r"\x00|\n|\s{2,}", text):
        part = part.strip()
        if re.search("[A-Za-z]{2,}", part) and not re.fullmatch(_NOT_TEXT, part):
            found.append(part)
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "update":
        update()
    elif command == "compile":
        for path in compile_catalogues(force="--force" in argv):
            print(f"compiled {path.relative_to(ROOT)}")
    elif command == "check":
        problems = [problem for locale in LOCALES for problem in check(locale)]
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s).")
        return 1 if problems else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
