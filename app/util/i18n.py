"""Interface text in the reader's language, without Flask: the markers every module uses.

`_("The due date for %(name)s is in the past", name=...)` translates the message, then fills its
named placeholders. The app registers Flask-Babel's translator at start-up (`app/i18n.py`); before
that, or outside a request (a unit test of a service), the message comes back in English. So
services stay free of Flask imports and their messages are still extracted and translated.

- `_` / `gettext`: translate now (inside a request: in the reader's language).
- `ngettext(singular, plural, n)`: a message with a count; `%(num)d` is the count.
- `lazy_gettext`: translate each time the text is shown, for constants made at import time
  (form labels, status words in a module-level table), which exist before any request.
- `in_locale(code)`: a block that writes in one language (an email in its recipient's).
- `N_(message)`: marks English that is stored as it is (words frozen into a hashed snapshot) so
  it is extracted; the page that shows it translates it then with `_(stored)`.

Placeholders are always named (`%(name)s`): a translation may need them in another order.
"""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import cast

SUPPORTED_LOCALES = ("en", "cy")
DEFAULT_LOCALE = "en"
LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}  # each in its own language, for the switch

_gettext: Callable[[str], str] | None = None
_ngettext: Callable[[str, str, int], str] | None = None
_force_locale: Callable[[str], AbstractContextManager] | None = None
_current_locale: Callable[[], str] | None = None


def register(
    *,
    gettext: Callable[[str], str],
    ngettext: Callable[[str, str, int], str],
    force_locale: Callable[[str], AbstractContextManager],
    current_locale: Callable[[], str],
) -> None:
    """Called once by the app factory with Flask-Babel's functions."""
    global _gettext, _ngettext, _force_locale, _current_locale
    _gettext, _ngettext = gettext, ngettext
    _force_locale, _current_locale = force_locale, current_locale


def _(message: str, **variables: object) -> str:
    text = _gettext(message) if _gettext is not None else message
    return text % variables if variables else text


gettext = _


def ngettext(singular: str, plural: str, num: int, **variables: object) -> str:
    if _ngettext is not None:
        text = _ngettext(singular, plural, num)
    else:
        text = singular if num == 1 else plural
    return text % {"num": num, **variables}


def current_locale() -> str:
    """The reader's language code ("en" or "cy"); English outside a request."""
    return _current_locale() if _current_locale is not None else DEFAULT_LOCALE


@contextmanager
def in_locale(locale: str | None) -> Iterator[None]:
    """Translate in `locale` inside the block (None or unknown: English)."""
    code = locale if locale in SUPPORTED_LOCALES else DEFAULT_LOCALE
    with _force_locale(code) if _force_locale is not None else nullcontext():
        yield


class LazyString:
    """Text translated each time it is used as a string (str(), f-strings, Jinja output)."""

    __slots__ = ("_message", "_variables")

    def __init__(self, message: str, variables: dict) -> None:
        self._message = message
        self._variables = variables

    def __str__(self) -> str:
        return _(self._message, **self._variables)

    def __repr__(self) -> str:
        return f"lazy_gettext({self._message!r})"

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self._message)

    def __len__(self) -> int:
        return len(str(self))

    def __contains__(self, text: str) -> bool:
        return text in str(self)

    def __bool__(self) -> bool:
        return bool(self._message)

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)

    def __mod__(self, values: object) -> str:
        return str(self) % values

    def __lt__(self, other: object) -> bool:
        return str(self) < str(other)

    def __getattr__(self, name: str) -> object:
        # str methods (lower, format, startswith ...) on the translated text.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(str(self), name)


def N_(message: str) -> str:
    """The message unchanged, marked for extraction: stored in English, translated when shown."""
    return message


def lazy_gettext(message: str, **variables: object) -> str:
    # Typed as the str it stands in for: WTForms labels and messages, Jinja and f-strings all
    # turn it into text with str(), which is when it is translated into the reader's language.
    return cast(str, LazyString(message, variables))
