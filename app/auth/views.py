"""Views for signing in and out, joining by invitation, resetting and changing passwords.
The second step of signing in and setting it up are in app/auth/two_step.py."""

import time

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app import audit, clock
from app.auth import bp
from app.auth.forms import (
    ChangePasswordForm,
    JoinForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignInForm,
)
from app.auth.session import end_session, hashing, start_session
from app.auth.tokens import new_reset_token, read_invitation_token, read_reset_token
from app.auth.two_step import begin_second_step
from app.extensions import limiter
from app.form_fields import add_error
from app.mail import external_url, send_email
from app.models import Invitation, User, db
from app.security import safe_redirect_target
from app.services.accounts.mfa import mfa_required
from app.services.accounts.passwords import set_password
from app.services.accounts.sign_in import PasswordSignInOff, authenticate
from app.services.accounts.sso import connection_for_school, password_off_connection
from app.services.accounts.staff import (
    AccountError,
    InvitationState,
    accept_invitation,
    invitation_state,
    normalise_email,
)
from app.util.i18n import _


def _account_key() -> str:
    return "sign-in:" + normalise_email(request.form.get("email", ""))


def _failed(response) -> bool:
    """Only failed attempts count towards the limit (a success redirects)."""
    return response.status_code != 302


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_IP"], methods=["POST"], deduct_when=_failed
)
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = authenticate(
                db.session,
                form.email.data or "",
                form.password.data or "",
                hashing=hashing(),
                now=clock.now(),
                record=audit.record,
            )
        except PasswordSignInOff as refusal:
            db.session.commit()
            off = refusal.connection
            add_error(
                form.email,
                _(
                    "%(school)s signs in with %(provider)s, not a password: "
                    "use Sign in with %(provider)s",
                    school=off.school.name,
                    provider=off.provider_name,
                ),
            )
            return render_template("auth/sign_in.html", form=form, password_off=off), 403
        if user is None:
            db.session.commit()
            add_error(form.email, _("Enter a correct email address and password"))
        elif user.mfa_enabled:
            begin_second_step(user, request.args.get("next"))
            db.session.commit()
            return redirect(url_for("auth.two_step"))
        else:
            start_session(user, enrolment_required=mfa_required(db.session, user))
            db.session.commit()
            return redirect(safe_redirect_target(request.args.get("next")))
    return render_template("auth/sign_in.html", form=form), 200


@bp.post("/sign-out")
def sign_out():
    if current_user.is_authenticated:
        audit.record("sign_out")
    end_session()  # deletes this browser's server-side session: a copied cookie stops working
    db.session.commit()
    flash(_("You have signed out."), "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    max_age = current_app.config["INVITATION_MAX_AGE_HOURS"] * 3600
    token_hash = read_invitation_token(token, max_age)
    invitation = None
    if token_hash:
        stmt = select(Invitation).where(Invitation.token_hash == token_hash)
        invitation = db.session.execute(stmt).scalar_one_or_none()
    if invitation is None or invitation_state(invitation, clock.now()) != InvitationState.PENDING:
        return render_template("auth/link_invalid.html", kind="invitation"), 410
    connection = connection_for_school(db.session, invitation.school_id)
    connection = connection if connection and connection.enabled else None
    if connection and not connection.password_sign_in:
        return render_template("auth/join.html", form=None, invitation=invitation,
                               connection=connection)  # fmt: skip
    form = JoinForm(display_name=invitation.display_name)
    if form.validate_on_submit():
        try:
            user = accept_invitation(
                db.session,
                invitation,
                display_name=form.display_name.data or "",
                password=form.password.data or "",
                hashing=hashing(),
                now=clock.now(),
            )
        except AccountError as error:
            add_error(form.password, *error.problems)
        else:
            audit.record(
                "invitation_accepted",
                actor_id=user.id,
                school_id=user.school_id,
                object_type="user",
                object_id=user.id,
            )
            start_session(user, enrolment_required=mfa_required(db.session, user))
            db.session.commit()
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.display_name), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/join.html", form=form, invitation=invitation,
                           connection=connection)  # fmt: skip


@bp.route("/reset-password", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        started = time.monotonic()
        email = normalise_email(form.email.data or "")
        user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        off = password_off_connection(db.session, user.school_id) if user else None
        if user is not None and user.active and off is not None:
            # The same answer on the page; the owner of the address learns why by email.
            send_email(
                user.email,
                "password_reset_sso",
                school_id=user.school_id,
                name=user.display_name,
                school=off.school.name,
                provider=off.provider_name,
                link=external_url("auth.school_sign_in", school_slug=off.slug),
            )
            audit.record("password_reset_refused", actor_id=user.id, school_id=user.school_id,
                         reason="password_sign_in_off")  # fmt: skip
            db.session.commit()
        elif user is not None and user.active:
            token = new_reset_token(user.id, user.session_epoch)
            send_email(
                user.email,
                "password_reset",
                school_id=user.school_id,
                name=user.display_name,
                link=external_url("auth.reset_password", token=token),
                minutes=current_app.config["PASSWORD_RESET_MAX_AGE_MINUTES"],
            )
            audit.record("password_reset_requested", actor_id=user.id, school_id=user.school_id)
            db.session.commit()
        # The same answer whether or not the address has an account, and after the same time:
        # sending the email is what takes long, so every answer waits as long as sending would.
        _no_sooner_than(started, current_app.config["PASSWORD_RESET_MIN_SECONDS"])
        return render_template("auth/reset_sent.html", email=email)
    return render_template("auth/reset_request.html", form=form)


def _no_sooner_than(started: float, seconds: float) -> None:
    remaining = started + seconds - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE_MINUTES"] * 60
    data = read_reset_token(token, max_age)
    user_id, epoch = data if data else (None, None)
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active or user.session_epoch != epoch:
        return render_template("auth/link_invalid.html", kind="reset"), 410
    if off := password_off_connection(db.session, user.school_id):
        return render_template("auth/sso_passwords_off.html", connection=off), 403
    form = ResetPasswordForm()
    if form.validate_on_submit():
        if problems := set_password(user, form.password.data or "", hashing=hashing()):
            add_error(form.password, *problems)
        else:
            audit.record("password_reset", actor_id=user.id, school_id=user.school_id)
            end_session()  # the reset signs nobody in: the next sign-in asks for every step
            db.session.commit()
            flash(_("Your password has been changed. Sign in with your new password."), "success")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    password_off = password_off_connection(db.session, current_user.school_id)
    if password_off is None and form.validate_on_submit():
        user = current_user._get_current_object()
        if not hashing().verify(user.password_hash, form.current_password.data or ""):
            add_error(form.current_password, _("Your current password is not correct"))
        elif problems := set_password(user, form.password.data or "", hashing=hashing()):
            add_error(form.password, *problems)
        else:
            audit.record("password_changed")
            start_session(user)  # this browser goes on in a new session with the new epoch
            db.session.commit()
            flash(
                _("Your password has been changed. You are signed out everywhere else."), "success"
            )
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, password_off=password_off)


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    current_user.end_all_sessions()
    audit.record("signed_out_everywhere")
    end_session()
    db.session.commit()
    flash(_("You have been signed out on every device."), "success")
    return redirect(url_for("auth.sign_in"))
