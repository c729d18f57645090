"""Rate-limit counters in the app's own database, for deployments without Redis.

Flask-Limiter's `memory://` storage counts per process: with three gunicorn workers an
attacker gets three times the failed sign-ins, and with two hosts six. Counting in the database
every worker and host already shares closes that in every supported deployment, whatever the
number of workers (which the app cannot see from inside a worker anyway). With `REDIS_URL` set,
Redis keeps the counters instead; production refuses `memory://`.

`DatabaseStorage` is a `limits` storage for the fixed-window strategy (Flask-Limiter's
default), registered for the `app-database://` scheme. Each hit is one atomic upsert on its own
connection and transaction, so it counts even when the request's own transaction rolls back.
Keys are stored as SHA-256 hashes: they name email and IP addresses.
"""

import hashlib
import time

from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.models.base import table_of
from app.models.security import RateLimitCounter
from app.util.upsert import insert_for

SCHEME = "app-database"
COUNTERS = table_of(RateLimitCounter)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _engine() -> Engine:
    from app.models import db  # the app's engine, bound when a request or app context runs

    return db.engine


class DatabaseStorage(Storage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        expired = COUNTERS.c.expires_at <= now
        with _engine().begin() as connection:
            upsert = insert_for(connection, COUNTERS).values(
                key_hash=_hash(key), hits=amount, expires_at=now + expiry
            )
            upsert = upsert.on_conflict_do_update(
                index_elements=[COUNTERS.c.key_hash],
                set_={
                    "hits": case((expired, amount), else_=COUNTERS.c.hits + amount),
                    "expires_at": case((expired, now + expiry), else_=COUNTERS.c.expires_at),
                },
            ).returning(COUNTERS.c.hits)
            hits = connection.execute(upsert).scalar_one()
            # Tidy up windows that ended long ago (keys nobody has hit since).
            connection.execute(delete(COUNTERS).where(COUNTERS.c.expires_at < now - 3600))
        return int(hits)

    def _row(self, key: str):
        with _engine().connect() as connection:
            return connection.execute(
                select(COUNTERS.c.hits, COUNTERS.c.expires_at).where(
                    COUNTERS.c.key_hash == _hash(key), COUNTERS.c.expires_at > time.time()
                )
            ).first()

    def get(self, key: str) -> int:
        row = self._row(key)
        return int(row.hits) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return float(row.expires_at) if row else time.time()

    def check(self) -> bool:
        try:
            with _engine().connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with _engine().begin() as connection:
            return connection.execute(delete(COUNTERS)).rowcount

    def clear(self, key: str) -> None:
        with _engine().begin() as connection:
            connection.execute(delete(COUNTERS).where(COUNTERS.c.key_hash == _hash(key)))
