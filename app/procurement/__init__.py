"""Procurement: vendor register, assessments, decisions and reports."""

from flask import Blueprint

from app.models.procurement import AssessmentStatus, ConditionOwner, Decision
from app.services.procurement.assessments import SectionProgress
from app.services.procurement.reports import CodeStatus
from app.services.procurement.reviews import ReviewState
from app.services.procurement.scoring import LimitKind, QuestionStatus

bp = Blueprint("procurement", __name__)

# Status values as enums in templates too (pages, PDFs, emails), so no page spells one by hand.
TEMPLATE_ENUMS = {
    enum.__name__: enum
    for enum in (
        AssessmentStatus,
        CodeStatus,
        ConditionOwner,
        Decision,
        LimitKind,
        QuestionStatus,
        ReviewState,
        SectionProgress,
    )
}
bp.record_once(lambda state: state.app.jinja_env.globals.update(TEMPLATE_ENUMS))

from app.procurement import (  # noqa: E402, F401
    assessments,
    decisions,
    evidence,
    exports,
    review,
    supplier,
    trust,
    vendors,
)
