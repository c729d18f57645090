"""The single sign-on settings page: a school admin (or a trust admin, for each school of the
trust) connects the school's Microsoft Entra ID tenant, Google Workspace or another OpenID
Connect provider, tries it, switches it on, and may turn password sign-in off. The rules are
in app/services/accounts/sso_settings.py; the client secret is encrypted here with
DATA_ENCRYPTION_KEY before it is stored, or read from the server's environment instead."""

import os

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app import audit, clock
from app.admin import bp
from app.admin.sso_forms import ON_OFF, SsoSettingsForm
from app.admin.views import ADMIN_ROLES, _schools
from app.mail import external_url
from app.models import School, db
from app.models.sso import SsoConnection, SsoProvider
from app.security import roles_required
from app.services.accounts import sso, sso_settings
from app.util.encryption import EncryptionUnavailable, encrypt
from app.util.i18n import _


def _get_school_or_404(school_id: int) -> School:
    schools = {school.id: school for school in _schools()}
    if school_id not in schools:
        abort(404)  # another school's settings, as if they did not exist
    return schools[school_id]


def _fill(form: SsoSettingsForm, connection: SsoConnection | None, school: School) -> None:
    def on_off(value: bool) -> str:
        return "on" if value else "off"

    if connection is None:
        form.provider.data = SsoProvider.MICROSOFT.value
        form.slug.data = sso_settings.suggested_slug(school.name)
        form.enabled.data, form.password_sign_in.data = "off", "on"
        form.create_accounts.data, form.idp_enforces_mfa.data = "off", "off"
        form.default_role.data = "teacher"
        return
    form.provider.data = connection.provider
    form.tenant_id.data = connection.tenant_id or ""
    form.issuer.data = connection.issuer if connection.provider == SsoProvider.OTHER else ""
    form.provider_name.data = (
        connection.provider_name if connection.provider == SsoProvider.OTHER else ""
    )
    form.client_id.data = connection.client_id
    form.allowed_domains.data = " ".join(connection.domain_list)
    form.slug.data = connection.slug
    form.enabled.data = on_off(connection.enabled)
    form.password_sign_in.data = on_off(connection.password_sign_in)
    form.create_accounts.data = on_off(connection.create_accounts)
    form.default_role.data = connection.default_role
    form.idp_enforces_mfa.data = on_off(connection.idp_enforces_mfa)


def _settings(form: SsoSettingsForm) -> sso_settings.ConnectionSettings:
    return sso_settings.ConnectionSettings(
        provider=form.provider.data,
        slug=(form.slug.data or "").strip().lower(),
        client_id=form.client_id.data or "",
        allowed_domains=form.allowed_domains.data or "",
        tenant_id=form.tenant_id.data or "",
        issuer=form.issuer.data or "",
        provider_name=form.provider_name.data or "",
        enabled=ON_OFF[form.enabled.data],
        password_sign_in=ON_OFF[form.password_sign_in.data],
        create_accounts=ON_OFF[form.create_accounts.data],
        default_role=form.default_role.data,
        idp_enforces_mfa=ON_OFF[form.idp_enforces_mfa.data],
    )


def _secret_from_environment(slug: str) -> bool:
    return bool(os.environ.get(sso_settings.secret_variable(slug), "").strip())


@bp.route("/schools/<int:school_id>/sign-in", methods=["GET", "POST"])
@roles_required(*ADMIN_ROLES)
def sso_settings_page(school_id: int):
    school = _get_school_or_404(school_id)
    connection = sso.connection_for_school(db.session, school.id)
    form = SsoSettingsForm()
    prefix = external_url("auth.school_sign_in", school_slug="x")[:-1]
    form.slug.description = _("Staff sign in at %(prefix)s… with this at the end: lower-case "
                              "letters, digits and hyphens.", prefix=prefix)  # fmt: skip
    if not form.is_submitted():
        _fill(form, connection, school)
    if form.validate_on_submit():
        settings = _settings(form)
        secret = (form.client_secret.data or "").strip()
        stored = bool(connection and connection.client_secret_encrypted)
        problems = sso_settings.settings_problems(
            db.session,
            school.id,
            settings,
            has_secret=bool(secret) or stored or _secret_from_environment(settings.slug),
            acting_user=current_user,
            allow_http_loopback=current_app.config["OIDC_ALLOW_HTTP_LOOPBACK"],
        )
        encrypted = None
        if secret and not problems:
            try:
                encrypted = encrypt(secret, current_app.config["DATA_ENCRYPTION_KEY"])
            except EncryptionUnavailable:
                problems["client_secret"] = [
                    _(
                        "This server cannot store secrets (DATA_ENCRYPTION_KEY is not set): ask "
                        "whoever runs it to set %(variable)s instead, and leave this empty",
                        variable=sso_settings.secret_variable(settings.slug),
                    )
                ]
        for field, messages in problems.items():
            getattr(form, field).errors = list(getattr(form, field).errors) + messages
        if not problems:
            connection, changed = sso_settings.save_connection(
                db.session, school.id, connection, settings,
                encrypted_secret=encrypted, now=clock.now(),
            )  # fmt: skip
            if changed:
                audit.record("sso_settings_changed", school_id=school.id, object_type="school",
                             object_id=school.id, changed=", ".join(changed),
                             provider=connection.provider, enabled=connection.enabled,
                             password_sign_in=connection.password_sign_in)  # fmt: skip
            db.session.commit()
            flash(_("Single sign-on settings saved."), "success")
            return redirect(url_for("admin.sso_settings_page", school_id=school.id))
    return render_template(
        "admin/sso_settings.html",
        form=form,
        school=school,
        schools=_schools(),
        connection=connection,
        callback_url=external_url("auth.sso_callback"),
        sign_in_url=external_url("auth.school_sign_in", school_slug=connection.slug)
        if connection
        else None,
        secret_variable=sso_settings.secret_variable(
            connection.slug if connection else (form.slug.data or "school")
        ),
        secret_from_environment=bool(connection and _secret_from_environment(connection.slug)),
    ), (400 if form.errors else 200)
