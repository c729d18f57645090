"""Evidence files on the school's side: attaching files to its own answers, downloading any
file of its assessment (an attachment, never cached, nosniff) and removing one; and the larger
request allowance for the two upload pages (the supplier's is in app/procurement/supplier.py).
The checks and the store are in app/services/procurement/evidence.py."""

from textwrap import shorten

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app import audit, clock
from app.content.checklists import Question
from app.downloads import download
from app.form_fields import ConfirmForm
from app.jobs import prerender
from app.models import db
from app.models.procurement import AnswerSource, Assessment, EvidenceFile
from app.procurement import bp
from app.procurement.common import ROLES, checklist_of, load_assessment, me, read_only_redirect
from app.procurement.forms import EvidenceForm
from app.security import get_scoped_or_404, roles_required
from app.services.procurement import evidence as evidence_files
from app.services.procurement import supplier_responses as responses
from app.services.procurement.assessments import applicable_questions
from app.util.i18n import _

EVIDENCE_ALLOWANCE = 64 * 1024  # the rest of the upload form around the file
EVIDENCE_ENDPOINTS = {"procurement.supplier_evidence", "procurement.evidence_upload"}


@bp.url_value_preprocessor
def _allow_evidence_uploads(endpoint: str | None, values: dict | None) -> None:
    """A request to the evidence upload through a genuine link may be as big as an evidence
    file; every other request keeps MAX_CONTENT_LENGTH. (URL preprocessors run before the CSRF
    check reads the body.)"""
    if endpoint not in EVIDENCE_ENDPOINTS or not values:
        return
    raised = current_app.config["EVIDENCE_MAX_BYTES"] + EVIDENCE_ALLOWANCE
    if endpoint == "procurement.evidence_upload":
        if current_user.is_authenticated and current_user.has_role(*ROLES):
            request.max_content_length = raised
        return
    max_age = current_app.config["SUPPLIER_LINK_MAX_AGE_DAYS"] * 24 * 3600
    token = str(values.get("token", ""))
    if responses.read_link_token(current_app.config["SECRET_KEY"], token, max_age):
        request.max_content_length = raised


@bp.get("/assessments/<int:assessment_id>/evidence/<int:file_id>")
@roles_required(*ROLES)
def evidence_download(assessment_id: int, file_id: int) -> Response:
    assessment = load_assessment(assessment_id)
    stored = get_scoped_or_404(EvidenceFile, file_id)
    if stored.assessment_id != assessment.id:
        abort(404)
    try:
        data = evidence_files.read(stored, current_app.config["EVIDENCE_DIR"])
    except FileNotFoundError:
        abort(404)
    audit.record(
        "evidence_downloaded",
        object_type="assessment",
        object_id=assessment.id,
        file=stored.original_name,
    )
    db.session.commit()
    return download(data, stored.original_name)


def evidence_form(questions: list[Question]) -> EvidenceForm:
    """The upload form, offering these questions (the school's page and the supplier's)."""
    form = EvidenceForm()
    form.question_id.choices = [
        (q.id, f"{q.id}: {shorten(q.text, 60, placeholder='…')}") for q in questions
    ]
    return form


def store_upload(
    form: EvidenceForm,
    assessment: Assessment,
    *,
    uploaded_by_name: str,
    source: AnswerSource | None,
) -> EvidenceFile:
    """Store a validated form's file for the assessment (raises EvidenceError with the
    reason)."""
    if form.as_of.data is None:
        raise ValueError("store_upload() takes a validated form, which has its as-of date")
    upload = evidence_files.Upload(
        question_id=form.question_id.data or "",
        filename=form.evidence_file.data.filename,
        data=form.evidence_file.data.read(),
        as_of=form.as_of.data,
    )
    return evidence_files.store_evidence(
        db.session,
        assessment,
        upload,
        directory=current_app.config["EVIDENCE_DIR"],
        max_bytes=current_app.config["EVIDENCE_MAX_BYTES"],
        uploaded_by_name=uploaded_by_name,
        source=source,
        now=clock.now(),
    )


@bp.route(
    "/assessments/<int:assessment_id>/sections/<section_id>/evidence", methods=["GET", "POST"]
)
@roles_required(*ROLES)
def evidence_upload(assessment_id: int, section_id: str) -> Response | tuple[str, int]:
    """The school attaches evidence files to its own answers (the same checks as a supplier's)."""
    assessment = load_assessment(assessment_id)
    checklist = checklist_of(assessment)
    section = checklist.sections_by_id.get(section_id)
    if section is None:
        abort(404)
    if assessment.locked:
        return read_only_redirect(assessment)
    questions = [
        q for q in applicable_questions(checklist, section, assessment.profile or {}) if q.scored
    ]
    form = evidence_form(questions)
    problem = None
    if form.validate_on_submit() and form.as_of.data is not None:
        try:
            stored = store_upload(form, assessment, uploaded_by_name=me().display_name, source=None)
        except evidence_files.EvidenceError as error:
            problem = str(error)
            form.evidence_file.errors = [problem]
        else:
            db.session.flush()
            audit.record(
                "evidence_added",
                object_type="assessment",
                object_id=assessment.id,
                question=stored.question_id,
                file=stored.original_name,
                sha256=stored.sha256,
            )
            db.session.commit()
            prerender("report", assessment.id, draft=True)
            flash(_("%(name)s attached to %(question)s.", name=stored.original_name,
                    question=stored.question_id), "success")  # fmt: skip
            return redirect(
                url_for("procurement.evidence_upload", assessment_id=assessment.id,
                        section_id=section.id)
            )  # fmt: skip
    ids = {q.id for q in questions}
    return render_template(
        "procurement/supplier_evidence.html",
        back_url=url_for("procurement.section", assessment_id=assessment.id, section_id=section.id),
        caption=assessment.vendor.product,
        seen_by=_("Only your school sees it."),
        section=section,
        form=form,
        questions=questions,
        attached=[e for e in assessment.evidence_files if e.question_id in ids],
        remove_url=None,
        question_ids=ids,
        download=lambda e: url_for(
            "procurement.evidence_download", assessment_id=assessment.id, file_id=e.id
        ),
        size_text=evidence_files.size_text,
        max_size=evidence_files.size_text(current_app.config["EVIDENCE_MAX_BYTES"]),
    ), (400 if form.errors or problem else 200)


@bp.post("/assessments/<int:assessment_id>/evidence/<int:file_id>/delete")
@roles_required(*ROLES)
def evidence_delete(assessment_id: int, file_id: int) -> Response:
    assessment = load_assessment(assessment_id)
    stored = get_scoped_or_404(EvidenceFile, file_id)
    if stored.assessment_id != assessment.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if assessment.locked:
        return read_only_redirect(assessment)
    name, question = stored.original_name, stored.question_id
    evidence_files.remove(db.session, stored, current_app.config["EVIDENCE_DIR"])
    audit.record(
        "evidence_removed", object_type="assessment", object_id=assessment.id,
        question=question, file=name,
    )  # fmt: skip
    db.session.commit()
    evidence_files.remove_orphans(db.session, current_app.config["EVIDENCE_DIR"])
    prerender("report", assessment.id, draft=True)
    flash(_("%(name)s removed from %(question)s.", name=name, question=question), "success")
    return redirect(url_for("procurement.supplier_responses", assessment_id=assessment.id))
