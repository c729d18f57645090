"""`flask reminders send` (run daily from cron) and `flask purge` (retention).

Each command's docstring is its `--help` text.
"""

import click
from flask import Flask, current_app

from app import audit, clock
from app.mail import external_url, send_email
from app.models import db
from app.pdf import clear_cache as clear_pdf_cache
from app.services.oversight import reminders as planner
from app.services.oversight.retention import purge


def register_oversight_cli(app: Flask) -> None:
    app.cli.add_command(reminders_cli)
    app.cli.add_command(purge_command)


@click.group("reminders")
def reminders_cli() -> None:
    """Email reminders about training and vendor reviews."""


def _link(endpoint: str) -> str | None:
    try:
        return external_url(endpoint)
    except RuntimeError:  # no PUBLIC_BASE_URL and no request: leave the link out
        return None


def _body(reminder: planner.Reminder) -> tuple[str, str]:
    service = current_app.config["SERVICE_NAME"]
    if reminder.kind == "reviews":
        link = (
            _link("procurement.vendors")
            if "procurement.vendors" in current_app.view_functions
            else None
        )
        subject = "Edtech decisions due for review"
        intro = "These edtech product decisions at your school need reviewing:"
        action = "Review them in " + service + (f": {link}" if link else ".")
    else:
        link = (
            _link("training.my_training")
            if "training.my_training" in current_app.view_functions
            else None
        )
        subject = "Your data-protection training"
        intro = "Your school has asked you to complete this data-protection training:"
        if reminder.invited:
            action = (
                "You have not set up your account yet. Use the link in your invitation email, "
                "or ask your school admin to send a new invitation."
            )
        else:
            action = (
                "Sign in to " + service + (f" to continue: {link}" if link else " to continue.")
            )
    lines = "\n".join(reminder.lines)
    body = (
        f"Hello {reminder.name},\n\n{intro}\n\n{lines}\n\n{action}\n\n"
        f"You get one email when something becomes due, due soon, overdue or expiring. "
        f"Your school can turn these reminders off.\n"
    )
    return subject, body


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="List who would be emailed; send nothing.")
def reminders_send(dry_run: bool) -> None:
    """Email each person with training due, overdue or expiring, and each business manager with
    vendor decisions due for review in 30, 7 or 1 days. Never sends the same reminder twice."""
    from app.content.registry import content

    now = clock.now()
    titles = {m.id: m.title for m in content().modules.values()}
    planned = planner.plan(db.session, titles, now)
    for reminder in planned:
        if dry_run:
            click.echo(f"would email {reminder.recipient_key} ({reminder.kind})")
            continue
        subject, body = _body(reminder)
        send_email(reminder.email, subject, body, school_id=reminder.school_id)
        planner.record_sent(db.session, reminder, now)
        db.session.commit()  # one person at a time: a failure later never resends these
    if not dry_run and planned:
        audit.record("reminders_sent", count=len(planned))
        db.session.commit()
    verb = "would be sent" if dry_run else "sent"
    click.echo(f"{len(planned)} reminder email(s) {verb}.")


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Report what would be removed; change nothing.")
def purge_command(dry_run: bool) -> None:
    """Apply each school's retention settings: erase accounts deactivated longer than the
    school's period and delete audit events older than its period; report what was removed."""
    report = purge(db.session, clock.now(), dry_run=dry_run)
    for school in report.schools:
        click.echo(
            f"{school.school}: {school.accounts_erased} account(s) erased, "
            f"{school.audit_events_deleted} audit event(s) deleted"
        )
    if dry_run:
        db.session.rollback()
        click.echo(
            f"Dry run: would erase {report.accounts_erased} account(s) and delete "
            f"{report.audit_events_deleted} audit event(s). Nothing was changed."
        )
        return
    audit.record(
        "retention_purge",
        accounts_erased=report.accounts_erased,
        audit_events_deleted=report.audit_events_deleted,
    )
    db.session.commit()
    if report.accounts_erased:
        clear_pdf_cache()  # cached PDFs may still carry an erased person's name
    click.echo(
        f"Erased {report.accounts_erased} account(s) and deleted "
        f"{report.audit_events_deleted} audit event(s)."
    )
