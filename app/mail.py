"""Sending email: SMTP when `MAIL_SERVER` is set, otherwise the log plus the outbox table.

The outbox lets a developer (or a test) walk invitation, reset and reminder flows without a mail
server; admins see it at /admin/outbox outside production.
"""

import smtplib
from email.message import EmailMessage

from flask import current_app, url_for

from app.models import OutboxEmail, db


def send_email(recipient: str, subject: str, body: str, *, school_id: int | None = None) -> None:
    """Send one plain-text email (the caller commits, so the outbox row lands with the change)."""
    config = current_app.config
    if config.get("MAIL_SERVER"):
        message = EmailMessage()
        message["From"] = config["MAIL_SENDER"]
        message["To"] = recipient
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return
    current_app.logger.info("Email to %s: %s\n%s", recipient, subject, body)
    db.session.add(
        OutboxEmail(recipient=recipient, subject=subject, body=body, school_id=school_id)
    )


def external_url(endpoint: str, **values: object) -> str:
    """Absolute link for an email: from `PUBLIC_BASE_URL` when set, else the request's host."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
