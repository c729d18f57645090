"""`flask reminders send` (run daily from cron) and `flask purge` (retention).

Each command's docstring is its `--help` text.
"""

import click
from flask import Flask, current_app

from app import audit, clock
from app.mail import MailError, external_url, send_email
from app.models import db
from app.pdf import clear_cache as clear_pdf_cache
from app.services.oversight import reminders as planner
from app.services.oversight.retention import purge
from app.services.procurement.evidence import remove_orphans
from app.util.i18n import SUPPORTED_LOCALES


def register_oversight_cli(app: Flask) -> None:
    app.cli.add_command(reminders_cli)
    app.cli.add_command(purge_command)


@click.group("reminders")
def reminders_cli() -> None:
    """Email reminders about training and vendor reviews."""


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="List who would be emailed; send nothing.")
def reminders_send(dry_run: bool) -> None:
    """Email each person with training due, overdue or expiring or a new version of a school
    policy to acknowledge, and each business manager with vendor decisions due for review in
    30, 7 or 1 days. Never sends the same reminder twice."""
    from app.content.registry import content

    now = clock.now()
    modules = content().modules.values()
    titles = {module.id: module.title for module in modules}
    translated = {
        language: {module.id: module.in_language(language).title for module in modules}
        for language in SUPPORTED_LOCALES
    }
    planned = planner.plan(db.session, titles, now, translated_titles=translated)
    sent = failed = 0
    for reminder in planned:
        if dry_run:
            click.echo(f"would email {reminder.recipient_key} ({reminder.kind})")
            continue
        try:
            _send(reminder)
        except MailError as error:
            # Not recorded as sent, so the next run tries this person again.
            db.session.rollback()
            failed += 1
            click.echo(f"could not email {reminder.email}: {error}", err=True)
            continue
        planner.record_sent(db.session, reminder, now)
        db.session.commit()  # one person at a time: a failure later never resends these
        sent += 1
    if dry_run:
        click.echo(f"{len(planned)} reminder email(s) would be sent.")
        return
    if sent or failed:
        audit.record("reminders_sent", count=sent, failed=failed or None)
        db.session.commit()
    click.echo(f"{sent} reminder email(s) sent.")
    if failed:
        click.echo(f"{failed} could not be sent; the next run tries them again.", err=True)
        raise SystemExit(1)


def _send(reminder: planner.Reminder) -> None:
    if reminder.kind == planner.ReminderKind.REVIEWS:
        template, link = "reminder_reviews", external_url("procurement.vendors")
    else:
        template, link = "reminder_training", external_url("training.my_training")
    send_email(
        reminder.email,
        template,
        school_id=reminder.school_id,
        locale=reminder.locale,
        name=reminder.name,
        lines=reminder.lines,
        policies=reminder.policy_lines,
        invited=reminder.invited,
        link=link,
        policies_link=external_url("policies.index"),
    )


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Report what would be removed; change nothing.")
def purge_command(dry_run: bool) -> None:
    """Apply each school's retention settings: erase accounts deactivated longer than the
    school's period, delete audit events older than its period and families' closed requests past
    theirs, and report each school. With --dry-run, say what a real run would do and change
    nothing."""
    report = purge(db.session, clock.now(), dry_run=dry_run)
    for school in report.schools:
        requests = school.family_requests_deleted
        if dry_run:
            click.echo(
                f"{school.school}: would erase {school.accounts_erased} account(s) and delete "
                f"{school.audit_events_deleted} audit event(s)"
                + (f" and {requests} family request(s)" if requests else "")
            )
        else:
            click.echo(
                f"{school.school}: {school.accounts_erased} account(s) erased, "
                f"{school.audit_events_deleted} audit event(s) deleted"
                + (f", {requests} family request(s) deleted" if requests else "")
            )
    if dry_run:
        db.session.rollback()
        click.echo(
            f"Dry run: a real run would erase {report.accounts_erased} account(s) and delete "
            f"{report.audit_events_deleted} audit event(s). Nothing has been changed."
        )
        if report.family_requests_deleted:
            click.echo(f"Would delete {report.family_requests_deleted} family request(s).")
        return
    audit.record(
        "retention_purge",
        accounts_erased=report.accounts_erased,
        audit_events_deleted=report.audit_events_deleted,
        family_requests_deleted=report.family_requests_deleted or None,
    )
    db.session.commit()
    # Evidence files whose assessment or product is gone (deleted, or a failed save).
    remove_orphans(db.session, current_app.config["EVIDENCE_DIR"])
    if report.accounts_erased:
        clear_pdf_cache()  # cached PDFs may still carry an erased person's name
    click.echo(
        f"Erased {report.accounts_erased} account(s) and deleted "
        f"{report.audit_events_deleted} audit event(s)."
    )
    if report.family_requests_deleted:
        click.echo(f"Deleted {report.family_requests_deleted} family request(s).")
