"""Two-step sign-in pages: the second step of signing in (a code from an authenticator app, or
a recovery code), and setting it up, renewing recovery codes and turning it off from "Your
account". The rules are in app/services/accounts/mfa.py.

After a right password, a user with two-step sign-in on is not signed in yet: the Flask session
only holds who passed the first step, when, and where they were going, for five minutes. The
session starts when the second step passes. Password reset signs nobody in, so it never skips
this step. A user whose school requires two-step sign-in and who has not set it up is signed
in, but every page sends them to set it up first (`send_to_enrolment`).

Codes are checked against real time, not app.clock: the authenticator app's clock is the
phone's.
"""

import time

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from app import audit
from app.auth import bp
from app.auth.forms import PasswordCheckForm, RecoveryCodeForm, TwoStepForm
from app.auth.session import ENROL_KEY, PROVIDER_SIGN_IN_KEY, hashing, start_session
from app.extensions import limiter
from app.form_fields import ConfirmForm, add_error
from app.models import User, db
from app.models.base import utcnow
from app.security import safe_redirect_target
from app.services.accounts import mfa
from app.services.accounts.sign_in import finish_sign_in
from app.util.i18n import _

PENDING_KEY = "mfa_pending"
PENDING_SECONDS = 300
RECHECK_SECONDS = 600
# Pages a user who must set up two-step sign-in may still open.
OPEN_BEFORE_ENROLMENT = {
    "auth.mfa_setup",
    "auth.sign_out",
    "static",
    "main.accessibility",
    "main.privacy",
    "main.health",
}


def begin_second_step(user: User, next_target: str | None, via: str | None = None) -> None:
    """Remember that `user` passed the first step (their password, or `via` their school's
    identity provider); the session starts after the code."""
    session.clear()
    session[PENDING_KEY] = {
        "user": user.id,
        "epoch": user.session_epoch,
        "at": int(time.time()),
        "next": next_target or "",
        "via": via or "",
    }


def _pending() -> dict | None:
    data = session.get(PENDING_KEY)
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    if not 0 <= time.time() - data.get("at", 0) <= PENDING_SECONDS:
        return None
    return data


def _pending_user() -> User | None:
    data = _pending()
    if data is None:
        return None
    user = db.session.get(User, data["user"])
    if user is None or not user.active or not user.mfa_enabled:
        return None
    return user if user.session_epoch == data["epoch"] else None


def _second_step_key() -> str:
    data = _pending()
    return f"two-step:{data['user']}" if data else f"two-step-ip:{request.remote_addr}"


def _failed(response) -> bool:
    return response.status_code != 302


# Codes and recovery codes share one count per account, as failed passwords do.
second_step_limit = limiter.shared_limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"],
    scope="two-step",
    key_func=_second_step_key,
    methods=["POST"],
    deduct_when=_failed,
)


def _start_again():
    session.pop(PENDING_KEY, None)
    flash(_("Sign in again: the time to enter your code ran out."), "info")
    return redirect(url_for("auth.sign_in"))


def _signed_in(user: User, second_step: str):
    pending = _pending() or {}
    next_target, via = pending.get("next"), pending.get("via") or None
    finish_sign_in(user, now=utcnow(), record=audit.record, second_step=second_step, via=via)
    start_session(user, via_provider=via is not None)
    db.session.commit()
    return redirect(safe_redirect_target(next_target))


@bp.route("/sign-in/two-step", methods=["GET", "POST"])
@second_step_limit
def two_step():
    user = _pending_user()
    if user is None:
        return _start_again()
    form = TwoStepForm()
    if form.validate_on_submit():
        if mfa.verify_code(db.session, user, form.code.data or "", utcnow()):
            return _signed_in(user, "authenticator app")
        audit.record("mfa_code_refused", actor_id=user.id, school_id=user.school_id)
        db.session.commit()
        add_error(form.code, _("The code is not right: enter the 6-digit code your app shows now"))
    return render_template("auth/two_step.html", form=form)


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@second_step_limit
def recovery_code():
    user = _pending_user()
    if user is None:
        return _start_again()
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        if mfa.use_recovery_code(db.session, user, form.code.data or "", utcnow()):
            left = mfa.recovery_codes_left(db.session, user)
            response = _signed_in(user, "recovery code")
            flash(
                _(
                    "You used a recovery code: %(left)d left. If you no longer have your "
                    "authenticator app, set up two-step sign-in again from Your account.",
                    left=left,
                ),
                "info",
            )
            return response
        audit.record("mfa_recovery_code_refused", actor_id=user.id, school_id=user.school_id)
        db.session.commit()
        add_error(form.code, _("That recovery code is not right, or it has been used"))
    return render_template("auth/recovery_code.html", form=form)


@bp.before_app_request
def send_to_enrolment():
    """While the school requires two-step sign-in and it is not set up, every page sends the
    user to set it up (the flag is set at sign-in, so this costs no query otherwise)."""
    if not session.get(ENROL_KEY) or request.endpoint in OPEN_BEFORE_ENROLMENT:
        return None
    if not current_user.is_authenticated:
        return None
    return redirect(url_for("auth.mfa_setup"))


@bp.route("/account/two-step", methods=["GET", "POST"])
@login_required
def mfa_setup():
    user = current_user._get_current_object()
    if user.mfa_enabled:
        return _manage_page(user)
    mfa.begin_enrolment(user)
    form = TwoStepForm()
    if form.validate_on_submit():
        codes = mfa.confirm_enrolment(db.session, user, form.code.data or "", utcnow())
        if codes is not None:
            audit.record("mfa_enabled", object_type="user", object_id=user.id)
            db.session.commit()
            session.pop(ENROL_KEY, None)
            return render_template("auth/recovery_codes.html", codes=codes, first_time=True)
        add_error(
            form.code,
            _(
                "The code is not right: check the app shows this service, then enter the code "
                "it shows now"
            ),
        )
    db.session.commit()  # keeps the secret, so the QR code stays the same on reload
    uri = mfa.provisioning_uri(user, current_app.config["SERVICE_NAME"])
    return render_template(
        "auth/mfa_setup.html",
        form=form,
        qr_code=mfa.qr_code_data_uri(uri),
        secret=mfa.grouped_secret(user),
        required=bool(session.get(ENROL_KEY)),
    ), (400 if form.errors else 200)


def _manage_page(user: User, form: PasswordCheckForm | None = None, status: int = 200):
    return render_template(
        "auth/mfa_manage.html",
        form=form or PasswordCheckForm(),
        codes_left=mfa.recovery_codes_left(db.session, user),
        required=mfa.mfa_required(db.session, user),
    ), status


def _password_checked(user: User) -> PasswordCheckForm | None:
    """The form when the password given is wrong or missing; None when it is right. An
    account without a password (it signs in through the school's identity provider) passes
    instead when this browser signed in that way in the last RECHECK_SECONDS."""
    form = PasswordCheckForm()
    if not user.password_hash:
        signed_in_at = session.get(PROVIDER_SIGN_IN_KEY)
        recent = isinstance(signed_in_at, int) and time.time() - signed_in_at <= RECHECK_SECONDS
        if ConfirmForm().validate_on_submit() and recent:
            return None
        form.password.errors = [
            _(
                "Sign out, sign in again with your school account, then make this change within "
                "%(minutes)d minutes",
                minutes=RECHECK_SECONDS // 60,
            )
        ]
        return form
    if form.validate_on_submit():
        if hashing().verify(user.password_hash, form.password.data or ""):
            return None
        add_error(form.password, _("Your password is not correct"))
    return form


@bp.post("/account/two-step/recovery-codes")
@login_required
def new_recovery_codes():
    user = current_user._get_current_object()
    if not user.mfa_enabled:
        return redirect(url_for("auth.mfa_setup"))
    if (form := _password_checked(user)) is not None:
        return _manage_page(user, form, 400)
    codes = mfa.new_recovery_codes(db.session, user, utcnow())
    audit.record("mfa_recovery_codes_renewed", object_type="user", object_id=user.id)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, first_time=False)


@bp.post("/account/two-step/turn-off")
@login_required
def turn_off_mfa():
    user = current_user._get_current_object()
    if not user.mfa_enabled:
        return redirect(url_for("auth.mfa_setup"))
    if (form := _password_checked(user)) is not None:
        return _manage_page(user, form, 400)
    required = mfa.mfa_required(db.session, user)
    mfa.turn_off(db.session, user)
    audit.record("mfa_disabled", object_type="user", object_id=user.id)
    db.session.commit()
    if required:  # their school requires it: this is setting it up on a new phone
        session[ENROL_KEY] = True
        flash(_("Set up two-step sign-in with the authenticator app on your new phone."), "info")
        return redirect(url_for("auth.mfa_setup"))
    flash(_("Two-step sign-in is off. You sign in with your password alone."), "success")
    return redirect(url_for("auth.account"))
