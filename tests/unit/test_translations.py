"""The Welsh catalogue covers the interface: every message marked in the code and templates is in
app/translations/cy/LC_MESSAGES/messages.po, translated, not fuzzy, with the same placeholders;
and no template writes interface text without marking it for translation.

The whole app is checked, with no exemption: the second wave of issue 18 marked the last areas
(the procurement import's problem sentences, the CSV export, and the words the scoring engine
and the snapshot freeze into a hashed result, which are translated where they are shown).
`check` can still leave out paths (`skip_paths`), as the test of the check itself does.
"""

import importlib.util
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("translations", ROOT / "scripts" / "translations.py")
translations = importlib.util.module_from_spec(spec)
sys.modules["translations"] = translations  # dataclasses look their module up there
spec.loader.exec_module(translations)


def test_every_marked_message_has_a_welsh_translation():
    problems = translations.check("cy")
    assert not problems, "\n".join(str(problem) for problem in problems)


TEMPLATES = sorted(
    path.relative_to(ROOT).as_posix()
    for path in (ROOT / "app" / "templates").rglob("*")
    if path.suffix in (".html", ".txt")
)


@pytest.mark.parametrize("template", TEMPLATES, ids=str)
def test_a_template_marks_all_its_text_for_translation(template):
    assert translations.bare_text(ROOT / template) == []


def test_text_written_straight_into_a_template_is_found(tmp_path):
    template = tmp_path / "page.html"
    template.write_text(
        '{% set title = "Unmarked title" %}\n'
        '<h1>{{ _("Marked") }}</h1>\n'
        "<p>Unmarked sentence.</p>\n"
        '<a aria-label="Unmarked label" href="#">{{ _("Marked link") }}</a>\n'
        "{% trans %}A marked block{% endtrans %}\n"
        '<span class="app-code">FR-</span>{{ ngettext("One", "Many %(num)d", n) }}\n',
        encoding="utf-8",
    )
    assert translations.bare_text(template) == [
        "Unmarked title",
        "Unmarked label",
        "Unmarked sentence.",
    ]


def _catalogue(path: Path, entries: dict) -> None:
    catalog = Catalog(locale="cy")
    for message_id, (string, flags) in entries.items():
        catalog.add(message_id, string, flags=flags)
    with path.open("wb") as file:
        write_po(file, catalog)


def test_the_check_reports_missing_untranslated_fuzzy_and_changed_placeholders(
    tmp_path, monkeypatch
):
    po = tmp_path / "cy" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    extracted = Catalog()
    for message in ("Sign in", "Hello %(name)s,", "Fuzzy one", "Left empty", "Missing"):
        extracted.add(message, locations=[("app/templates/x.html", 1)])
    extracted.add("Skipped", locations=[("app/auth/views.py", 3)])
    _catalogue(
        po,
        {
            "Sign in": ("Mewngofnodi", ()),
            "Hello %(name)s,": ("Helo %(enw)s,", ()),
            "Fuzzy one": ("Un niwlog", ("fuzzy",)),
            "Left empty": ("", ()),
        },
    )
    monkeypatch.setattr(translations, "po_path", lambda locale: po)
    monkeypatch.setattr(translations, "extract", lambda: extracted)
    found = {(p.msgid, p.problem.split(" ")[0]) for p in translations.check("cy", ("app/auth/",))}
    assert found == {
        ("Hello %(name)s,", "placeholders"),
        ("Fuzzy one", "marked"),
        ("Left empty", "not"),
        ("Missing", "missing"),
    }


def test_a_welsh_plural_may_leave_out_the_count_but_not_a_name():
    same = translations._same_placeholders
    assert same({"%(module)s"}, {"%(num)d", "%(module)s"}, plural=True)
    assert not same({"%(num)d"}, {"%(num)d", "%(module)s"}, plural=True)
    assert not same({"%(num)d"}, {"%(num)d", "%(module)s"}, plural=False)


def test_the_catalogue_is_marked_as_a_draft_awaiting_review():
    catalog = translations.read_catalog("cy")
    assert "awaiting review by a Welsh speaker" in catalog.language_team
    assert "DRAFT, awaiting review by a Welsh speaker" in catalog.header_comment
