"""`flask sso`: the server operator's view of each school's single sign-on, and the break-glass
path when a school's identity provider fails while its password sign-in is off."""

import click
from flask import Flask
from sqlalchemy import select

from app.models import db
from app.models.sso import SsoConnection


def register_sso_cli(app: Flask) -> None:
    app.cli.add_command(sso_cli)


@click.group("sso")
def sso_cli() -> None:
    """Schools' single sign-on (OpenID Connect)."""


@sso_cli.command("list")
def sso_list() -> None:
    """Print each school's connection: address, provider, on or off, passwords on or off."""
    rows = db.session.execute(select(SsoConnection).order_by(SsoConnection.slug)).scalars()
    for connection in rows:
        click.echo(
            f"{connection.slug:<30} {connection.provider_name:<12} "
            f"{'on ' if connection.enabled else 'off'}  "
            f"passwords {'on' if connection.password_sign_in else 'off'}  {connection.school.name}"
        )


@sso_cli.command("allow-passwords")
@click.argument("slug")
def sso_allow_passwords(slug: str) -> None:
    """Turn password sign-in back on for the school whose sign-in address is SLUG (see
    `flask sso list`), for when its identity provider is down or misconfigured. Staff then sign
    in with their password (or reset it), and an admin can fix the settings."""
    from app import audit, clock
    from app.services.accounts.sso import connection_by_slug
    from app.services.accounts.sso_settings import allow_passwords

    connection = connection_by_slug(db.session, slug)
    if connection is None:
        raise click.ClickException(f"No school signs in at {slug!r}: see `flask sso list`.")
    if not allow_passwords(connection, clock.now()):
        click.echo(f"Password sign-in is already on for {connection.school.name}.")
        return
    audit.record("sso_passwords_allowed_by_cli", school_id=connection.school_id,
                 object_type="school", object_id=connection.school_id)  # fmt: skip
    db.session.commit()
    click.echo(f"Password sign-in is on again for {connection.school.name}.")
