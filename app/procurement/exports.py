"""Exports (JSON, CSV, the PDF report) and the JSON import. Every export is audited.

A decided report is rendered from the frozen snapshot and cached by its hash, so it is the same
document every time and is served from disk after the first render.
"""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from app import audit, clock
from app.content.registry import content
from app.downloads import download, json_download, pdf_download
from app.input_limits import DocumentError, load_json_document
from app.models import db
from app.pdf import cache_key_for, render_pdf
from app.procurement import bp
from app.procurement.common import ROLES, current_snapshot, load_assessment
from app.procurement.forms import ImportForm
from app.security import roles_required
from app.services.procurement import transfer
from app.services.procurement.reports import answers_csv, report_view
from app.services.transparency.requests import counts_for_product
from app.util.dates import long_date

REPORT_TEMPLATE = "pdf/report.html"
REPORT_LAYOUT_VERSION = "1"  # bump when the report template changes, to refresh cached PDFs
IMPORT_MAX_BYTES = 1024 * 1024  # an export of the largest questionnaire is about 100 KB


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


@bp.get("/assessments/<int:assessment_id>/report.pdf")
@roles_required(*ROLES)
def report_pdf(assessment_id: int):
    assessment = load_assessment(assessment_id)
    snapshot = current_snapshot(assessment)
    requests = counts_for_product(db.session, assessment.school_id, assessment.vendor_id)
    cache_key = None
    if assessment.decided and assessment.snapshot_hash:
        cache_key = cache_key_for(
            assessment.snapshot_hash, REPORT_TEMPLATE, REPORT_LAYOUT_VERSION, vars(requests)
        )
    context = report_context(snapshot) | {"family_requests": requests}
    pdf = render_pdf(REPORT_TEMPLATE, context, cache_key=cache_key)
    _audit_export(assessment, "pdf")
    return pdf_download(_filename(assessment, "pdf"), pdf)


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
        try:
            data = load_json_document(form.document.data.read(), max_bytes=IMPORT_MAX_BYTES)
        except DocumentError as error:
            problems = [f"{error} Choose a file exported from this service."]
        else:
            outcome = transfer.import_assessment(
                db.session,
                data,
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
