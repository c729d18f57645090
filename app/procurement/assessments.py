"""Filling in an assessment: the profile, the task list of sections, one page per section, and
re-assessment. Saves are refused when someone else saved first (the version counter)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import audit, clock
from app.content.registry import content
from app.form_fields import ConfirmForm
from app.jobs import prerender
from app.models import db
from app.procurement import bp
from app.procurement.common import (
    ROLES,
    change_list,
    checklist_of,
    form_version,
    load_assessment,
    read_only_redirect,
)
from app.security import roles_required
from app.services.procurement.assessments import (
    StaleAssessment,
    TypedAnswer,
    applicable_questions,
    bump_version,
    conflicts,
    parse_profile_form,
    parse_section_form,
    save_section,
    section_statuses,
    start_assessment,
)
from app.services.procurement.scoring import answer_label


@bp.get("/assessments/<int:assessment_id>")
@roles_required(*ROLES)
def assessment(assessment_id: int):
    assessment = load_assessment(assessment_id)
    if assessment.decided:
        return redirect(url_for("procurement.review", assessment_id=assessment.id))
    checklist = checklist_of(assessment)
    statuses = section_statuses(checklist, assessment)
    applicable = [s for s in statuses if s.applies]
    answered = sum(s.answered for s in applicable)
    total = sum(s.total for s in applicable)
    return render_template(
        "procurement/assessment.html",
        assessment=assessment,
        checklist=checklist,
        statuses=statuses,
        answered=answered,
        total=total,
        percent=round(100 * answered / total) if total else 0,
        confirm=ConfirmForm(),
        changes=change_list(assessment),
    )


@bp.route("/assessments/<int:assessment_id>/profile", methods=["GET", "POST"])
@roles_required(*ROLES)
def profile(assessment_id: int):
    assessment = load_assessment(assessment_id)
    if assessment.decided:
        return read_only_redirect(assessment)
    checklist = checklist_of(assessment)
    values, errors, stale = dict(assessment.profile or {}), {}, False
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        values, errors = parse_profile_form(checklist, request.form)
        expected = form_version()
        if not errors:
            try:
                bump_version(
                    db.session,
                    assessment,
                    expected,
                    profile=values,
                    profile_done=True,
                    updated_at=clock.now(),
                    updated_by_id=current_user.id,
                )
            except StaleAssessment:
                db.session.rollback()
                stale = True
            else:
                db.session.commit()
                prerender("report", assessment.id, draft=True)
                flash(
                    "Profile saved. The sections that apply to this product are listed below.",
                    "success",
                )
                return redirect(url_for("procurement.assessment", assessment_id=assessment.id))
    return render_template(
        "procurement/profile.html",
        assessment=assessment,
        checklist=checklist,
        values=values,
        errors=errors,
        stale=stale,
        saved_profile=assessment.profile or {},
    )


@bp.route("/assessments/<int:assessment_id>/sections/<section_id>", methods=["GET", "POST"])
@roles_required(*ROLES)
def section(assessment_id: int, section_id: str):
    assessment = load_assessment(assessment_id)
    checklist = checklist_of(assessment)
    section = checklist.sections_by_id.get(section_id)
    if section is None:
        abort(404)
    if assessment.decided:
        return read_only_redirect(assessment)
    questions = applicable_questions(checklist, section, assessment.profile or {})
    if not questions:
        flash(f"“{section.title}” does not apply to this product, given its profile.", "info")
        return redirect(url_for("procurement.assessment", assessment_id=assessment.id))
    saved = assessment.answers_by_question()
    typed = {
        q.id: TypedAnswer(
            saved[q.id].value, saved[q.id].note or "", "\n".join(saved[q.id].evidence or [])
        )
        if q.id in saved
        else TypedAnswer()
        for q in questions
    }
    errors, others = {}, []
    version = assessment.version
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        parsed = parse_section_form(checklist, questions, request.form)
        typed, errors = parsed.typed, parsed.errors
        expected = form_version()
        saved_ok = True
        try:
            _save(assessment, parsed, expected)
        except StaleAssessment:
            db.session.rollback()
            others = conflicts(assessment.answers, questions, expected)
            version = assessment.version
            saved_ok = not others
            if saved_ok:  # someone saved another section: nothing here clashes, so save ours
                _save(assessment, parsed, version)
        if saved_ok:
            db.session.commit()
            prerender("report", assessment.id, draft=True)
            version = assessment.version
            if not errors:
                flash(f"“{section.title}” saved.", "success")
                return redirect(_next_url(assessment, checklist, section))
    return render_template(
        "procurement/section.html",
        assessment=assessment,
        checklist=checklist,
        section=section,
        questions=questions,
        typed=typed,
        errors=errors,
        others=others,
        version=version,
        label=lambda q, value: answer_label(
            checklist, q, tuple(value) if isinstance(value, list) else value
        ),
        next_section=_next_section(assessment, checklist, section),
    )


def _save(assessment, parsed, expected: int) -> None:
    save_section(
        db.session,
        assessment,
        parsed,
        expected_version=expected,
        user_id=current_user.id,
        user_name=current_user.display_name,
        now=clock.now(),
    )


def _next_section(assessment, checklist, section):
    ids = [s.id for s in checklist.sections]
    for later in checklist.sections[ids.index(section.id) + 1 :]:
        if applicable_questions(checklist, later, assessment.profile or {}):
            return later
    return None


def _next_url(assessment, checklist, section) -> str:
    if request.form.get("then") == "next":
        following = _next_section(assessment, checklist, section)
        if following is not None:
            return url_for(
                "procurement.section", assessment_id=assessment.id, section_id=following.id
            )
    return url_for("procurement.assessment", assessment_id=assessment.id)


@bp.post("/assessments/<int:assessment_id>/delete")
@roles_required(*ROLES)
def assessment_delete(assessment_id: int):
    assessment = load_assessment(assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if assessment.decided:
        return read_only_redirect(assessment)
    vendor_id = assessment.vendor_id
    audit.record("assessment_deleted", object_type="assessment", object_id=assessment.id)
    db.session.delete(assessment)
    db.session.commit()
    flash("The draft assessment was deleted.", "success")
    return redirect(url_for("procurement.vendor", vendor_id=vendor_id))


@bp.post("/assessments/<int:assessment_id>/reassess")
@roles_required(*ROLES)
def reassess(assessment_id: int):
    previous = load_assessment(assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    checklist = content().checklists.get(previous.checklist_id) or checklist_of(previous)
    assessment = start_assessment(
        db.session,
        previous.vendor,
        checklist,
        user_id=current_user.id,
        user_name=current_user.display_name,
        now=clock.now(),
        previous=previous,
    )
    db.session.flush()
    audit.record(
        "assessment_started",
        object_type="assessment",
        object_id=assessment.id,
        previous=previous.id,
    )
    db.session.commit()
    flash(
        "A new assessment has started with the previous answers filled in. Check each section "
        "for changes.",
        "success",
    )
    return redirect(url_for("procurement.profile", assessment_id=assessment.id))
