"""Supplier responses: the school invites a supplier contact, revokes its link and reviews each
answer; the supplier (no account, only the link) answers the scored questions, saves as it goes,
attaches evidence files and submits. The rules are in
app/services/procurement/supplier_responses.py.

The supplier's pages are reached only through the token in their path; a token that was
tampered with gets a 404, a revoked or expired link a 410, each with a page saying what to do.
They never sign anyone in, so nothing a supplier holds opens a school page."""

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app import audit, clock
from app.content.checklists import Checklist, Question, Section
from app.extensions import limiter
from app.form_fields import ConfirmForm
from app.jobs import prerender
from app.mail import external_url, send_email
from app.models import School, db
from app.models.procurement import (
    AnswerSource,
    Assessment,
    SupplierInvitation,
    SupplierReview,
)
from app.procurement import bp
from app.procurement.common import ROLES, checklist_of, load_assessment, me, read_only_redirect
from app.procurement.evidence import evidence_form, store_upload
from app.security import get_scoped_or_404, roles_required
from app.services.procurement import evidence as evidence_files
from app.services.procurement import supplier_responses as responses
from app.services.procurement.scoring import answer_label, answer_words
from app.services.procurement.section_saves import (
    AssessmentLocked,
    TypedAnswer,
    fingerprint_of,
    parse_section_form,
)
from app.util.dates import long_date
from app.util.i18n import _


def _record_supplier(action: str, invitation: SupplierInvitation, **detail: object) -> None:
    """An audit event of the supplier's side: the school, the assessment, the link and its
    contact, said once for every supplier action."""
    audit.record(
        action,
        school_id=invitation.school_id,
        actor_id=None,  # the supplier has no account
        object_type="assessment",
        object_id=invitation.assessment_id,
        invitation=invitation.id,
        supplier=invitation.contact_email,
        **detail,
    )


def _link_limit() -> str:
    return str(current_app.config["SUPPLIER_LINK_LIMIT_PER_IP"])


def _label_for(checklist: Checklist) -> Callable[[Question, object], str]:
    return lambda q, value: answer_words(
        answer_label(checklist, q, tuple(value) if isinstance(value, list) else value)
    )


# --- the school's side -----------------------------------------------------------------------


@bp.route("/assessments/<int:assessment_id>/supplier", methods=["GET", "POST"])
@roles_required(*ROLES)
def supplier_responses(assessment_id: int) -> Response | tuple[str, int]:
    assessment = load_assessment(assessment_id)
    checklist = checklist_of(assessment)
    form = responses.InviteForm("", "", {})
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        form = responses.parse_invite_form(request.form)
        if not form.errors:
            try:
                invitation, token = responses.invite_supplier(
                    db.session,
                    assessment,
                    form,
                    secret_key=current_app.config["SECRET_KEY"],
                    actor_id=me().id,
                    now=clock.now(),
                    max_age_days=current_app.config["SUPPLIER_LINK_MAX_AGE_DAYS"],
                )
            except responses.SupplierError as error:
                form.errors["contact_name"] = str(error)
            else:
                _send_invitation(invitation, token)
                db.session.commit()
                flash(_("Link sent to %(email)s.", email=invitation.contact_email), "success")
                return redirect(
                    url_for("procurement.supplier_responses", assessment_id=assessment.id)
                )
    status = 400 if form.errors else 200
    return render_template(
        "procurement/supplier_responses.html",
        assessment=assessment,
        checklist=checklist,
        form=form,
        errors=form.errors,
        sections=responses.supplier_sections(checklist, assessment),
        saved=assessment.answers_by_question(),
        counts=responses.review_counts(assessment),
        files=evidence_files.files_by_question(assessment),
        size_text=evidence_files.size_text,
        now=clock.now(),
        confirm=ConfirmForm(),
        label=_label_for(checklist),
    ), status


def _send_invitation(invitation: SupplierInvitation, token: str) -> None:
    assessment = invitation.assessment
    school = db.session.get(School, assessment.school_id)
    send_email(
        invitation.contact_email,
        "supplier_invitation",
        school_id=assessment.school_id,
        locale="en",
        name=invitation.contact_name,
        school_name=school.name if school else "",
        product=assessment.vendor.product,
        link=external_url("procurement.supplier_home", token=token),
        days=current_app.config["SUPPLIER_LINK_MAX_AGE_DAYS"],
    )
    db.session.flush()
    audit.record(
        "supplier_invited",
        object_type="assessment",
        object_id=assessment.id,
        invitation=invitation.id,
        contact=invitation.contact_email,
    )


@bp.post("/assessments/<int:assessment_id>/supplier/links/<int:invitation_id>/revoke")
@roles_required(*ROLES)
def supplier_revoke(assessment_id: int, invitation_id: int) -> Response:
    assessment = load_assessment(assessment_id)
    invitation = get_scoped_or_404(SupplierInvitation, invitation_id)
    if invitation.assessment_id != assessment.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if responses.revoke(invitation, actor_id=me().id, now=clock.now()):
        audit.record(
            "supplier_link_revoked",
            object_type="assessment",
            object_id=assessment.id,
            invitation=invitation.id,
        )
        db.session.commit()
        flash(_("The link no longer works."), "success")
    return redirect(url_for("procurement.supplier_responses", assessment_id=assessment.id))


@bp.route(
    "/assessments/<int:assessment_id>/supplier/answers/<question_id>", methods=["GET", "POST"]
)
@roles_required(*ROLES)
def supplier_review_answer(assessment_id: int, question_id: str) -> Response | tuple[str, int]:
    assessment = load_assessment(assessment_id)
    checklist = checklist_of(assessment)
    question = checklist.questions.get(question_id)
    answer = assessment.answers_by_question().get(question_id)
    if question is None or answer is None or answer.source is None:
        abort(404)
    if assessment.locked:
        return read_only_redirect(assessment)
    form = responses.ReviewForm(None, "", None, {})
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        form = responses.parse_review_form(checklist, question, request.form)
        if not form.errors:
            user = me()
            try:
                responses.review_answer(
                    db.session, assessment, question, form,
                    user_id=user.id, user_name=user.display_name, now=clock.now(),
                )  # fmt: skip
            except AssessmentLocked:
                db.session.rollback()
                return read_only_redirect(assessment)
            except responses.SupplierError as error:
                form.errors["action"] = str(error)
            else:
                audit.record(
                    "supplier_answer_reviewed",
                    object_type="assessment",
                    object_id=assessment.id,
                    question=question.id,
                    review=str(form.action),
                )
                db.session.commit()
                prerender("report", assessment.id, draft=True)
                flash(_("%(question)s reviewed.", question=question.id), "success")
                return redirect(
                    url_for("procurement.supplier_responses", assessment_id=assessment.id)
                    + f"#answer-{question.id}"
                )
    typed = (
        form.override.typed[question.id] if form.override is not None else TypedAnswer.of(answer)
    )
    return render_template(
        "procurement/supplier_review_answer.html",
        assessment=assessment,
        checklist=checklist,
        question=question,
        answer=answer,
        form=form,
        errors=form.errors,
        q=question,
        typed={question.id: typed},
        bases={question.id: fingerprint_of(answer)},
        conflicts={},
        label=_label_for(checklist),
    ), (400 if form.errors else 200)


@bp.post("/assessments/<int:assessment_id>/supplier/accept-remaining")
@roles_required(*ROLES)
def supplier_accept_remaining(assessment_id: int) -> Response:
    assessment = load_assessment(assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if assessment.locked:
        return read_only_redirect(assessment)
    try:
        accepted = responses.accept_remaining(
            db.session, assessment, user_id=me().id, now=clock.now()
        )
    except AssessmentLocked:
        db.session.rollback()
        return read_only_redirect(assessment)
    if accepted:
        audit.record(
            "supplier_answer_reviewed",
            object_type="assessment",
            object_id=assessment.id,
            question=", ".join(accepted),
            review="accept",
        )
        db.session.commit()
        prerender("report", assessment.id, draft=True)
        flash(_("%(count)d answers accepted.", count=len(accepted)), "success")
    return redirect(url_for("procurement.supplier_responses", assessment_id=assessment.id))


# --- the supplier's side (no account: the link is all it has) -------------------------------


def _invitation_or_problem(token: str) -> SupplierInvitation | tuple[str, int]:
    """The open invitation the token names, or the page (and status) saying why it cannot be."""
    max_age = current_app.config["SUPPLIER_LINK_MAX_AGE_DAYS"] * 24 * 3600
    token_hash = responses.read_link_token(current_app.config["SECRET_KEY"], token, max_age)
    invitation = responses.find_invitation(db.session, token_hash)
    if invitation is None:
        state, status = None, 404
    else:
        state = responses.link_state(invitation, clock.now())
        if state == responses.LinkState.OPEN:
            return invitation
        status = 410
    page = render_template("procurement/supplier_link_problem.html", state=state)
    return page, status


def _supplier_context(invitation: SupplierInvitation) -> dict:
    assessment: Assessment = invitation.assessment
    school = db.session.get(School, assessment.school_id)
    return {
        "invitation": invitation,
        "assessment": assessment,
        "school_name": school.name if school else "",
    }


@bp.get("/supplier/<token>")
@limiter.limit(_link_limit)
def supplier_home(token: str) -> str | Response | tuple[str, int]:
    found = _invitation_or_problem(token)
    if not isinstance(found, SupplierInvitation):
        return found
    invitation = found
    checklist = checklist_of(invitation.assessment)
    sections = responses.supplier_sections(checklist, invitation.assessment)
    saved = invitation.assessment.answers_by_question()
    return render_template(
        "procurement/supplier_home.html",
        token=token,
        sections=sections,
        answered_ids=[qid for qid, a in saved.items() if a.value is not None],
        queried_ids=[qid for qid, a in saved.items() if a.review == SupplierReview.QUERIED],
        confirm=ConfirmForm(),
        **_supplier_context(invitation),
    )


def _supplier_section_or_404(
    invitation: SupplierInvitation, section_id: str
) -> tuple[Section, list[Question], list[Question]]:
    """(the section, its questions the supplier answers, those it may still change), or 404."""
    assessment = invitation.assessment
    checklist = checklist_of(assessment)
    by_id = {s.id: (s, qs) for s, qs in responses.supplier_sections(checklist, assessment)}
    if section_id not in by_id:
        abort(404)
    section, all_questions = by_id[section_id]
    return section, all_questions, responses.editable_questions(invitation, all_questions)


@bp.route("/supplier/<token>/sections/<section_id>", methods=["GET", "POST"])
@limiter.limit(_link_limit)
def supplier_section(token: str, section_id: str) -> str | Response | tuple[str, int]:
    found = _invitation_or_problem(token)
    if not isinstance(found, SupplierInvitation):
        return found
    invitation = found
    assessment = invitation.assessment
    checklist = checklist_of(assessment)
    section, all_questions, questions = _supplier_section_or_404(invitation, section_id)
    saved = assessment.answers_by_question()
    typed = {q.id: TypedAnswer.of(saved.get(q.id)) for q in questions}
    bases = {q.id: fingerprint_of(saved.get(q.id)) for q in questions}
    errors: dict[str, str] = {}
    conflicts: dict = {}
    prefilled: dict[str, str] = {}
    if request.method == "GET":
        earlier = responses.earlier_answers(db.session, invitation)
        for q in questions:
            offer = earlier.get(q.id)
            if offer is not None and q.id not in saved:
                typed[q.id] = TypedAnswer(offer.value, offer.note, "\n".join(offer.evidence))
                prefilled[q.id] = long_date(offer.given_on)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        parsed = parse_section_form(checklist, questions, request.form)
        try:
            outcome = responses.save_supplier_answers(
                db.session, invitation, parsed, now=clock.now()
            )
        except AssessmentLocked:
            db.session.rollback()
            return render_template(
                "procurement/supplier_link_problem.html", state=responses.LinkState.CLOSED
            ), 410
        if outcome.saved:
            _record_supplier(
                "supplier_answers_saved",
                invitation,
                questions=", ".join(outcome.saved),
            )
        db.session.commit()
        if outcome.finished:
            flash(_("Your answers to “%(section)s” are saved.", section=section.title), "success")
            return redirect(url_for("procurement.supplier_home", token=token))
        typed, bases, errors, conflicts = (
            outcome.typed,
            outcome.bases,
            outcome.errors,
            outcome.conflicts,
        )
    return render_template(
        "procurement/supplier_section.html",
        token=token,
        checklist=checklist,
        section=section,
        questions=questions,
        read_only=[q for q in all_questions if q not in questions],
        saved=saved,
        typed=typed,
        bases=bases,
        errors=errors,
        conflicts=conflicts,
        queries={
            q.id: saved[q.id].review_note
            for q in questions
            if q.id in saved
            and saved[q.id].review_note
            and saved[q.id].review == SupplierReview.QUERIED
        },
        supplier=True,
        prefilled=prefilled,
        label=_label_for(checklist),
        **_supplier_context(invitation),
    ), (400 if errors else 200)


@bp.post("/supplier/<token>/submit")
@limiter.limit(_link_limit)
def supplier_submit(token: str) -> str | Response | tuple[str, int]:
    found = _invitation_or_problem(token)
    if not isinstance(found, SupplierInvitation):
        return found
    invitation = found
    if not ConfirmForm().validate_on_submit():
        abort(400)
    checklist = checklist_of(invitation.assessment)
    try:
        answered, total = responses.submit(invitation, checklist, now=clock.now())
    except responses.SupplierError as error:
        flash(str(error), "error")
        return redirect(url_for("procurement.supplier_home", token=token))
    except AssessmentLocked:
        return render_template(
            "procurement/supplier_link_problem.html", state=responses.LinkState.CLOSED
        ), 410
    _record_supplier(
        "supplier_submitted",
        invitation,
        answered=answered,
        total=total,
    )
    db.session.commit()
    flash(
        _(
            "Your answers have been sent to the school (%(answered)d of %(total)d answered). "
            "The school may come back to you about some of them through this link.",
            answered=answered,
            total=total,
        ),
        "success",
    )
    return redirect(url_for("procurement.supplier_home", token=token))


@bp.route("/supplier/<token>/sections/<section_id>/evidence", methods=["GET", "POST"])
@limiter.limit(_link_limit)
def supplier_evidence(token: str, section_id: str) -> Response | tuple[str, int]:
    found = _invitation_or_problem(token)
    if not isinstance(found, SupplierInvitation):
        return found
    invitation = found
    assessment = invitation.assessment
    section, all_questions, questions = _supplier_section_or_404(invitation, section_id)
    form = evidence_form(questions)
    problem = None
    if form.validate_on_submit() and form.as_of.data is not None:
        try:
            stored = store_upload(
                form,
                assessment,
                uploaded_by_name=responses.supplier_name(invitation),
                source=AnswerSource.SUPPLIER,
            )
        except evidence_files.EvidenceError as error:
            problem = str(error)
            form.evidence_file.errors = [problem]
        else:
            db.session.flush()
            _record_supplier(
                "supplier_evidence_added",
                invitation,
                question=stored.question_id,
                file=stored.original_name,
                sha256=stored.sha256,
            )
            db.session.commit()
            flash(_("%(name)s attached to %(question)s.", name=stored.original_name,
                    question=stored.question_id), "success")  # fmt: skip
            return redirect(
                url_for("procurement.supplier_evidence", token=token, section_id=section.id)
            )
    attached = [
        e for e in assessment.evidence_files if e.question_id in {q.id for q in all_questions}
    ]
    return render_template(
        "procurement/supplier_evidence.html",
        back_url=url_for("procurement.supplier_section", token=token, section_id=section.id),
        caption=_(
            "%(product)s, for %(school)s",
            product=assessment.vendor.product,
            school=_supplier_context(invitation)["school_name"],
        ),
        seen_by=_("Only the school sees it."),
        download=None,
        remove_url=lambda e: url_for(
            "procurement.supplier_evidence_delete", token=token, file_id=e.id
        ),
        question_ids={q.id for q in questions},
        section=section,
        form=form,
        questions=questions,
        attached=attached,
        size_text=evidence_files.size_text,
        max_size=evidence_files.size_text(current_app.config["EVIDENCE_MAX_BYTES"]),
        **_supplier_context(invitation),
    ), (400 if form.errors or problem else 200)


@bp.post("/supplier/<token>/evidence/<int:file_id>/delete")
@limiter.limit(_link_limit)
def supplier_evidence_delete(token: str, file_id: int) -> Response | tuple[str, int]:
    """The supplier removes a file it attached, while it may still change that answer."""
    found = _invitation_or_problem(token)
    if not isinstance(found, SupplierInvitation):
        return found
    invitation = found
    assessment = invitation.assessment
    stored = next((e for e in assessment.evidence_files if e.id == file_id), None)
    answer = assessment.answers_by_question().get(stored.question_id) if stored else None
    if stored is None or stored.source != AnswerSource.SUPPLIER:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    checklist = checklist_of(assessment)
    section = next(
        (s for s, qs in responses.supplier_sections(checklist, assessment)
         if any(q.id == stored.question_id for q in qs)),
        None,
    )  # fmt: skip
    if section is None or not responses.editable(invitation, answer):
        flash(_("That answer can no longer change, so its files stay."), "error")
        return redirect(url_for("procurement.supplier_home", token=token))
    name, question = stored.original_name, stored.question_id
    evidence_files.remove(db.session, stored, current_app.config["EVIDENCE_DIR"])
    _record_supplier(
        "supplier_evidence_removed",
        invitation,
        question=question,
        file=name,
    )
    db.session.commit()
    evidence_files.remove_orphans(db.session, current_app.config["EVIDENCE_DIR"])
    flash(_("%(name)s removed from %(question)s.", name=name, question=question), "success")
    return redirect(url_for("procurement.supplier_evidence", token=token, section_id=section.id))
