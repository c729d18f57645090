"""Exports (JSON, CSV, the PDF report) and the JSON import. Every export is audited.

The report PDF is rendered by the job worker (app/jobs.py) from the snapshot and cached by its
hash: a decided report is the same document every time, a draft's changes with its answers.
"""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from app import audit, clock
from app.content.registry import content
from app.downloads import download, json_download
from app.jobs import pdf_or_pending
from app.models import db
from app.models.procurement import Assessment
from app.pdf import Document, cache_key_for, document_kind
from app.procurement import bp
from app.procurement.common import ROLES, current_snapshot, load_assessment
from app.procurement.forms import ImportForm
from app.security import roles_required
from app.services.procurement import transfer
from app.services.procurement.decisions import snapshot_hash
from app.services.procurement.reports import answers_csv, report_view
from app.util.dates import long_date

REPORT_TEMPLATE = "pdf/report.html"
REPORT_LAYOUT_VERSION = "1"  # bump when the report template changes, to refresh cached PDFs


def _filename(assessment, extension: str) -> str:
    stem = secure_filename(f"{assessment.vendor.product}-assessment-{assessment.id}") or "report"
    return f"{stem.lower()}.{extension}"


def _audit_export(assessment, kind: str) -> None:
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
        assessment=assessment,
        result=snapshot["result"],
        exported_at=clock.now().isoformat(timespec="seconds"),
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


@document_kind("report", Assessment)
def report_document(assessment: Assessment) -> Document:
    """The report as it stands: keyed by its snapshot (frozen once decided, live for a draft)."""
    if assessment.decided and assessment.snapshot_hash:
        key_source = assessment.snapshot_hash  # the frozen snapshot is read only to render
    else:
        live = current_snapshot(assessment)
        key_source = snapshot_hash(live)
    key = cache_key_for(key_source, REPORT_TEMPLATE, REPORT_LAYOUT_VERSION)
    return Document(
        cache_key=key,
        template=REPORT_TEMPLATE,
        filename=_filename(assessment, "pdf"),
        context=lambda: report_context(current_snapshot(assessment)),
    )


@bp.get("/assessments/<int:assessment_id>/report.pdf")
@roles_required(*ROLES)
def report_pdf(assessment_id: int):
    assessment = load_assessment(assessment_id)
    return pdf_or_pending(
        "report",
        assessment,
        back=(url_for(".review", assessment_id=assessment.id), "Back to the assessment"),
        on_download=lambda: _audit_export(assessment, "pdf"),
    )


def report_context(snapshot: dict) -> dict:
    view = report_view(snapshot)
    decision = snapshot.get("decision")
    return view | {
        "generated_on": long_date(clock.now()),
        "draft": decision is None,
    }


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*ROLES)
def import_assessment():
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        outcome = transfer.import_assessment(
            db.session,
            form.document.data.read(),
            content().checklists,
            school_id=current_user.school_id,
            user_id=current_user.id,
            user_name=current_user.display_name,
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
            flash("Assessment imported as a new draft. Check every answer.", "success")
            return redirect(url_for("procurement.assessment", assessment_id=assessment_id))
    return render_template("procurement/import.html", form=form, problems=problems)
