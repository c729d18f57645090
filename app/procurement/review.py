"""The review page (score, rating and their explanation), the decision, reviews due and compare."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import audit, clock
from app.form_fields import ConfirmForm
from app.input_limits import bounded_int
from app.models import db
from app.models.procurement import DECISIONS, Vendor
from app.procurement import bp
from app.procurement.common import (
    ROLES,
    checklist_of,
    current_snapshot,
    load_assessment,
    read_only_redirect,
)
from app.procurement.forms import DecisionForm
from app.procurement.vendors import register_row
from app.security import roles_required, school_scoped
from app.services.procurement.assessments import StaleAssessment, bump_version
from app.services.procurement.decision_records import record_decision
from app.services.procurement.decisions import (
    REVIEW_WINDOW_DAYS,
    ConditionInput,
    DecisionError,
    check_decision,
)
from app.services.procurement.reports import report_view


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
        today = clock.now().date()
        conditions = _conditions(form)
        outcome = form.outcome.data
        try:
            check_decision(
                outcome, form.reason.data, conditions, top_band=result["top_band"], today=today
            )
            expected = bounded_int(request.form.get("version"), default=0)
            bump_version(db.session, assessment, expected)
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
            _record(assessment, form, outcome, conditions, result, today)
            db.session.commit()
            flash(f"Decision recorded: {DECISIONS[outcome]}.", "success")
            return redirect(url_for("procurement.review", assessment_id=assessment.id))
    return render_template(
        "procurement/decision.html",
        assessment=assessment,
        form=form,
        result=result,
        problem=problem,
        checklist=checklist_of(assessment),
    )


def _record(assessment, form, outcome, conditions, result, today) -> None:
    decision = record_decision(
        assessment,
        outcome=outcome,
        reason=form.reason.data,
        signed_off_by=form.signed_off_by.data,
        recorded_by=current_user.display_name,
        decided_by_id=current_user.id,
        conditions=conditions,
        result=result,
        today=today,
        snapshot_with=lambda decision: current_snapshot(assessment, decision),
    )
    audit.record(
        "assessment_decided",
        object_type="assessment",
        object_id=assessment.id,
        outcome=outcome,
        rating=result["band"],
        score=result["score"],
        departs_from_rating=decision["departs_from_rating"] or None,
        snapshot_hash=assessment.snapshot_hash,
    )


@bp.get("/reviews")
@roles_required(*ROLES)
def reviews_due():
    today = clock.now().date()
    horizon = today + timedelta(days=REVIEW_WINDOW_DAYS)
    vendors = db.session.execute(school_scoped(Vendor)).scalars()
    rows = []
    for vendor in vendors:
        decided = vendor.latest_decided
        if decided and decided.valid_until and decided.valid_until <= horizon:
            rows.append(
                {
                    "vendor": vendor,
                    "assessment": decided,
                    "days": (decided.valid_until - today).days,
                    "newer_draft": not vendor.latest_assessment.decided,
                }
            )
    rows.sort(key=lambda row: row["assessment"].valid_until)
    return render_template(
        "procurement/reviews.html", rows=rows, window=REVIEW_WINDOW_DAYS, confirm=ConfirmForm()
    )


@bp.get("/compare")
@roles_required(*ROLES)
def compare():
    vendors = list(db.session.execute(school_scoped(Vendor).order_by(Vendor.product)).scalars())
    assessed = [v for v in vendors if v.latest_assessment is not None]
    try:
        wanted = [int(value) for value in request.args.getlist("vendor")]
    except ValueError:
        abort(400)
    chosen = [v for v in assessed if v.id in wanted]
    error = None
    if request.args and not 2 <= len(chosen) <= 4:
        error = "Choose between two and four products to compare"
        chosen = []
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
        today=clock.now().date(),
        register_row=register_row,
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
        "knockouts": [lim for lim in result["limits"] if lim["kind"] == "knockout"],
    }
