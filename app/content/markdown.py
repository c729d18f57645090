"""Lesson Markdown to safe, accessible HTML: markdown-it-py (CommonMark + tables), callout
containers (`::: key-point`, `::: in-your-school`), GOV.UK Frontend classes, then nh3.

Raw HTML in a lesson is never passed through: markdown-it escapes it (html=False) and nh3 removes
anything outside a short allow-list, so no script, style or event handler survives. Tables lose
markdown-it's `style="text-align"` (the CSP forbids inline styles), get header scopes, and each
body cell carries its column's header as `data-label` so a phone can stack the table.
"""

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

CALLOUTS = {"key-point": "Key point", "in-your-school": "In your school"}
# A callout's label is part of the lesson's words, so it is in the lesson's language.
CALLOUT_LABELS = {
    "en": CALLOUTS,
    "cy": {"key-point": "Pwynt allweddol", "in-your-school": "Yn eich ysgol"},
}

_CLASSES = {
    "paragraph_open": "govuk-body",
    "bullet_list_open": "govuk-list govuk-list--bullet",
    "ordered_list_open": "govuk-list govuk-list--number",
    "table_open": "govuk-table app-table-stack",
    "thead_open": "govuk-table__head",
    "tbody_open": "govuk-table__body",
    "tr_open": "govuk-table__row",
    "th_open": "govuk-table__header",
    "td_open": "govuk-table__cell",
    "link_open": "govuk-link",
    "blockquote_open": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--visible govuk-section-break--m",
}
_HEADING_CLASSES = {
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "h5": "govuk-heading-s",
    "h6": "govuk-heading-s",
}

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code", "pre", "a",
    "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "div", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class"},
    "a": {"href", "title"},
    "th": {"scope"},
    "td": {"data-label"},
    "ol": {"start"},
}

_CONTAINER_LINE = re.compile(r"^\s{0,3}(:{3,})\s*(\S*)\s*$")


def _label_table_cells(tokens: list[Token]) -> None:
    """Give each body cell its column's header text as `data-label`, which a phone shows before
    the value when the table is stacked into one block per row (`.app-table-stack`)."""
    headers: list[str] = []
    column = 0
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            headers = []
        elif token.type == "th_open" and index + 1 < len(tokens):
            headers.append(_plain_text(tokens[index + 1]))
        elif token.type == "tr_open":
            column = 0
        elif token.type == "td_open":
            if column < len(headers) and headers[column]:
                token.attrSet("data-label", headers[column])
            column += 1


def _plain_text(inline: Token) -> str:
    return "".join(child.content for child in inline.children or () if child.content).strip()


def _add_classes(state) -> None:
    """Core rule: give every block the GOV.UK class it needs; tables lose inline alignment and
    their cells are labelled with their column's header."""
    _label_table_cells(state.tokens)
    for token in _walk(state.tokens):
        css = _CLASSES.get(token.type)
        if token.type == "heading_open":
            css = _HEADING_CLASSES.get(token.tag)
        if css:
            token.attrJoin("class", css)
        if token.type in ("th_open", "td_open") and token.attrs.get("style"):
            del token.attrs["style"]
        if token.type == "th_open":
            token.attrSet("scope", "col")
        if token.type == "paragraph_open" and token.hidden:
            token.attrs.pop("class", None)


def _walk(tokens: list[Token]):
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _render_callout(name: str, language: str):
    label = CALLOUT_LABELS[language][name]

    def render(self, tokens, idx, options, env) -> str:
        if tokens[idx].nesting == 1:
            return (
                f'<div class="app-callout app-callout--{name}">'
                f'<p class="app-callout__label govuk-body"><strong>{label}</strong></p>\n'
            )
        return "</div>\n"

    return render


def _parser(language: str) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    for name in CALLOUTS:
        md.use(container_plugin, name=name, render=_render_callout(name, language))
    md.core.ruler.push("govuk_classes", _add_classes)
    return md


_PARSERS = {language: _parser(language) for language in CALLOUT_LABELS}


def render_markdown(text: str, language: str = "en") -> str:
    """Markdown source to sanitised HTML (safe to mark as `Markup` in templates); callout labels
    in `language`."""
    html = _PARSERS[language].render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "mailto"},
        link_rel="noopener noreferrer",
    )


def callout_problems(text: str) -> list[str]:
    """Mistakes in `:::` callout lines that Markdown would silently show as plain text."""
    problems, depth = [], 0
    for number, line in enumerate(text.splitlines(), start=1):
        match = _CONTAINER_LINE.match(line)
        if not match:
            continue
        name = match.group(2)
        if not name:
            if depth == 0:
                problems.append(f"line {number}: ':::' closes a callout that was never opened")
            depth = max(depth - 1, 0)
        elif name in CALLOUTS:
            depth += 1
        else:
            known = ", ".join(f"'::: {known}'" for known in CALLOUTS)
            problems.append(f"line {number}: unknown callout '::: {name}' (use {known})")
            depth += 1  # its closing ':::' is then not reported a second time
    if depth:
        problems.append("a ':::' callout is not closed (end it with a line holding ':::')")
    return problems
