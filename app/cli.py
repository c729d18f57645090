"""Flask commands: `flask content check`, `flask users create`, `flask demo`.

Each command's docstring is its `--help` text.
"""

import sys

import click
from flask import Flask, current_app
from sqlalchemy import select

from app.models import School, User, db


def register_cli(app: Flask) -> None:
    app.cli.add_command(content_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    from app.oversight.cli import register_oversight_cli

    register_oversight_cli(app)


@click.group("content")
def content_cli() -> None:
    """Training modules and procurement checklists."""


@content_cli.command("check")
def content_check() -> None:
    """Validate modules/ and checklists/; print every problem; exit 1 if there are any."""
    # Flask builds the app before running any command, and the app refuses invalid content with
    # the same ContentError, so an invalid start-up already prints this list. The check reads the
    # folders again so that it reports them as they are now.
    from app.content.problems import ContentError
    from app.content.registry import load_content

    registry, problems = load_content(
        current_app.config["MODULES_DIR"], current_app.config["CHECKLISTS_DIR"]
    )
    if problems:
        raise ContentError(problems)
    click.echo(
        f"Content is valid: {len(registry.modules)} module(s), "
        f"{len(registry.checklists)} checklist(s)."
    )


@click.group("users")
def users_cli() -> None:
    """Staff accounts."""


@users_cli.command("create")
@click.option("--school", "school_name", required=True, help="School name (created if new).")
@click.option("--email", required=True, help="Sign-in email address.")
@click.option("--name", "display_name", required=True, help="Name shown on certificates.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["teacher", "business_manager", "dpo", "school_admin", "trust_admin"]),
    help="Role; repeat for several.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(
    school_name: str, email: str, display_name: str, roles: tuple[str, ...], password_stdin: bool
) -> None:
    """Create a user (and their school if it does not exist); prints the new user id.

    Example: echo 'long pass phrase' | flask users create --school "Oak Primary"
    --email head@oak.sch.uk --name "A Head" --role school_admin --password-stdin
    """
    from app import audit
    from app.auth.session import hashing
    from app.services.accounts.passwords import password_problems
    from app.services.accounts.staff import normalise_email

    if not password_stdin:
        raise click.UsageError("Pass --password-stdin and send the password on standard input.")
    password = sys.stdin.readline().rstrip("\n")
    email = normalise_email(email)
    problems = password_problems(password, email=email, name=display_name)
    if problems:
        raise click.ClickException("; ".join(problems))
    if db.session.execute(select(User.id).where(User.email == email)).first():
        raise click.ClickException(f"A user with email {email} already exists.")
    school = db.session.execute(
        select(School).where(School.name == school_name)
    ).scalar_one_or_none()
    if school is None:
        school = School(name=school_name)
        db.session.add(school)
        db.session.flush()
    user = User(
        school_id=school.id,
        email=email,
        display_name=display_name,
        password_hash=hashing().hash(password),
    )
    user.set_roles(list(roles))
    db.session.add(user)
    db.session.flush()
    audit.record("user_created_by_cli", school_id=school.id, object_type="user", object_id=user.id)
    db.session.commit()
    click.echo(user.id)


@click.command("demo")
def demo_command() -> None:
    """Create (or refresh) the demo trust, two schools and one user per role; print sign-ins."""
    from app.demo import DEMO_PASSWORD, seed_demo

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("The demo data is for development only.")
    users = seed_demo()
    click.echo("")
    click.echo("Demo sign-in details (development only):")
    for user in users:
        roles = ", ".join(sorted(user.roles))
        click.echo(f"  {user.email:<40} {roles:<20} {user.school.name}")
    click.echo(f"  Password for every demo account: {DEMO_PASSWORD}")
    click.echo("  Open http://127.0.0.1:5000 and sign in.")
