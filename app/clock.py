"""The one place views read the current time, so tests can move the clock.

Services take `now`/`today` as parameters; views call `clock.now()` / `clock.today()`. A test
patches `app.clock.now` (for example with monkeypatch) and every oversight page moves with it.
"""

from datetime import date, datetime

from app.models.base import utcnow


def now() -> datetime:
    """Timezone-aware UTC now (patch this in tests)."""
    return utcnow()


def today() -> date:
    """Today's date in UTC, derived from `now()` so one patch moves both."""
    return now().date()
