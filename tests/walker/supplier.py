"""Route-walker samples for supplier responses: a supplier link (its token) to a draft
assessment of school A whose profile is done, a link id and a question id. The supplier pages
are public (the link is all a supplier has), so the token is not a school-owned argument; the
link id is."""

from tests.walker import Sample

SUPPLIER_ENDPOINTS = (
    "procurement.supplier_home",
    "procurement.supplier_section",
    "procurement.supplier_submit",
    "procurement.supplier_evidence",
    "procurement.supplier_evidence_delete",
)


def _invitation(world):
    from flask import current_app

    from app.models import db
    from app.models.base import utcnow
    from app.services.procurement.supplier_responses import InviteForm, invite_supplier
    from tests.walker.procurement import _assessment

    assessment = _assessment(world)
    assessment.profile_done = True
    invitation, token = invite_supplier(
        db.session,
        assessment,
        InviteForm("Walker Contact", "contact@walker.example", {}),
        secret_key=current_app.config["SECRET_KEY"],
        actor_id=world.user("A", "business_manager").id,
        now=utcnow(),
        max_age_days=30,
    )
    db.session.commit()
    return invitation, token


def _token(world) -> str:
    return _invitation(world)[1]


def _revocable(world) -> dict:
    invitation, _ = _invitation(world)
    return invitation


def _answered(world) -> int:
    """A draft assessment with the supplier's answer to Q01, waiting for review."""
    from app.models import db
    from app.models.base import utcnow
    from app.models.procurement import AnswerSource
    from app.services.procurement.assessments import put_answer

    invitation, _ = _invitation(world)
    put_answer(
        invitation.assessment, "Q01", "yes", "From the walker", [],
        user_id=None, user_name="Walker Contact (supplier)", now=utcnow(),
        source=AnswerSource.SUPPLIER,
    )  # fmt: skip
    db.session.commit()
    return invitation.assessment_id


def _evidence_file(world):
    """A stored evidence file (a tiny PDF) on a draft assessment of school A."""
    from datetime import date

    from flask import current_app

    from app.models import db
    from app.models.base import utcnow
    from app.models.procurement import AnswerSource
    from app.services.procurement.evidence import Upload, store_evidence

    invitation, _ = _invitation(world)
    stored = store_evidence(
        db.session,
        invitation.assessment,
        Upload("Q01", "walker.pdf", b"%PDF-1.7\n%%EOF\n", date(2026, 11, 1)),
        directory=current_app.config["EVIDENCE_DIR"],
        max_bytes=current_app.config["EVIDENCE_MAX_BYTES"],
        uploaded_by_name="Walker Contact (supplier)",
        source=AnswerSource.SUPPLIER,
        now=utcnow(),
    )
    db.session.commit()
    return stored


SAMPLES = {
    "file_id": Sample(lambda world: _evidence_file(world).id, owned=True),
    "invitation_id": Sample(lambda world: _revocable(world).id, owned=True),
    "question_id": Sample(lambda world: "Q01", owned=False),
}

ENDPOINT_SAMPLES = {
    **{endpoint: {"token": Sample(_token, owned=False)} for endpoint in SUPPLIER_ENDPOINTS},
    "procurement.supplier_review_answer": {"assessment_id": Sample(_answered, owned=True)},
    "procurement.supplier_accept_remaining": {"assessment_id": Sample(_answered, owned=True)},
    "procurement.evidence_download": {
        "assessment_id": Sample(lambda world: _evidence_file(world).assessment_id, owned=True)
    },
    "procurement.evidence_delete": {
        "assessment_id": Sample(lambda world: _evidence_file(world).assessment_id, owned=True)
    },
}

PUBLIC_ENDPOINTS = set(SUPPLIER_ENDPOINTS)


def _shared(world) -> int:
    """A decided assessment of school A, shared with its trust."""
    from app.models import db
    from app.models.base import utcnow
    from tests.procurement_helpers import decided_product

    vendor = decided_product(world.school_a, "Shared Walker", None)
    assessment = vendor.assessments[0]
    assessment.shared_at = utcnow()
    db.session.commit()
    return assessment.id


SAMPLES["shared_id"] = Sample(_shared, owned=True)
