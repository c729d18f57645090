"""Welsh and English: Flask-Babel wiring, which language a request is in, and the switch.

The language of a request is, in order: the signed-in user's saved choice (`User.locale`), the
choice kept in the session (the cookie the app already sets: someone not signed in can switch
too), else English. The switch (`main.switch_language`) saves both. Templates get `locale` ("en"
or "cy"), `html_lang` for `lang` attributes (pages and PDFs) and `language_switch` for the link
to the other language.

Catalogues: `app/translations/<locale>/LC_MESSAGES/messages.po`, compiled to `.mo` by
`make translations-compile` (part of `make install`); see app/translations/README.md.
"""

from typing import Any

from flask import Flask, g, has_app_context, has_request_context, request, session, url_for
from flask.json.provider import DefaultJSONProvider
from flask_babel import Babel, force_locale, get_locale, get_translations
from flask_login import current_user, user_logged_in
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from app.util import i18n
from app.util.i18n import DEFAULT_LOCALE, LANGUAGE_NAMES, SUPPORTED_LOCALES

SESSION_KEY = "locale"
URL_KEY = "lang"  # public pages: ?lang=cy (see `language_from_url`)
babel = Babel()

# The `lang` attribute for each locale: British English, Welsh.
HTML_LANG = {"en": "en-GB", "cy": "cy"}
# Pages whose text is not translated yet: on a Welsh page their main content is marked English,
# so a screen reader reads it in an English voice. None is left since issue 18's second wave;
# a new blueprint goes here until its templates are translated (tests/unit/test_translations.py).
UNTRANSLATED_BLUEPRINTS: frozenset[str] = frozenset()


def select_locale() -> str | None:
    if not has_request_context():
        return None  # a CLI command or job: English unless a block asks (`i18n.in_locale`)
    if g.get("language_from_url"):
        chosen = request.args.get(URL_KEY)
        return chosen if chosen in SUPPORTED_LOCALES else None
    try:
        saved = current_user.locale if current_user.is_authenticated else None
    except SQLAlchemyError:
        saved = None  # the error page for a lost database still renders, in the session's language
    if saved in SUPPORTED_LOCALES:
        return saved
    chosen = session.get(SESSION_KEY)
    return chosen if chosen in SUPPORTED_LOCALES else None


def _adopt_session_choice(app: Flask, user, **extra: object) -> None:
    """Someone who chose a language before signing in (on the start or sign-in page) keeps it:
    it becomes their saved choice unless they had one."""
    chosen = session.get(SESSION_KEY)
    if user.locale is None and chosen in SUPPORTED_LOCALES:
        from app.models import db

        user.locale = chosen
        db.session.commit()


def current_locale() -> str:
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LOCALE


def language_from_url() -> None:
    """For pages that must be the same bytes for everyone at one address (the public families'
    pages, kept by shared caches): the language is `?lang=cy` in the address, never the session,
    and the switch is a plain link."""
    g.language_from_url = True


def language_switch() -> dict:
    """The other language's code and name, and where the switch goes: the page to come back to
    (a POST that saves the choice), or on a public page the same page in the other language."""
    other = "en" if current_locale() == "cy" else "cy"
    switch = {"lang": other, "name": LANGUAGE_NAMES[other], "hreflang": HTML_LANG[other]}
    if g.get("language_from_url"):
        arguments: dict = {**(request.view_args or {}), **request.args.to_dict(), URL_KEY: other}
        if other == DEFAULT_LOCALE:
            arguments.pop(URL_KEY)
        return switch | {"href": url_for(str(request.endpoint), **arguments)}
    return switch | {"next": request.full_path.rstrip("?")}


def in_page_language(endpoint: str, **values: Any) -> str:
    """A link to another public page in this page's language (`?lang=cy` when Welsh)."""
    if g.get("language_from_url") and current_locale() != DEFAULT_LOCALE:
        values[URL_KEY] = current_locale()
    return url_for(endpoint, **values)


class _LazyTextJSONProvider(DefaultJSONProvider):
    """Flask's JSON (the session cookie, where flash messages wait) with lazy text written out:
    a message made with `lazy_gettext` is stored as the words of the language it is shown in."""

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, i18n.LazyString):
            return str(o)
        return DefaultJSONProvider.default(o)


def translations() -> Any:
    """Flask-Babel's catalogue for the language of this request, looked up once per language
    and request: Flask-Babel's own look-up walks `g` and the locale three or four times for
    every message, and a page has a hundred or more. A `force_locale` block (an email in its
    recipient's language) sets another locale object, so it gets its own catalogue."""
    if not has_app_context():
        return get_translations()
    ctx = g.get("_flask_babel")
    locale = getattr(ctx, "babel_locale", None)
    if locale is not None:
        memo = getattr(ctx, "app_translations", None)
        if memo is not None and memo[0] is locale:
            return memo[1]
    found = get_translations()
    ctx = g.get("_flask_babel")
    locale = getattr(ctx, "babel_locale", None)
    if locale is not None:
        ctx.app_translations = (locale, found)
    return found


def _template_gettext_callables() -> dict:
    """`_`, `gettext` and `ngettext` for templates with the results Jinja's own new-style ones
    give (the message is always a format string, so `%%` is a percent sign; escaped when
    autoescaping), about four times faster: a page calls them a hundred to three hundred
    times, and Jinja's wrappers cost more than the look-up. A message without placeholders
    comes out the same every time for one catalogue, so it is kept, per catalogue (a few,
    loaded once) and escaping: the keys are the templates' own messages, a bounded set."""
    done: dict[tuple[Any, bool], dict[str, str]] = {}

    def markup(found: str, escape: bool) -> str:
        # The catalogue's text is the app's own, trusted as Jinja's wrappers trust it; the
        # values put into it are escaped by Markup's `%`.
        return Markup(found) if escape else found  # noqa: S704

    @pass_eval_context  # not the whole context: Jinja copies that for each call in a loop
    def gettext(eval_ctx: EvalContext, message: str, **variables: Any) -> str:
        catalogue, escape = translations(), eval_ctx.autoescape
        if not variables:
            known = done.setdefault((catalogue, escape), {})
            text = known.get(message)
            if text is None:
                found = catalogue.ugettext(message)
                text = known[message] = markup(found, escape) % {}
            return text
        found = catalogue.ugettext(message)
        return markup(found, escape) % variables

    @pass_eval_context
    def ngettext(
        eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables: Any
    ) -> str:
        variables.setdefault("num", num)
        found = translations().ungettext(singular, plural, num)
        return markup(found, eval_ctx.autoescape) % variables

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def init_i18n(app: Flask) -> None:
    app.json = _LazyTextJSONProvider(app)
    babel.init_app(app, locale_selector=select_locale, default_locale=DEFAULT_LOCALE)
    # `{% trans %}` blocks are written across lines; their text is one line in the catalogue.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    # Templates' `_()` and `ngettext()`: Flask-Babel's catalogue, Jinja's "new style" rules.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: translations().ugettext(message),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        newstyle=True,
        pgettext=lambda context, message: translations().upgettext(context, message),
        npgettext=lambda context, singular, plural, n: translations().unpgettext(
            context, singular, plural, n
        ),
    )
    app.jinja_env.globals.update(_template_gettext_callables())
    # The catalogue look-ups only: app.util.i18n fills the placeholders itself.
    i18n.register(
        gettext=lambda message: translations().ugettext(message),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        force_locale=force_locale,
        current_locale=current_locale,
    )
    user_logged_in.connect(_adopt_session_choice, app)
    # Globals, not context: macros imported without context (`{% import ... as c %}`) see them.
    app.jinja_env.globals["lazy_gettext"] = i18n.lazy_gettext
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals["in_page_language"] = in_page_language

    @app.context_processor
    def inject_language() -> dict:
        locale = current_locale()
        untranslated = (
            locale != DEFAULT_LOCALE
            and has_request_context()
            and request.blueprint in UNTRANSLATED_BLUEPRINTS
        )
        return {
            "locale": locale,
            "html_lang": HTML_LANG[locale],
            "main_lang": HTML_LANG[DEFAULT_LOCALE] if untranslated else None,
            "language_switch": language_switch,
        }
