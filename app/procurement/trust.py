"""The trust register: sharing a decided assessment with the other schools of the trust, the
register of shared assessments and of products in use across the trust, and starting a school's
own assessment from a shared one. The rules are in app/services/procurement/sharing.py; a
shared assessment is found only for schools of its trust (anyone else gets a 404)."""

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app import audit, clock
from app.content.registry import content
from app.form_fields import ConfirmForm
from app.models import School, db
from app.procurement import bp
from app.procurement.common import ROLES, checklist_of, load_assessment, me
from app.security import roles_required
from app.services.procurement import sharing
from app.util.dates import long_date
from app.util.i18n import _


def _my_school() -> School:
    school = db.session.get(School, me().school_id)
    if school is None:  # pragma: no cover - every user belongs to a school
        abort(404)
    return school


@bp.get("/trust")
@roles_required(*ROLES)
def trust_register() -> str:
    school = _my_school()
    return render_template(
        "procurement/trust_register.html",
        school=school,
        shared=sharing.shared_in_trust(db.session, school),
        products=sharing.products_in_trust(db.session, school),
    )


@bp.get("/trust/assessments/<int:shared_id>")
@roles_required(*ROLES)
def trust_assessment(shared_id: int) -> str:
    found = sharing.find_shared(db.session, shared_id, _my_school())
    if found is None:
        abort(404)
    assessment, summary = found
    return render_template(
        "procurement/trust_assessment.html",
        summary=summary,
        checklist=checklist_of(assessment),
        confirm=ConfirmForm(),
    )


@bp.post("/trust/assessments/<int:shared_id>/reuse")
@roles_required(*ROLES)
def trust_reuse(shared_id: int) -> Response:
    school = _my_school()
    found = sharing.find_shared(db.session, shared_id, school)
    if found is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    shared, summary = found
    checklist = content().checklists.get(shared.checklist_id) or checklist_of(shared)
    user = me()
    source = _("from %(school)s, %(date)s", school=summary.school_name,
               date=long_date(summary.decided_on))  # fmt: skip
    try:
        assessment = sharing.start_from_shared(
            db.session, shared, school, checklist,
            source_label=str(source), user_id=user.id, user_name=user.display_name,
            now=clock.now(),
        )  # fmt: skip
    except sharing.SharingError as error:
        flash(str(error), "error")
        return redirect(url_for("procurement.trust_assessment", shared_id=shared.id))
    db.session.flush()
    audit.record(
        "assessment_started",
        object_type="assessment",
        object_id=assessment.id,
        copied_from_school=summary.school_name,
        copied_from=shared.id,
    )
    db.session.commit()
    flash(
        _("Your own assessment has started with %(school)s's answers filled in. Answer the "
          "profile for your school, then check each section.", school=summary.school_name),
        "success",
    )  # fmt: skip
    return redirect(url_for("procurement.profile", assessment_id=assessment.id))


@bp.post("/assessments/<int:assessment_id>/share")
@roles_required(*ROLES)
def share_with_trust(assessment_id: int) -> Response:
    assessment = load_assessment(assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        sharing.share(assessment, _my_school(), actor_id=me().id, now=clock.now())
    except sharing.SharingError as error:
        flash(str(error), "error")
    else:
        audit.record("assessment_shared", object_type="assessment", object_id=assessment.id)
        db.session.commit()
        flash(_("Shared with the other schools of your trust."), "success")
    return redirect(url_for("procurement.review", assessment_id=assessment.id))


@bp.post("/assessments/<int:assessment_id>/unshare")
@roles_required(*ROLES)
def unshare_with_trust(assessment_id: int) -> Response:
    assessment = load_assessment(assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if assessment.shared_at is not None:
        sharing.unshare(assessment)
        audit.record("assessment_unshared", object_type="assessment", object_id=assessment.id)
        db.session.commit()
        flash(_("No longer shared with your trust."), "success")
    return redirect(url_for("procurement.review", assessment_id=assessment.id))
