"""The SQLAlchemy instance, declarative base with a constraint naming convention, shared mixins."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CursorResult, DateTime, ForeignKey, MetaData, Result, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


if TYPE_CHECKING:

    class _TypedSQLAlchemy(SQLAlchemy):
        # `db.session` is a scoped_session, which hands every call to the request's Session.
        # Typed as that Session, the views can pass it to services, which take a plain
        # SQLAlchemy Session (no Flask), and the type checker still checks every call.
        session: Session  # type: ignore[assignment]

    db = _TypedSQLAlchemy(model_class=Base)
    # `db.Model` is made at run time (Base plus Flask-SQLAlchemy's table naming), so the type
    # checker cannot see it as a class; to it, a model is a plain declarative model.
    Model = Base
else:
    db = SQLAlchemy(model_class=Base)
    Model = db.Model


def table_of(model: type[Base]) -> Table:
    """A model's table, for Core statements (an upsert, a bulk update). SQLAlchemy types
    `__table__` as any FROM clause, although a mapped class's is always a Table."""
    return cast(Table, model.__table__)


def rows_matched(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched: the test for a compare-and-set that another
    request may have won. The ORM types `execute()` as a plain Result; for these statements it
    is the driver's cursor result, which has the count."""
    return cast(CursorResult[Any], result).rowcount


def utcnow() -> datetime:
    """Timezone-aware now; every timestamp in the database is UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores UTC; always hands back aware datetimes, even from SQLite (which drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class SchoolOwned:
    """Mixin for tables whose rows belong to one school (the tenancy key)."""

    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
