"""Sending email: one function for every message, its text from `app/templates/email/*.txt`.

A template's first line is `Subject: ...`, then a blank line, then the plain-text body.
Messages go by SMTP when `MAIL_SERVER` is set, otherwise to the log plus the outbox table,
which lets a developer (or a test) walk invitation, reset and reminder flows without a mail
server; admins see it at /admin/outbox outside production.

An email is written in its recipient's language: the one they chose with the language switch
(`User.locale`, looked up by address unless the caller passes `locale=`), else English, whatever
the language of the person whose action sent it.

Links in emails come only from the configured `PUBLIC_BASE_URL`, never from the request's Host
header: a link built from the request could be pointed at another site by whoever asks for
the email to be sent.
"""

import smtplib
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app, render_template
from sqlalchemy import select

from app.models import OutboxEmail, User, db
from app.util.i18n import in_locale

SUBJECT_PREFIX = "Subject: "


class MailError(Exception):
    """The mail server could not take the message (connection refused, dropped or rejected)."""


def render_email(template: str, **context: object) -> tuple[str, str]:
    """(subject, body) from `email/<template>.txt`."""
    text = render_template(
        f"email/{template}.txt", service_name=current_app.config["SERVICE_NAME"], **context
    )
    first_line, _, body = text.partition("\n")
    if not first_line.startswith(SUBJECT_PREFIX):
        raise ValueError(f"email/{template}.txt must start with '{SUBJECT_PREFIX}'")
    return first_line.removeprefix(SUBJECT_PREFIX).strip(), body.lstrip("\n")


def recipient_locale(recipient: str) -> str | None:
    """The language the person at this address chose, if they have an account and chose one."""
    return db.session.execute(select(User.locale).where(User.email == recipient)).scalar()


def send_email(
    recipient: str,
    template: str,
    *,
    school_id: int | None = None,
    locale: str | None = None,
    **context: object,
) -> None:
    """Send one plain-text email (the caller commits, so the outbox row lands with the change),
    in `locale` or else the recipient's chosen language.

    Raises MailError when the SMTP server cannot take it, so a caller sending many can report
    that one and go on."""
    with in_locale(locale or recipient_locale(recipient)):
        subject, body = render_email(template, **context)
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        current_app.logger.info("Email to %s: %s\n%s", recipient, subject, body)
        db.session.add(
            OutboxEmail(recipient=recipient, subject=subject, body=body, school_id=school_id)
        )
        return
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(f"{type(error).__name__}: {error}") from error


def external_url(endpoint: str, **values: object) -> str:
    """Absolute link for an email or a PDF, from `PUBLIC_BASE_URL` (inside a request or not)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
