"""The review page (score, rating, their explanation, the decision and its conditions), Reviews
due (with proposals awaiting sign-off and overdue conditions) and Compare."""

from datetime import date

from flask import abort, render_template, request

from app import clock
from app.form_fields import ConfirmForm
from app.models import db
from app.models.procurement import NOT_DECIDED, Vendor
from app.procurement import bp
from app.procurement.common import ROLES, checklist_of, current_snapshot, load_assessment, me
from app.security import roles_required, school_scoped
from app.services.procurement import sign_off as signing
from app.services.procurement.decisions import knockout_summary, options_for
from app.services.procurement.reports import report_view, shown_knockouts, shown_limit
from app.services.procurement.reviews import (
    REVIEW_WINDOW_DAYS,
    ProductState,
    overdue_conditions,
    product_states,
    reviews_due,
)
from app.services.procurement.scoring import LimitKind
from app.util.i18n import _


@bp.get("/assessments/<int:assessment_id>/review")
@roles_required(*ROLES)
def review(assessment_id: int):
    assessment = load_assessment(assessment_id)
    snapshot = current_snapshot(assessment)
    view = report_view(snapshot)
    return render_template(
        "procurement/review.html",
        assessment=assessment,
        confirm=ConfirmForm(),
        options=options_for(snapshot["result"], view["knockouts"]),
        today=clock.now().date(),
        may_sign=signing.may_sign_off(me(), assessment),
        trust_id=me().school.trust_id,
        **view,
    )


@bp.get("/reviews", endpoint="reviews_due")
@roles_required(*ROLES)
def reviews_due_page():
    today = clock.now().date()
    products = product_states(db.session, [me().school_id])
    return render_template(
        "procurement/reviews.html",
        rows=reviews_due(products, today),
        awaiting=[p for p in products if p.awaiting_sign_off],
        overdue=overdue_conditions(db.session, products, today),
        today=today,
        window=REVIEW_WINDOW_DAYS,
        confirm=ConfirmForm(),
    )


MIN_COMPARED, MAX_COMPARED = 2, 4


@bp.get("/compare")
@roles_required(*ROLES)
def compare():
    # Anything that is not a product id (a typo, a stale link) is simply not a choice.
    wanted = [int(v) for v in request.args.getlist("vendor") if v.isdigit() and len(v) < 12]
    products = product_states(db.session, [me().school_id])
    assessed = [p for p in products if not p.not_assessed]
    chosen_ids = [p.vendor_id for p in assessed if p.vendor_id in wanted]
    error = None
    if request.args and not MIN_COMPARED <= len(chosen_ids) <= MAX_COMPARED:
        error = _("Choose between two and four products to compare")
        chosen_ids = []
    # Only the two to four chosen products are loaded in full.
    chosen = db.session.execute(
        school_scoped(Vendor).where(Vendor.id.in_(chosen_ids)).order_by(Vendor.product, Vendor.id)
    ).scalars()
    today = clock.now().date()
    states = {p.vendor_id: p for p in products}
    columns = [_column(vendor, states[vendor.id], today) for vendor in chosen]
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
    )


def _column(vendor: Vendor, state: ProductState, today: date) -> dict:
    """One product's column; only assessed products are offered, so it has an assessment."""
    assessment = vendor.latest_decided or vendor.latest_assessment
    if assessment is None:  # pragma: no cover - unassessed products are never offered
        abort(404)
    snapshot = current_snapshot(assessment)
    result = snapshot["result"]
    knockouts = snapshot.get("knockouts") or knockout_summary(checklist_of(assessment), result)
    return {
        "vendor": vendor,
        "assessment": assessment,
        "result": result,
        "decision": state.decision_status(today) if assessment.decided else str(NOT_DECIDED),
        "scores": {s["title"]: s["score"] for s in result["sections"]},
        "knockouts": shown_knockouts(knockouts),
        "caps": [shown_limit(lim) for lim in result["limits"] if lim["kind"] != LimitKind.KNOCKOUT],
    }
