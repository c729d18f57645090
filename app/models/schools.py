"""Trusts (multi-academy trusts) and schools: the tenants."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Model, UTCDateTime, utcnow


class Trust(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    schools: Mapped[list["School"]] = relationship(back_populates="trust", order_by="School.name")


class School(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    trust_id: Mapped[int | None] = mapped_column(ForeignKey("trust.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Bumped by every change that can move its training counts or its staff list
    # (app/services/oversight/tally_generations.py), so what is cached from them is keyed by it
    # and never outlives a change.
    tally_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    trust: Mapped[Trust | None] = relationship(back_populates="schools")
