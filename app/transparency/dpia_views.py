"""The DPIA draft of an assessment, as PDF (app/pdf.py) and as editable DOCX. Both are built from
one `DpiaDraft`; opening either is audited."""

from flask_login import current_user
from werkzeug.utils import secure_filename

from app import audit, clock
from app.content.registry import content
from app.downloads import download, pdf_download
from app.models import db
from app.models.procurement import Assessment
from app.models.transparency import ProductNotice
from app.pdf import render_pdf
from app.security import get_scoped_or_404, roles_required
from app.services.transparency.decisions import assessment_snapshot
from app.services.transparency.documents import dpia_docx
from app.services.transparency.dpia import DpiaDraft, build_dpia
from app.services.transparency.requests import counts_for_product
from app.transparency import bp
from app.transparency.common import DPIA_ROLES
from app.util.dates import long_date


def _draft(assessment_id: int, kind: str) -> DpiaDraft:
    assessment = get_scoped_or_404(Assessment, assessment_id)
    snapshot = assessment_snapshot(
        assessment, content().checklists, school_name=current_user.school.name
    )
    notice = db.session.execute(
        db.select(ProductNotice).where(
            ProductNotice.school_id == assessment.school_id,
            ProductNotice.vendor_id == assessment.vendor_id,
        )
    ).scalar_one_or_none()
    draft = build_dpia(
        snapshot,
        profile=assessment.profile or {},
        notice=notice,
        requests=counts_for_product(db.session, assessment.school_id, assessment.vendor_id),
        generated_on=long_date(clock.now()),
        assessment_id=assessment.id,
    )
    audit.record("dpia_exported", object_type="assessment", object_id=assessment.id, format=kind)
    db.session.commit()
    return draft


def _filename(draft: DpiaDraft, extension: str) -> str:
    return f"{(secure_filename(draft.filename_stem) or 'dpia-draft').lower()}.{extension}"


@bp.get("/assessments/<int:assessment_id>/dpia.pdf")
@roles_required(*DPIA_ROLES)
def dpia_pdf(assessment_id: int):
    draft = _draft(assessment_id, "pdf")
    return pdf_download(_filename(draft, "pdf"), render_pdf("pdf/dpia.html", {"draft": draft}))


@bp.get("/assessments/<int:assessment_id>/dpia.docx")
@roles_required(*DPIA_ROLES)
def dpia_docx_download(assessment_id: int):
    draft = _draft(assessment_id, "docx")
    return download(dpia_docx(draft), _filename(draft, "docx"))
