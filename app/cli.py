"""Flask commands: `flask content check`, `flask users create`, `flask demo`.

Each command's docstring is its `--help` text.
"""

import sys

import click
from flask import Flask, current_app

from app.models import Role, db


def register_cli(app: Flask) -> None:
    app.cli.add_command(content_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    from app.auth.sso_cli import register_sso_cli
    from app.oversight.cli import register_oversight_cli

    register_oversight_cli(app)
    register_sso_cli(app)


@click.group("content")
def content_cli() -> None:
    """Training modules, procurement checklists and families' documents."""


@content_cli.command("check")
def content_check() -> None:
    """Validate modules/, checklists/ and families/; print every problem; exit 1 if any."""
    # Flask builds the app before running any command, and the app refuses invalid content with
    # the same ContentError, so an invalid start-up already prints this list. The check reads the
    # folders again so that it reports them as they are now.
    from app.content.problems import ContentError
    from app.content.registry import load_content

    registry, problems = load_content(
        current_app.config["MODULES_DIR"],
        current_app.config["CHECKLISTS_DIR"],
        current_app.config["FAMILIES_DIR"],
    )
    if problems:
        raise ContentError(problems)
    click.echo(
        f"Content is valid: {len(registry.modules)} module(s), "
        f"{len(registry.checklists)} checklist(s), "
        f"{len(registry.families)} families' document(s)."
    )
    translated = [
        f"module {module.id} ({language}, {found.translation_status})"
        for module in registry.modules.values()
        for language, found in module.translations.items()
    ] + [
        f"checklist {checklist_id} ({language}, {status})"
        for (checklist_id, language), status in registry.checklist_translation_status.items()
    ]
    if translated:
        click.echo("Translated: " + "; ".join(translated) + ".")


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
    type=click.Choice([role.value for role in Role]),
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
    from app import audit, clock
    from app.auth.session import hashing
    from app.services.accounts.staff import AccountError, create_account

    if not password_stdin:
        raise click.UsageError("Pass --password-stdin and send the password on standard input.")
    try:
        user = create_account(
            db.session,
            school_name=school_name,
            email=email,
            display_name=display_name,
            roles=list(roles),
            password=sys.stdin.readline().rstrip("\n"),
            hashing=hashing(),
            now=clock.now(),
        )
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    audit.record(
        "user_created_by_cli", school_id=user.school_id, object_type="user", object_id=user.id
    )
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
