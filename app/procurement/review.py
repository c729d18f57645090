"""The review page (score, rating and their explanation), the decision, reviews due and compare."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import audit, clock
from app.form_fields import ConfirmForm
from app.jobs import prerender
from app.models import db
from app.models.procurement import Vendor
from app.procurement import bp
from app.procurement.common import (
    ROLES,
    checklist_of,
    current_snapshot,
    form_version,
    load_assessment,
    read_only_redirect,
)
from app.procurement.forms import DecisionForm
from app.security import roles_required, school_scoped
from app.services.procurement.assessments import StaleAssessment
from app.services.procurement.decision_records import decide
from app.services.procurement.decisions import ConditionInput, DecisionError
from app.services.procurement.reports import report_view
from app.services.procurement.reviews import (
    REVIEW_WINDOW_DAYS,
    product_states,
    products_due_for_review,
)
from app.services.procurement.scoring import LimitKind


@bp.get("/assessments/<int:assessment_id>/review")
@roles_required(*ROLES)
def review(assessment_id: int):
    assessment = load_assessment(assessment_id)
    view = report_view(current_snapshot(assessment))
    return render_template(
        "procurement/review.html", assessment=assessment, confirm=ConfirmForm(), **view
    )


def _conditions(form: DecisionForm) -> list[ConditionInput]:
    return [
        ConditionInput(entry.text.data.strip(), entry.owner.data.strip(), entry.due_on.data)
        for entry in form.conditions
        if entry.text.data and entry.text.data.strip() and entry.owner.data and entry.due_on.data
    ]


@bp.route("/assessments/<int:assessment_id>/decision", methods=["GET", "POST"])
@roles_required(*ROLES)
def decision(assessment_id: int):
    assessment = load_assessment(assessment_id)
    if assessment.decided:
        return read_only_redirect(assessment)
    if not assessment.profile_done:
        flash("Answer the profile questions before recording a decision.", "error")
        return redirect(url_for("procurement.profile", assessment_id=assessment.id))
    form = DecisionForm()
    if not form.is_submitted():
        form.signed_off_by.data = current_user.display_name
    snapshot = current_snapshot(assessment)
    result = snapshot["result"]
    problem = None
    if form.validate_on_submit():
        try:
            decision = decide(
                db.session,
                assessment,
                outcome=form.outcome.data,
                reason=form.reason.data,
                conditions=_conditions(form),
                signed_off_by=form.signed_off_by.data,
                recorded_by=current_user.display_name,
                decided_by_id=current_user.id,
                expected_version=form_version(),
                result=result,
                today=clock.now().date(),
                snapshot_with=lambda record: current_snapshot(assessment, record),
            )
        except DecisionError as error:
            problem = str(error)
        except StaleAssessment:
            db.session.rollback()
            flash(
                "Someone changed this assessment while you were deciding. Check the updated "
                "score and rating, then record the decision again.",
                "error",
            )
            return redirect(url_for("procurement.decision", assessment_id=assessment.id))
        else:
            audit.record(
                "assessment_decided",
                object_type="assessment",
                object_id=assessment.id,
                outcome=decision["outcome"],
                rating=result["band"],
                score=result["score"],
                departs_from_rating=decision["departs_from_rating"] or None,
                snapshot_hash=assessment.snapshot_hash,
            )
            db.session.commit()
            prerender("report", assessment.id)
            flash(f"Decision recorded: {decision['label']}.", "success")
            return redirect(url_for("procurement.review", assessment_id=assessment.id))
    return render_template(
        "procurement/decision.html",
        assessment=assessment,
        form=form,
        result=result,
        problem=problem,
        checklist=checklist_of(assessment),
    )


@bp.get("/reviews")
@roles_required(*ROLES)
def reviews_due():
    today = clock.now().date()
    rows = products_due_for_review(db.session, [current_user.school_id], today)
    return render_template(
        "procurement/reviews.html",
        rows=rows,
        today=today,
        window=REVIEW_WINDOW_DAYS,
        confirm=ConfirmForm(),
    )


@bp.get("/compare")
@roles_required(*ROLES)
def compare():
    try:
        wanted = [int(value) for value in request.args.getlist("vendor")]
    except ValueError:
        abort(400)
    products = product_states(db.session, [current_user.school_id])
    assessed = [p for p in products if not p.not_assessed]
    chosen_ids = [p.vendor_id for p in assessed if p.vendor_id in wanted]
    error = None
    if request.args and not 2 <= len(chosen_ids) <= 4:
        error = "Choose between two and four products to compare"
        chosen_ids = []
    # Only the two to four chosen products are loaded in full.
    chosen = db.session.execute(
        school_scoped(Vendor).where(Vendor.id.in_(chosen_ids)).order_by(Vendor.product, Vendor.id)
    ).scalars()
    columns = [_column(vendor) for vendor in chosen]
    titles: list[str] = []
    for column in columns:
        for section in column["result"]["sections"]:
            if section["title"] not in titles:
                titles.append(section["title"])
    return render_template(
        "procurement/compare.html",
        assessed=assessed,
        wanted=wanted,
        columns=columns,
        titles=titles,
        error=error,
    )


def _column(vendor: Vendor) -> dict:
    assessment = vendor.latest_decided or vendor.latest_assessment
    snapshot = current_snapshot(assessment)
    result = snapshot["result"]
    return {
        "vendor": vendor,
        "assessment": assessment,
        "result": result,
        "scores": {s["title"]: s["score"] for s in result["sections"]},
        "knockouts": [lim for lim in result["limits"] if lim["kind"] == LimitKind.KNOCKOUT],
    }
