"""Publishing policies: a new policy, a new version of one (Markdown or a PDF) and withdrawing
one, for the school's DPO and admins. The rules are in app/services/policies/publishing.py."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import audit, clock
from app.form_fields import ConfirmForm
from app.models import db
from app.policies import bp
from app.policies.forms import PolicyForm, VersionForm
from app.policies.views import PUBLISHERS, current_or_404, policy_or_404
from app.security import roles_required
from app.services.policies import publishing

UPLOAD_ALLOWANCE = 256 * 1024  # the rest of the form around the PDF
UPLOAD_ENDPOINTS = {"policies.new_policy", "policies.new_version"}


def _max_mb() -> int:
    return current_app.config["POLICY_PDF_MAX_MB"]


def _max_pdf_bytes() -> int:
    return _max_mb() * 1024 * 1024


@bp.url_value_preprocessor
def _allow_policy_uploads(endpoint: str | None, values: dict | None) -> None:  # noqa: ARG001
    """A publisher's request to a publishing page may be as big as a policy PDF; every other
    request keeps the app's MAX_CONTENT_LENGTH. Done here because URL preprocessors run before
    any before_request function, and the CSRF check there reads (so limits) the body."""
    if endpoint not in UPLOAD_ENDPOINTS:
        return
    if current_user.is_authenticated and current_user.has_role(*PUBLISHERS):
        request.max_content_length = _max_pdf_bytes() + UPLOAD_ALLOWANCE


def _document_kwargs(form: VersionForm) -> dict:
    return {
        "label": form.label.data,
        "change_note": form.change_note.data,
        "body": None if form.pdf_bytes else form.body.data,
        "pdf": form.pdf_bytes,
        "original_name": form.pdf.data.filename if form.pdf_bytes else None,
        "files_dir": current_app.config["POLICY_FILES_DIR"],
        "max_pdf_bytes": _max_pdf_bytes(),
        "now": clock.now(),
        "actor_id": current_user.id,
        "record": audit.record,
    }


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*PUBLISHERS)
def new_policy():
    form = PolicyForm()
    form.max_pdf_bytes = _max_pdf_bytes()
    if form.validate_on_submit():
        try:
            version = publishing.publish_policy(
                db.session,
                school_id=current_user.school_id,
                kind=form.kind.data,
                title=form.chosen_title,
                **_document_kwargs(form),
            )
        except publishing.PolicyError as error:
            form.title.errors = [*form.title.errors, *error.problems]
        else:
            db.session.commit()
            flash(f"{version.policy.title} published. Staff are asked to read it.", "success")
            return redirect(url_for("policies.policy", policy_id=version.policy_id))
    return render_template("policies/publish.html", form=form, policy=None, max_mb=_max_mb()), (
        400 if form.errors else 200
    )


@bp.route("/<int:policy_id>/versions/new", methods=["GET", "POST"])
@roles_required(*PUBLISHERS)
def new_version(policy_id: int):
    policy = policy_or_404(policy_id)
    form = VersionForm()
    form.max_pdf_bytes = _max_pdf_bytes()
    current = current_or_404(policy)
    if not form.is_submitted() and not current.is_pdf:
        form.body.data = current.body  # start from the text in force
    if form.validate_on_submit():
        try:
            version = publishing.publish_version(db.session, policy, **_document_kwargs(form))
        except publishing.PolicyError as error:
            form.body.errors = [*form.body.errors, *error.problems]
        else:
            db.session.commit()
            flash(f"{version.name} of {policy.title} published. Staff are asked to read it.",
                  "success")  # fmt: skip
            return redirect(url_for("policies.policy", policy_id=policy.id))
    return render_template("policies/publish.html", form=form, policy=policy, max_mb=_max_mb()), (
        400 if form.errors else 200
    )


@bp.post("/<int:policy_id>/withdraw")
@roles_required(*PUBLISHERS)
def withdraw(policy_id: int):
    found = policy_or_404(policy_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    publishing.withdraw(found, now=clock.now(), actor_id=current_user.id, record=audit.record)
    db.session.commit()
    flash(f"{found.title} was withdrawn: staff are no longer asked to read it.", "success")
    return redirect(url_for("policies.index"))
