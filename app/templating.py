"""Jinja filters shared by pages and PDFs."""

from datetime import date, datetime

from flask import Flask


def long_date(value: str | date | datetime | None) -> str:
    """'2026-11-29' (as stored in snapshots), a date or a datetime -> '29 November 2026'."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day} {value.strftime('%B %Y')}"


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["long_date"] = long_date
