"""Signing in with the school's Microsoft, Google or other OpenID Connect account.

1. The person finds their school: by typing their email (`find_school`, which looks for a
   switched-on connection listing the address's domain) or through the school's own sign-in
   address (`school_sign_in`, /sign-in/school/<slug>, which admins share with staff).
2. "Sign in with Microsoft" is a plain link to `sso_start`, which makes a state, a nonce and a
   PKCE verifier (the state goes in this browser's session, all three in an attempt row) and
   sends the browser to the provider. A link, not a form: the Content Security Policy's
   form-action 'self' would stop a form whose answer redirects to another site.
3. The provider sends the browser back to `sso_callback` (one address for every school:
   PUBLIC_BASE_URL + /sign-in/sso/callback). The state must be this browser's and unused; the
   code is exchanged and the ID token checked (app/auth/oidc.py); the account is found by the
   rules in app/services/accounts/sso.py. Then the session starts, or the authenticator code is
   asked first (when the user has two-step sign-in on and the school has not said its provider
   enforces MFA). Every refusal is audited with its reason; failed callbacks are rate limited.

An admin can try a connection from its settings page before switching it on: the attempt
remembers them, and the callback only checks that they came back as themselves.
"""

import hmac
import os
from datetime import timedelta

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from app import audit, clock
from app.auth import bp, oidc
from app.auth.forms import FindSchoolForm
from app.auth.session import start_session
from app.auth.two_step import begin_second_step
from app.extensions import limiter
from app.form_fields import add_error
from app.mail import external_url
from app.models import Role, db
from app.models.sso import SsoConnection
from app.security import managed_school_ids, safe_redirect_target
from app.services.accounts import sso
from app.services.accounts.mfa import mfa_required
from app.services.accounts.sign_in import finish_sign_in
from app.services.accounts.sso_settings import secret_variable
from app.services.accounts.staff import normalise_email
from app.util.encryption import EncryptionUnavailable, decrypt
from app.util.i18n import _

STATE_KEY = "sso_state"
LOGIN_HINT_KEY = "sso_login_hint"
PROTOCOL_REASONS = ("state_", "code_", "provider_error")


def _next() -> str:
    """The page to go to afterwards, if it is one of ours (else nothing)."""
    target = request.args.get("next") or ""
    return safe_redirect_target(target) if target else ""


@bp.route("/sign-in/school", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def find_school():
    form = FindSchoolForm()
    if form.validate_on_submit():
        email = normalise_email(form.email.data or "")
        connections = sso.connections_for_email(db.session, email)
        if len(connections) == 1:
            session[LOGIN_HINT_KEY] = email
            return redirect(url_for(".school_sign_in", school_slug=connections[0].slug,
                                    next=_next() or None))  # fmt: skip
        if connections:
            return render_template("auth/sso_choose_school.html", connections=connections,
                                   next=_next() or None)  # fmt: skip
        add_error(
            form.email,
            _(
                "No school has connected Microsoft or Google sign-in for addresses ending "
                "@%(domain)s. Sign in with your email address and password, or "
                "ask your school admin",
                domain=sso.email_domain(email),
            ),
        )
    status = 400 if form.errors else 200
    return render_template("auth/sso_find_school.html", form=form, next=_next() or None), status


def _connection_or_404(school_slug: str) -> SsoConnection:
    connection = sso.connection_by_slug(db.session, school_slug)
    if connection is None:
        abort(404)
    return connection


def _manages(connection: SsoConnection) -> bool:
    """Whether the signed-in user is an admin of the connection's school (or its trust)."""
    return (
        current_user.is_authenticated
        and current_user.has_role(Role.SCHOOL_ADMIN, Role.TRUST_ADMIN)
        and connection.school_id in managed_school_ids(current_user)
    )


@bp.get("/sign-in/school/<school_slug>")
def school_sign_in(school_slug: str):
    connection = _connection_or_404(school_slug)
    if not connection.enabled:
        abort(404)
    return render_template("auth/sso_school.html", connection=connection, next=_next() or None)


@bp.get("/sign-in/school/<school_slug>/start")
@limiter.limit("30 per minute")
def sso_start(school_slug: str):
    connection = _connection_or_404(school_slug)
    testing = request.args.get("test") == "1" and _manages(connection)
    if not (connection.enabled or testing):
        abort(404)
    config = current_app.config
    try:
        metadata = oidc.discover(
            connection,
            timeout=config["OIDC_HTTP_TIMEOUT_SECONDS"],
            allow_http_loopback=config["OIDC_ALLOW_HTTP_LOOPBACK"],
        )
    except oidc.ProviderUnavailable as problem:
        return _unavailable(problem, connection)
    tester = current_user._get_current_object() if testing else None
    attempt = sso.begin_attempt(
        db.session, connection, next_target=_next(), tested_by=tester, now=clock.now()
    )
    session[STATE_KEY] = attempt.state
    login_hint = tester.email if tester else session.pop(LOGIN_HINT_KEY, None)
    url = oidc.authorization_url(
        connection,
        metadata,
        redirect_uri=external_url("auth.sso_callback"),
        state=attempt.state,
        nonce=attempt.nonce,
        code_verifier=attempt.code_verifier,
        login_hint=login_hint,
    )
    db.session.commit()
    return redirect(url)


def _failed(response: Response) -> bool:
    """Only refused callbacks count towards the limit (a success redirects)."""
    return response.status_code != 302


def _client_secret(connection: SsoConnection) -> str:
    from_environment = os.environ.get(secret_variable(connection.slug), "").strip()
    if from_environment:
        return from_environment
    not_ready = _(
        "Sign-in with %(provider)s is not fully set up on this server yet. Tell your school admin.",
        provider=connection.provider_name,
    )
    if not connection.client_secret_encrypted:
        raise oidc.ProviderUnavailable(not_ready, "no client secret")
    try:
        return decrypt(connection.client_secret_encrypted,
                       current_app.config["DATA_ENCRYPTION_KEY"])  # fmt: skip
    except EncryptionUnavailable as error:
        raise oidc.ProviderUnavailable(not_ready, str(error)) from error


@bp.get("/sign-in/sso/callback")
@limiter.limit(lambda: current_app.config["SSO_CALLBACK_LIMIT_PER_IP"], deduct_when=_failed)
def sso_callback():
    expected = session.pop(STATE_KEY, None)
    state = request.args.get("state", "")
    connection = None
    config = current_app.config
    try:
        if not (
            isinstance(expected, str)
            and state
            and hmac.compare_digest(expected.encode(), state.encode())
        ):
            raise sso.SsoRefused("state_mismatch", sso.START_AGAIN)
        max_age = timedelta(minutes=config["OIDC_SIGN_IN_MAX_MINUTES"])
        attempt = sso.use_attempt(db.session, state, now=clock.now(), max_age=max_age)
        db.session.commit()  # used up now, whatever happens next
        connection = attempt.connection
        if error := request.args.get("error"):
            raise sso.SsoRefused(
                f"provider_error:{error[:40]}",
                _(
                    "%(provider)s did not sign you in (you may have cancelled). "
                    "Start again from the sign-in page.",
                    provider=connection.provider_name,
                ),
            )
        code = request.args.get("code", "")
        if not code or len(code) > 4000:
            raise sso.SsoRefused("code_missing", sso.START_AGAIN)
        if not connection.enabled and attempt.tested_by_id is None:
            raise sso.SsoRefused(
                "connection_off",
                _("%(school)s has turned this sign-in off.", school=connection.school.name),
            )
        secret = _client_secret(connection)
        timeout = config["OIDC_HTTP_TIMEOUT_SECONDS"]
        metadata = oidc.discover(
            connection, timeout=timeout, allow_http_loopback=config["OIDC_ALLOW_HTTP_LOOPBACK"]
        )
        claims = oidc.redeem_code(
            connection,
            metadata,
            client_secret=secret,
            code=code,
            code_verifier=attempt.code_verifier,
            nonce=attempt.nonce,
            redirect_uri=external_url("auth.sso_callback"),
            timeout=timeout,
            leeway=config["OIDC_CLOCK_SKEW_SECONDS"],
        )
        match = sso.match_account(db.session, connection, claims, now=clock.now())
        sso.check_tester(match, attempt.tested_by_id, connection)
    except sso.SsoRefused as refusal:
        return _refused(refusal, connection)
    except oidc.ProviderUnavailable as problem:
        return _unavailable(problem, connection)
    if attempt.tested_by_id is not None:
        return _tested(match, connection)
    return _signed_in(match, connection, attempt.next_target)


def _signed_in(
    match: sso.SignInMatch, connection: SsoConnection, next_target: str
) -> ResponseReturnValue:
    user, via = match.user, connection.provider_name
    if match.how in ("invitation", "created"):
        action = "invitation_accepted" if match.how == "invitation" else "sso_account_created"
        audit.record(action, actor_id=user.id, school_id=user.school_id, object_type="user",
                     object_id=user.id, via=via)  # fmt: skip
        flash(_("Welcome, %(name)s. Your account is ready.", name=user.display_name), "success")
    if sso.second_step_needed(connection, user):
        audit.record("sign_in_provider_accepted", actor_id=user.id, school_id=user.school_id,
                     via=via)  # fmt: skip
        begin_second_step(user, next_target, via=via)
        db.session.commit()
        return redirect(url_for("auth.two_step"))
    by_provider = "identity provider" if connection.idp_enforces_mfa else None
    finish_sign_in(user, now=clock.now(), record=audit.record, second_step=by_provider, via=via)
    enrol = mfa_required(db.session, user) and not connection.idp_enforces_mfa
    start_session(user, enrolment_required=enrol, via_provider=True)
    db.session.commit()
    return redirect(safe_redirect_target(next_target or None))


def _tested(match: sso.SignInMatch, connection: SsoConnection) -> ResponseReturnValue:
    audit.record("sso_connection_tested", school_id=connection.school_id, object_type="school",
                 object_id=connection.school_id, via=connection.provider_name)  # fmt: skip
    db.session.commit()
    flash(
        _(
            "It works: you signed in with %(provider)s as %(email)s.",
            provider=connection.provider_name,
            email=match.user.email,
        ),
        "success",
    )
    return redirect(url_for("admin.sso_settings_page", school_id=connection.school_id))


def _refused(refusal: sso.SsoRefused, connection: SsoConnection | None) -> ResponseReturnValue:
    db.session.rollback()  # nothing half-made stays (an account, a link)
    audit.record(
        "sso_sign_in_refused",
        school_id=connection.school_id if connection else None,
        reason=refusal.reason,
        email=refusal.email,
        via=connection.provider_name if connection else None,
    )
    db.session.commit()
    status = 400 if refusal.reason.startswith(PROTOCOL_REASONS) else 403
    return render_template(
        "auth/sso_refused.html", message=refusal.message, connection=connection
    ), status


def _unavailable(
    problem: oidc.ProviderUnavailable, connection: SsoConnection | None
) -> ResponseReturnValue:
    db.session.rollback()
    audit.record(
        "sso_provider_unavailable",
        school_id=connection.school_id if connection else None,
        problem=problem.detail[:300],
        via=connection.provider_name if connection else None,
    )
    db.session.commit()
    return render_template(
        "auth/sso_refused.html", message=problem.message, connection=connection
    ), 502
