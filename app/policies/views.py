"""Policy pages: the school's policies (what you still have to read), one policy's current or
earlier version with its acknowledgement button, its PDF, publishing a policy or a new version,
withdrawing one, and who has acknowledged what (page and CSV).

Views look up, validate, call one service, commit and redirect; the rules are in
app/services/policies/.
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app import audit, clock
from app.content.markdown import render_markdown
from app.downloads import csv_download, download
from app.form_fields import ConfirmForm
from app.models import ROLE_LABELS, Role, db
from app.models.policies import Policy, PolicyVersion
from app.oversight.views import chosen_school_id
from app.policies import bp
from app.policies.forms import AcknowledgeForm, PolicyForm, VersionForm
from app.security import get_scoped_or_404, managed_school_ids, roles_required
from app.services.policies import acknowledgements, files, publishing
from app.services.policies.acknowledgements import ACK_LABELS, ACK_TAGS, AckStatus
from app.util.dates import short_date

PUBLISHERS = (Role.DPO, Role.SCHOOL_ADMIN)  # publish and withdraw their school's policies
OVERSEERS = (*PUBLISHERS, Role.TRUST_ADMIN)  # see who has acknowledged (trust: every school)
UPLOAD_ALLOWANCE = 256 * 1024  # the rest of the form around the PDF
LIST_LIMIT = 200  # people listed on a page; the CSV has everyone


@bp.app_template_global()
def policies_to_read() -> list:
    """The signed-in user's unacknowledged policies, for the home and My training panels."""
    if not current_user.is_authenticated:
        return []
    return acknowledgements.to_read(db.session, current_user)


def _max_pdf_bytes() -> int:
    return current_app.config["POLICY_PDF_MAX_MB"] * 1024 * 1024


UPLOAD_ENDPOINTS = {"policies.new_policy", "policies.new_version"}


@bp.url_value_preprocessor
def _allow_policy_uploads(endpoint: str | None, values: dict | None) -> None:  # noqa: ARG001
    """A publisher's request to a publishing page may be as big as a policy PDF; every other
    request keeps the app's MAX_CONTENT_LENGTH. Done here because URL preprocessors run before
    any before_request function, and the CSRF check there reads (so limits) the body."""
    publisher = current_user.is_authenticated and current_user.has_role(*PUBLISHERS)
    if endpoint in UPLOAD_ENDPOINTS and publisher:
        request.max_content_length = _max_pdf_bytes() + UPLOAD_ALLOWANCE


def _policy_or_404(policy_id: int, school_ids: list[int] | None = None) -> Policy:
    policy = get_scoped_or_404(Policy, policy_id, school_ids)
    if policy.current is None:
        abort(404)
    return policy


def _readable(policy: Policy) -> Policy:
    """Staff read their own school's policies in force; publishers also see withdrawn ones."""
    if policy.withdrawn_at is not None and not current_user.has_role(*PUBLISHERS):
        abort(404)
    return policy


def _version_or_404(policy: Policy, version_id: int) -> PolicyVersion:
    version = next((v for v in policy.versions if v.id == version_id), None)
    if version is None:
        abort(404)
    return version


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


@bp.get("/")
@login_required
def index():
    school_ids = [current_user.school_id]
    overview = acknowledgements.overview(db.session, school_ids)
    to_read = {c.version.id for c in acknowledgements.to_read(db.session, current_user)}
    withdrawn = []
    if current_user.has_role(*PUBLISHERS):
        withdrawn = (
            db.session.execute(
                select(Policy)
                .where(Policy.school_id == current_user.school_id, Policy.withdrawn_at.is_not(None))
                .order_by(Policy.title)
            )
            .scalars()
            .all()
        )
    return render_template(
        "policies/index.html",
        overview=overview,
        to_read=to_read,
        withdrawn=withdrawn,
        can_publish=current_user.has_role(*PUBLISHERS),
        can_oversee=current_user.has_role(*OVERSEERS),
    )


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
    policy = _policy_or_404(policy_id)
    form = VersionForm()
    form.max_pdf_bytes = _max_pdf_bytes()
    if not form.is_submitted() and not policy.current.is_pdf:
        form.body.data = policy.current.body  # start from the text in force
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


def _max_mb() -> int:
    return current_app.config["POLICY_PDF_MAX_MB"]


def _show(policy: Policy, version: PolicyVersion):  # type: ignore[no-untyped-def]
    current = policy.current
    mine = acknowledgements.acknowledgement_of(db.session, version, current_user)
    # Sanitised by nh3 in render_markdown, as lessons are; the template marks it safe.
    body_html = None if version.is_pdf else render_markdown(version.body or "")
    return render_template(
        "policies/policy.html",
        policy=policy,
        version=version,
        is_current=version.id == current.id,
        body_html=body_html,
        acknowledged=mine,
        form=AcknowledgeForm(version_id=version.id),
        confirm=ConfirmForm(),
        can_publish=current_user.has_role(*PUBLISHERS),
        can_oversee=current_user.has_role(*OVERSEERS),
    )


@bp.get("/<int:policy_id>")
@login_required
def policy(policy_id: int):
    found = _readable(_policy_or_404(policy_id))
    return _show(found, found.current)


@bp.get("/<int:policy_id>/versions/<int:version_id>")
@login_required
def version(policy_id: int, version_id: int):
    found = _readable(_policy_or_404(policy_id))
    return _show(found, _version_or_404(found, version_id))


@bp.get("/<int:policy_id>/versions/<int:version_id>.pdf")
@login_required
def document(policy_id: int, version_id: int):
    found = _readable(_policy_or_404(policy_id))
    chosen = _version_or_404(found, version_id)
    if not chosen.is_pdf:
        abort(404)
    try:
        data = files.read(current_app.config["POLICY_FILES_DIR"], found.school_id, chosen.file_name)
    except FileNotFoundError:
        current_app.logger.error("Policy file missing: version %s", chosen.id)
        abort(404)
    slug = "".join(c if c.isalnum() else "-" for c in found.title.lower()).strip("-")
    return download(data, f"{slug}-version-{chosen.number}.pdf")


@bp.post("/<int:policy_id>/acknowledge")
@login_required
def acknowledge(policy_id: int):
    found = _readable(_policy_or_404(policy_id))
    form = AcknowledgeForm()
    if not form.validate_on_submit() or not form.version_id.data.isdigit():
        abort(400)
    chosen = _version_or_404(found, int(form.version_id.data))
    try:
        acknowledgements.acknowledge(
            db.session, chosen, current_user, now=clock.now(), record=audit.record
        )
    except publishing.PolicyError as error:
        flash(str(error), "error")
        return redirect(url_for("policies.policy", policy_id=found.id))
    db.session.commit()
    flash(f"Thank you. Your acknowledgement of {found.title} ({chosen.name}) is recorded.",
          "success")  # fmt: skip
    return redirect(url_for("policies.index"))


@bp.post("/<int:policy_id>/withdraw")
@roles_required(*PUBLISHERS)
def withdraw(policy_id: int):
    found = _policy_or_404(policy_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    publishing.withdraw(found, now=clock.now(), actor_id=current_user.id, record=audit.record)
    db.session.commit()
    flash(f"{found.title} was withdrawn: staff are no longer asked to read it.", "success")
    return redirect(url_for("policies.index"))


@bp.get("/<int:policy_id>/acknowledgements")
@roles_required(*OVERSEERS)
def acknowledgement_list(policy_id: int):
    found = _policy_or_404(policy_id, managed_school_ids(current_user))
    wanted = request.args.get("status") or None
    if wanted not in (None, *AckStatus):
        abort(400)
    overview = acknowledgements.overview(db.session, [found.school_id])
    entry = next((o for o in overview if o.policy.id == found.id), None)
    if entry is None:  # withdrawn: nobody is asked any more
        abort(404)
    people = [p for p in entry.people if not wanted or p.status == wanted]
    return render_template(
        "policies/acknowledgements.html",
        entry=entry,
        people=people,
        shown=LIST_LIMIT,
        status=wanted,
        labels=ACK_LABELS,
        tags=ACK_TAGS,
        statuses=AckStatus,
    )


@bp.get("/acknowledgements.csv")
@roles_required(*OVERSEERS)
def acknowledgements_csv():
    school_id = chosen_school_id()
    wanted = request.args.get("policy", type=int)
    rows = [
        [
            person.name,
            person.email,
            ", ".join(ROLE_LABELS[Role(role)] for role in person.roles),
            entry.policy.title,
            entry.version.name,
            ACK_LABELS[person.status],
            person.version_name or "",
            short_date(person.acknowledged_at) if person.acknowledged_at else "",
        ]
        for entry in acknowledgements.overview(db.session, [school_id])
        if wanted is None or entry.policy.id == wanted
        for person in entry.people
    ]
    audit.record(
        "policy_acknowledgements_exported",
        school_id=school_id,
        object_type="school",
        object_id=school_id,
        rows=len(rows),
    )
    db.session.commit()
    header = ["Name", "Email", "Roles", "Policy", "Current version", "Status",
              "Version acknowledged", "Acknowledged on"]  # fmt: skip
    return csv_download(f"policy-acknowledgements-{clock.today():%Y-%m-%d}.csv", header, rows)
