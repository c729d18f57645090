"""The parts of a module's card on My training that depend only on the module and the reader's
language (its linked title, summary, minutes and translation tag), rendered once per module
and language and kept in the process: they are content, never personal data. A page
lists every module, so this is most of what it would otherwise render again on each request."""

from typing import Any

from flask import current_app
from markupsafe import Markup

from app.util.i18n import current_locale

PARTS_TEMPLATE = "training/_module_card_parts.html"
_rendered: dict[tuple, dict[str, Markup]] = {}


def module_card_parts(module: Any) -> dict[str, Markup]:
    """{"head": the card's title and summary, "meta": its minutes and translation tags}."""
    # Everything the parts print, so a changed (or a test's) module never gets another's.
    key = (module.id, module.title, module.summary, module.estimated_minutes, module.cpd_minutes,
           module.language, module.translation_status, current_locale())  # fmt: skip
    parts = _rendered.get(key)
    if parts is None:
        macros: Any = current_app.jinja_env.get_template(PARTS_TEMPLATE).module
        # A macro of an autoescaped template returns Markup, its values already escaped.
        parts = {"head": macros.head(module), "meta": macros.meta(module)}
        _rendered[key] = parts
    return parts
