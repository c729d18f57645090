"""Calendar arithmetic and the date formats people read, in one place, in the reader's language.

Formats are built from fields rather than `strftime('%-d ...')`, which is a glibc-only code and
follows the server's locale, not the reader's. Month names come from Babel's locale data (the
Unicode CLDR), read once: "29 November 2026", "29 Tachwedd 2026".
"""

import calendar
from datetime import date, datetime
from typing import TypeVar

from babel import Locale

from app.util.i18n import SUPPORTED_LOCALES, _, current_locale

Moment = TypeVar("Moment", date, datetime)


def add_months(moment: Moment, months: int) -> Moment:
    """Same day `months` later; a day the target month lacks becomes its last day
    (29 February + 12 months is 28 February; 31 August + 6 months is 28 or 29 February)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _month_names(width: str) -> dict[str, dict[int, str]]:
    return {code: dict(Locale.parse(code).months["format"][width]) for code in SUPPORTED_LOCALES}


_MONTHS = _month_names("wide")  # "November", "Tachwedd"
_MONTHS_SHORT = _month_names("abbreviated")  # "Nov", "Tach"


def _as_date(value: str | date | datetime) -> date | datetime:
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def long_date(value: str | date | datetime | None) -> str:
    """'2026-11-29' (as stored in snapshots), a date or a datetime -> '29 November 2026'."""
    if value in (None, ""):
        return ""
    moment = _as_date(value)
    return f"{moment.day} {_MONTHS[current_locale()][moment.month]} {moment.year}"


def short_date(value: str | date | datetime | None) -> str:
    """-> '29 Nov 2026', for dense tables."""
    if value in (None, ""):
        return ""
    moment = _as_date(value)
    return f"{moment.day} {_MONTHS_SHORT[current_locale()][moment.month]} {moment.year}"


def date_and_time(value: datetime | None) -> str:
    """-> '29 November 2026 at 14:05' (times are UTC, as stored)."""
    if value is None:
        return ""
    return _("%(date)s at %(time)s", date=long_date(value), time=f"{value:%H:%M}")
