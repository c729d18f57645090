"""Reading policies: the school's policies (what you still have to read), one policy's current
or earlier version with its acknowledgement button, its PDF, and acknowledging it. Publishing is
in publish_views.py, who has acknowledged what in oversight_views.py.

Views look up, validate, call one service, commit and redirect; the rules are in
app/services/policies/.
"""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app import audit, clock
from app.content.markdown import render_markdown
from app.downloads import download
from app.form_fields import ConfirmForm
from app.input_limits import bounded_int
from app.models import Role, db
from app.models.policies import Policy, PolicyVersion
from app.policies import bp
from app.policies.forms import AcknowledgeForm
from app.security import get_scoped_or_404
from app.services.policies import acknowledgements, files, publishing
from app.util.i18n import _

PUBLISHERS = (Role.DPO, Role.SCHOOL_ADMIN)  # publish and withdraw their school's policies
OVERSEERS = (*PUBLISHERS, Role.TRUST_ADMIN)  # see who has acknowledged (trust: every school)


@bp.app_template_global()
def policies_to_read() -> list:
    """The signed-in user's unacknowledged policies, for the home and My training panels."""
    if not current_user.is_authenticated:
        return []
    return acknowledgements.to_read(db.session, current_user)


def policy_or_404(policy_id: int, school_ids: list[int] | None = None) -> Policy:
    policy = get_scoped_or_404(Policy, policy_id, school_ids)
    current_or_404(policy)
    return policy


def current_or_404(policy: Policy) -> PolicyVersion:
    """The version in force (every published policy has one)."""
    current = policy.current
    if current is None:
        abort(404)
    return current


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


@bp.get("/")
@login_required
def index():
    school_ids = [current_user.school_id]
    overview = acknowledgements.overview(db.session, school_ids)
    to_read = {c.version.id for c in acknowledgements.to_read(db.session, current_user)}
    withdrawn = []
    if current_user.has_role(*PUBLISHERS):
        withdrawn = publishing.withdrawn_policies(db.session, current_user.school_id)
    return render_template(
        "policies/index.html",
        overview=overview,
        to_read=to_read,
        withdrawn=withdrawn,
        can_publish=current_user.has_role(*PUBLISHERS),
        can_oversee=current_user.has_role(*OVERSEERS),
    )


def _show(policy: Policy, version: PolicyVersion):
    current = current_or_404(policy)
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
    found = _readable(policy_or_404(policy_id))
    return _show(found, current_or_404(found))


@bp.get("/<int:policy_id>/versions/<int:version_id>")
@login_required
def version(policy_id: int, version_id: int):
    found = _readable(policy_or_404(policy_id))
    return _show(found, _version_or_404(found, version_id))


@bp.get("/<int:policy_id>/versions/<int:version_id>.pdf")
@login_required
def document(policy_id: int, version_id: int):
    found = _readable(policy_or_404(policy_id))
    chosen = _version_or_404(found, version_id)
    if chosen.file_name is None:  # a text version: nothing to download
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
    found = _readable(policy_or_404(policy_id))
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        abort(400)
    chosen = _version_or_404(found, bounded_int(form.version_id.data, default=0))
    try:
        acknowledgements.acknowledge(
            db.session, chosen, current_user, now=clock.now(), record=audit.record
        )
    except publishing.PolicyError as error:
        flash(str(error), "error")
        return redirect(url_for("policies.policy", policy_id=found.id))
    db.session.commit()
    flash(
        _(
            "Thank you. Your acknowledgement of %(policy)s (%(version)s) is recorded.",
            policy=found.title,
            version=chosen.name,
        ),
        "success",
    )
    return redirect(url_for("policies.index"))
