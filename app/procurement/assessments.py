"""Filling in an assessment: the profile, the task list of sections, one page per section, and
re-assessment. A section save merges per question with whatever colleagues saved meanwhile
(app/services/procurement/section_saves.py); only questions both people changed are shown to
choose from."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from app import audit, clock
from app.content.registry import content
from app.form_fields import ConfirmForm
from app.models import db
from app.procurement import bp
from app.procurement.common import (
    ROLES,
    checklist_of,
    current_snapshot,
    form_version,
    load_assessment,
    me,
    prerender_reports,
    read_only_redirect,
)
from app.security import roles_required
from app.services.procurement.assessments import (
    StaleAssessment,
    applicable_questions,
    bump_version,
    parse_profile_form,
    section_statuses,
    start_assessment,
)
from app.services.procurement.evidence import remove_orphans
from app.services.procurement.register import RegisterError, delete_draft
from app.services.procurement.reports import answered_counts
from app.services.procurement.scoring import answer_label, answer_words
from app.services.procurement.section_saves import (
    AssessmentLocked,
    TypedAnswer,
    fingerprint_of,
    parse_section_form,
    save_section,
)
from app.util.dates import long_date
from app.util.i18n import _


@bp.get("/assessments/<int:assessment_id>")
@roles_required(*ROLES)
def assessment(assessment_id: int):
    assessment = load_assessment(assessment_id)
    if assessment.locked:
        return redirect(url_for("procurement.review", assessment_id=assessment.id))
    checklist = checklist_of(assessment)
    snapshot = current_snapshot(assessment)
    counts = answered_counts(snapshot["result"])
    return render_template(
        "procurement/assessment.html",
        assessment=assessment,
        checklist=checklist,
        statuses=section_statuses(checklist, snapshot["result"]),
        counts=counts,
        percent=round(100 * counts["answered"] / counts["total"]) if counts["total"] else 0,
        snapshot=snapshot,
    )


@bp.route("/assessments/<int:assessment_id>/profile", methods=["GET", "POST"])
@roles_required(*ROLES)
def profile(assessment_id: int):
    assessment = load_assessment(assessment_id)
    if assessment.locked:
        return read_only_redirect(assessment)
    checklist = checklist_of(assessment)
    values, stale = dict(assessment.profile or {}), False
    errors: dict[str, str] = {}
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
                    updated_by_id=me().id,
                )
            except StaleAssessment:
                db.session.rollback()
                stale = True
            else:
                db.session.commit()
                prerender_reports(assessment.id, draft=True)
                flash(
                    _("Profile saved. The sections that apply to this product are listed below."),
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
    if assessment.locked:
        return read_only_redirect(assessment)
    questions = applicable_questions(checklist, section, assessment.profile or {})
    if not questions:
        flash(
            _(
                "“%(section)s” does not apply to this product, given its profile.",
                section=section.title,
            ),
            "info",
        )
        return redirect(url_for("procurement.assessment", assessment_id=assessment.id))
    saved = assessment.answers_by_question()
    typed = {q.id: TypedAnswer.of(saved.get(q.id)) for q in questions}
    bases = {q.id: fingerprint_of(saved.get(q.id)) for q in questions}
    errors, conflicts, kept_theirs = {}, {}, []
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        parsed = parse_section_form(checklist, questions, request.form)
        user = me()
        try:
            outcome = save_section(
                db.session,
                assessment,
                parsed,
                user_id=user.id,
                user_name=user.display_name,
                now=clock.now(),
            )
        except AssessmentLocked:
            db.session.rollback()
            return read_only_redirect(assessment)
        db.session.commit()
        prerender_reports(assessment.id, draft=True)
        if outcome.finished:
            message = _("“%(section)s” saved.", section=section.title)
            if outcome.kept_theirs:
                message += " " + _(
                    "A colleague changed %(questions)s while you were "
                    "editing: you did not change those, so their answers were kept.",
                    questions=", ".join(outcome.kept_theirs),
                )
            flash(message, "success")
            return redirect(_next_url(assessment, checklist, section))
        typed, bases, errors = outcome.typed, outcome.bases, outcome.errors
        conflicts, kept_theirs = outcome.conflicts, outcome.kept_theirs
    return render_template(
        "procurement/section.html",
        assessment=assessment,
        checklist=checklist,
        section=section,
        questions=questions,
        typed=typed,
        bases=bases,
        errors=errors,
        conflicts=conflicts,
        kept_theirs=kept_theirs,
        label=lambda q, value: answer_words(
            answer_label(checklist, q, tuple(value) if isinstance(value, list) else value)
        ),
        next_section=_next_section(assessment, checklist, section),
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


@bp.route("/assessments/<int:assessment_id>/delete", methods=["GET", "POST"])
@roles_required(*ROLES)
def assessment_delete(assessment_id: int):
    assessment = load_assessment(assessment_id)
    if assessment.locked:
        return read_only_redirect(assessment)
    confirm = ConfirmForm()
    if request.method == "POST":
        if not confirm.validate_on_submit():
            abort(400)
        vendor_id = assessment.vendor_id
        try:
            delete_draft(db.session, assessment, actor_id=me().id, record=audit.record)
        except RegisterError as error:  # pragma: no cover - locked drafts were redirected above
            flash(str(error), "error")
            return redirect(url_for("procurement.review", assessment_id=assessment.id))
        db.session.commit()
        remove_orphans(db.session, current_app.config["EVIDENCE_DIR"])  # its evidence files
        flash(_("The draft assessment was deleted."), "success")
        return redirect(url_for("procurement.vendor", vendor_id=vendor_id))
    return render_template(
        "procurement/confirm_delete.html",
        title=_("Delete this draft assessment of %(product)s?", product=assessment.vendor.product),
        what=[
            _(
                "Started on %(date)s, on %(checklist)s.",
                date=long_date(assessment.created_at),
                checklist=checklist_of(assessment).label,
            ),
            _(
                "%(num)d answers will be deleted. This cannot be undone.",
                num=len(assessment.answers),
            ),
        ],
        button=_("Delete the draft"),
        confirm=confirm,
        back=url_for("procurement.assessment", assessment_id=assessment.id),
    )


@bp.post("/assessments/<int:assessment_id>/reassess")
@roles_required(*ROLES)
def reassess(assessment_id: int):
    previous = load_assessment(assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    vendor = previous.vendor
    latest = vendor.latest_assessment
    if vendor.in_progress and latest is not None:  # a second click, or someone else started it
        return redirect(url_for("procurement.assessment", assessment_id=latest.id))
    checklist = content().checklists.get(previous.checklist_id) or checklist_of(previous)
    user = me()
    assessment = start_assessment(
        db.session,
        vendor,
        checklist,
        user_id=user.id,
        user_name=user.display_name,
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
        _(
            "A new assessment has started with the previous answers filled in. Check each "
            "section for changes."
        ),
        "success",
    )
    return redirect(url_for("procurement.profile", assessment_id=assessment.id))
