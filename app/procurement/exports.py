"""Exports (JSON, CSV, the PDF report and its answers appendix) and the JSON import. Every
export is audited.

The report comes as two PDFs: the governors' report (cover, decision, knock-outs, scores, action
plan, children's data; short, so it renders and opens fast) and the full answers appendix, each
linking to the other. Both are rendered by the job worker (app/jobs.py) and cached by the hash
of the snapshot they show: a decided (or proposed) one by its frozen snapshot's hash, a draft
by the hash of the rows its live snapshot is built from (services/procurement/draft_keys.py),
so an unchanged report is the same file every time. The conditions' progress (met, overdue)
and the families' request counts are part of the report's key, because it prints them.
"""

from datetime import date

from flask import Response, flash, redirect, render_template, url_for
from werkzeug.utils import secure_filename

from app import audit, clock
from app.content.registry import content
from app.downloads import download, json_download
from app.input_limits import DocumentError, load_json_document
from app.jobs import pdf_or_pending
from app.mail import external_url
from app.models import db
from app.models.procurement import Assessment, Condition
from app.pdf import Document, cache_key_for, document_kind
from app.procurement import bp
from app.procurement.common import ROLES, current_snapshot, load_assessment, me
from app.procurement.forms import ImportForm
from app.security import roles_required
from app.services.procurement import transfer
from app.services.procurement.draft_keys import draft_report_key
from app.services.procurement.reports import answers_csv, governor_actions, report_view
from app.services.transparency.requests import counts_for_product
from app.util.dates import long_date
from app.util.i18n import _, current_locale

REPORT_TEMPLATE = "pdf/report.html"
ANSWERS_TEMPLATE = "pdf/report_answers.html"
REPORT_LAYOUT_VERSION = "5"  # bump when a report template or its words change (refreshes PDFs)
IMPORT_MAX_BYTES = 1024 * 1024  # an export of the largest questionnaire is about 100 KB


def _filename(assessment: Assessment, extension: str, suffix: str = "") -> str:
    stem = secure_filename(f"{assessment.vendor.product}-assessment-{assessment.id}") or "report"
    return f"{stem.lower()}{suffix}.{extension}"


def _answers_filename(assessment: Assessment) -> str:
    return _filename(assessment, "pdf", "-answers")


def _audit_export(assessment: Assessment, kind: str, document: str | None = None) -> None:
    """Audit an export; `document` names which PDF (the report or its answers appendix)."""
    if document:
        audit.record(
            "assessment_exported",
            object_type="assessment",
            object_id=assessment.id,
            format=kind,
            document=document,
        )
    else:
        audit.record(
            "assessment_exported", object_type="assessment", object_id=assessment.id, format=kind
        )
    db.session.commit()


@bp.get("/assessments/<int:assessment_id>/export.json")
@roles_required(*ROLES)
def export_json(assessment_id: int):
    assessment = load_assessment(assessment_id)
    snapshot = current_snapshot(assessment)
    document = transfer.export_document(
        vendor=snapshot["vendor"],
        export_id=transfer.export_id_of(assessment.vendor),
        assessment=assessment,
        result=snapshot["result"],
        exported_at=clock.now().isoformat(timespec="seconds"),
        origin_school=snapshot["school"],
    )
    _audit_export(assessment, "json")
    return json_download(_filename(assessment, "json"), document)


@bp.get("/assessments/<int:assessment_id>/export.csv")
@roles_required(*ROLES)
def export_csv(assessment_id: int):
    assessment = load_assessment(assessment_id)
    body = answers_csv(current_snapshot(assessment))
    _audit_export(assessment, "csv")
    return download("\ufeff" + body, _filename(assessment, "csv"))


def _snapshot_key(assessment: Assessment) -> str:
    """What both report PDFs are keyed by: the frozen snapshot's hash once proposed or decided,
    else the hash of the rows the draft's live snapshot is built from (neither is built just to
    find the cached file)."""
    if assessment.locked and assessment.snapshot_hash:
        return assessment.snapshot_hash
    return draft_report_key(db.session, assessment, content().checklists)


def _links(assessment: Assessment) -> dict:
    """Each report PDF links to the other, at the configured public address."""
    return {
        "report_url": external_url("procurement.report_pdf", assessment_id=assessment.id),
        "report_filename": _filename(assessment, "pdf"),
        "answers_url": external_url("procurement.answers_pdf", assessment_id=assessment.id),
        "answers_filename": _answers_filename(assessment),
    }


@document_kind("report", Assessment)
def report_document(assessment: Assessment) -> Document:
    """The governors' report as it stands, with the one cache key the route and the job worker
    share (the conditions' progress and the families' requests print on it, so they are in it)."""
    today = clock.now().date()
    conditions = [condition_state(c, today) for c in assessment.conditions]
    requests = counts_for_product(db.session, assessment.school_id, assessment.vendor_id)
    key = cache_key_for(
        _snapshot_key(assessment),
        conditions,
        vars(requests),
        REPORT_TEMPLATE,
        REPORT_LAYOUT_VERSION,
        current_locale(),  # the report's words are in the reader's language
    )
    return Document(
        cache_key=key,
        template=REPORT_TEMPLATE,
        filename=_filename(assessment, "pdf"),
        context=lambda: (
            report_context(current_snapshot(assessment), conditions=conditions)
            | {"family_requests": requests}
            | _links(assessment)
        ),
    )


@document_kind("report-answers", Assessment)
def answers_document(assessment: Assessment) -> Document:
    """The full answers appendix: it prints only the snapshot, so the snapshot keys it."""
    key = cache_key_for(
        _snapshot_key(assessment), ANSWERS_TEMPLATE, REPORT_LAYOUT_VERSION, current_locale()
    )
    return Document(
        cache_key=key,
        template=ANSWERS_TEMPLATE,
        filename=_answers_filename(assessment),
        context=lambda: report_context(current_snapshot(assessment)) | _links(assessment),
    )


def _report_route(kind: str, assessment_id: int) -> Response | tuple[str, int]:
    assessment = load_assessment(assessment_id)
    return pdf_or_pending(
        kind,
        assessment,
        back=(url_for(".review", assessment_id=assessment.id), _("Back to the assessment")),
        on_download=lambda: _audit_export(assessment, "pdf", document=kind),
    )


@bp.get("/assessments/<int:assessment_id>/report.pdf")
@roles_required(*ROLES)
def report_pdf(assessment_id: int):
    return _report_route("report", assessment_id)


@bp.get("/assessments/<int:assessment_id>/answers.pdf")
@roles_required(*ROLES)
def answers_pdf(assessment_id: int):
    return _report_route("report-answers", assessment_id)


def condition_state(condition: Condition, today: date) -> dict:
    """A tracked condition as the report prints it (part of the PDF's cache key)."""
    return {
        "text": condition.text,
        "owner": condition.owner_label,
        "due_on": condition.due_on.isoformat(),
        "met_on": condition.met_on.isoformat() if condition.met_on else None,
        "met_note": condition.met_note,
        "overdue": condition.overdue(today),
    }


def report_context(snapshot: dict, *, conditions: list[dict] | None = None) -> dict:
    view = report_view(snapshot)
    return view | {
        "governor_actions": governor_actions(view["actions"]),
        "generated_on": long_date(clock.now()),
        "draft": snapshot.get("decision") is None,
        "proposed": snapshot["assessment"]["status"] == "proposed",
        "tracked": conditions or [],
    }


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*ROLES)
def import_assessment():
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            data = load_json_document(form.document.data.read(), max_bytes=IMPORT_MAX_BYTES)
        except DocumentError as error:
            # Two whole sentences: what is wrong with the file, then what to do.
            what_to_do = _("Choose a file exported from this service.")
            problems = [f"{error} {what_to_do}"]
        else:
            user = me()
            outcome = transfer.import_assessment(
                db.session,
                data,
                content().checklists,
                school_id=user.school_id,
                user_id=user.id,
                user_name=user.display_name,
                now=clock.now(),
            )
            problems = outcome.problems
            if outcome.assessment is not None:
                assessment_id = outcome.assessment.id
                audit.record(
                    "assessment_imported",
                    object_type="assessment",
                    object_id=assessment_id,
                    **outcome.audit,
                )
                db.session.commit()
                for note in outcome.notes[:10]:
                    flash(note, "info")
                if outcome.updated_existing:
                    flash(
                        _(
                            "%(product)s was already in your register, so the file's answers "
                            "were imported into a new draft assessment of it, beside its last "
                            "decision. Check every answer.",
                            product=outcome.assessment.vendor.product,
                        ),
                        "success",
                    )
                else:
                    flash(_("Assessment imported as a new draft. Check every answer."), "success")
                return redirect(url_for("procurement.assessment", assessment_id=assessment_id))
    return render_template("procurement/import.html", form=form, problems=problems)
