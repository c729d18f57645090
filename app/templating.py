"""Jinja filters shared by pages, PDFs and emails: the date formats from app/util/dates.py."""

from flask import Flask

from app.util.dates import date_and_time, long_date, short_date


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["short_date"] = short_date
    app.jinja_env.filters["date_and_time"] = date_and_time
