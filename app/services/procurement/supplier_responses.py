"""Supplier responses (no Flask imports): a school invites a supplier contact to answer one
assessment's scored questions through a link with no account, and then reviews each answer.

The link carries a random secret signed with the app's secret key (itsdangerous, its own salt),
so a token that was tampered with, or is older than the link's lifetime, is refused before any
lookup; the secret's SHA-256 is stored on a `SupplierInvitation` row, bound to one assessment,
which the school can revoke (inviting again revokes the earlier link). The supplier sees only
the scored questions that apply under the school's profile, saves them through the same
per-question merge as the school (`section_saves.save_section`) and submits. After submitting,
it can change only the answers the school queried.

The school reviews each supplier answer: accept (school-verified), query (a note back to the
supplier, who can change it) or override (the school's own answer and a reason; the supplier's
answer is kept beside it).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from app.content.checklists import Checklist, Question, Section
from app.models.procurement import (
    Answer,
    AnswerSource,
    Assessment,
    AssessmentStatus,
    SupplierInvitation,
    SupplierReview,
)
from app.services.procurement.assessments import applicable_questions, put_answer
from app.services.procurement.section_saves import (
    AssessmentLocked,
    SectionForm,
    SectionSave,
    parse_section_form,
    save_section,
)
from app.util.i18n import _

SALT = "supplier-response"
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MAX_NAME, MAX_EMAIL, MAX_NOTE = 200, 254, 5000


class SupplierError(Exception):
    """A request the rules refuse; the message says why, in words for the person asking."""


class LinkState(StrEnum):
    OPEN = "open"
    REVOKED = "revoked"
    EXPIRED = "expired"
    CLOSED = "closed"  # the assessment was proposed or decided: nothing more to answer


# --- the link ----------------------------------------------------------------------------------


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_link_token(secret_key: str) -> tuple[str, str]:
    """(token for the link, hash to store)."""
    secret = secrets.token_urlsafe(32)
    return _serializer(secret_key).dumps(secret), hash_secret(secret)


def read_link_token(secret_key: str, token: str, max_age_seconds: int) -> str | None:
    """The stored hash the token points to, or None if it was tampered with or is too old."""
    if len(token) > 300:
        return None
    try:
        secret = _serializer(secret_key).loads(token, max_age=max_age_seconds)
    except BadSignature:  # SignatureExpired is a BadSignature
        return None
    return hash_secret(secret) if isinstance(secret, str) else None


def find_invitation(session: Session, token_hash: str | None) -> SupplierInvitation | None:
    if token_hash is None:
        return None
    return session.execute(
        select(SupplierInvitation).where(SupplierInvitation.token_hash == token_hash)
    ).scalar_one_or_none()


def link_state(invitation: SupplierInvitation, now: datetime) -> LinkState:
    if invitation.revoked_at is not None:
        return LinkState.REVOKED
    if now >= invitation.expires_at:
        return LinkState.EXPIRED
    if invitation.assessment.status != AssessmentStatus.DRAFT:
        return LinkState.CLOSED
    return LinkState.OPEN


# --- inviting and revoking ---------------------------------------------------------------------


@dataclass
class InviteForm:
    contact_name: str
    contact_email: str
    errors: dict[str, str]


def parse_invite_form(form: Any) -> InviteForm:
    name = (form.get("contact_name") or "").strip()
    email = (form.get("contact_email") or "").strip()
    errors = {}
    if not name:
        errors["contact_name"] = _("Enter the name of the supplier contact")
    elif len(name) > MAX_NAME:
        errors["contact_name"] = _("The name must be %(num)d characters or fewer", num=MAX_NAME)
    if not email:
        errors["contact_email"] = _("Enter the supplier contact's email address")
    elif len(email) > MAX_EMAIL or not EMAIL.match(email):
        errors["contact_email"] = _(
            "Enter an email address in the correct format, like name@example.com"
        )
    return InviteForm(name, email, errors)


def invite_supplier(
    session: Session,
    assessment: Assessment,
    form: InviteForm,
    *,
    secret_key: str,
    actor_id: int,
    now: datetime,
    max_age_days: int,
) -> tuple[SupplierInvitation, str]:
    """A new link for this assessment (earlier open links stop working). Returns the
    invitation and the token for the email. The caller sends the email, audits and commits."""
    if form.errors:
        raise SupplierError(next(iter(form.errors.values())))
    if assessment.status != AssessmentStatus.DRAFT:
        raise SupplierError(
            _("This assessment is no longer a draft, so a supplier cannot answer it")
        )
    if not assessment.profile_done:
        raise SupplierError(
            _("Complete the product profile first: it decides which questions the supplier sees")
        )
    for earlier in assessment.supplier_invitations:
        if earlier.revoked_at is None and earlier.expires_at > now:
            earlier.revoked_at, earlier.revoked_by_id = now, actor_id
    token, token_hash = new_link_token(secret_key)
    invitation = SupplierInvitation(
        school_id=assessment.school_id,
        assessment=assessment,
        contact_name=form.contact_name,
        contact_email=form.contact_email,
        token_hash=token_hash,
        created_by_id=actor_id,
        created_at=now,
        expires_at=now + timedelta(days=max_age_days),
    )
    session.add(invitation)
    return invitation, token


def revoke(invitation: SupplierInvitation, *, actor_id: int, now: datetime) -> bool:
    """Stop the link working; False when it had already stopped (revoked or expired)."""
    if invitation.revoked_at is not None or invitation.expires_at <= now:
        return False
    invitation.revoked_at, invitation.revoked_by_id = now, actor_id
    return True


# --- what the supplier sees and saves ----------------------------------------------------------


def supplier_sections(
    checklist: Checklist, assessment: Assessment
) -> list[tuple[Section, list[Question]]]:
    """The scored questions that apply under the school's profile, by section (the school
    keeps the profile questions, and unscored notes)."""
    sections = []
    for section in checklist.sections:
        questions = [
            q
            for q in applicable_questions(checklist, section, assessment.profile or {})
            if q.scored
        ]
        if questions:
            sections.append((section, questions))
    return sections


def editable(invitation: SupplierInvitation, answer: Answer | None) -> bool:
    """May the supplier change this answer now? Before submitting, any answer the school has not
    reviewed or answered itself; after submitting, only the answers the school queried."""
    if answer is None or answer.value is None and answer.source is None:
        return invitation.submitted_at is None
    if answer.source != AnswerSource.SUPPLIER:
        return False  # the school's own answer
    if answer.review == SupplierReview.QUERIED:
        return True
    return invitation.submitted_at is None and answer.review == SupplierReview.PENDING


def editable_questions(invitation: SupplierInvitation, questions: list[Question]) -> list[Question]:
    saved = invitation.assessment.answers_by_question()
    return [q for q in questions if editable(invitation, saved.get(q.id))]


def save_supplier_answers(
    session: Session,
    invitation: SupplierInvitation,
    parsed: SectionForm,
    *,
    now: datetime,
) -> SectionSave:
    """Save what the supplier typed (only questions it may change: the caller parsed the form
    with `editable_questions`). A changed queried answer goes back to the school for review,
    with the query kept beside it. Raises AssessmentLocked. The caller audits and commits."""
    outcome = save_section(
        session,
        invitation.assessment,
        parsed,
        user_id=None,
        user_name=supplier_name(invitation),
        now=now,
        source=AnswerSource.SUPPLIER,
    )
    invitation.last_used_at = now
    return outcome


@dataclass(frozen=True)
class EarlierAnswer:
    value: str | list | None
    note: str
    evidence: list[str]
    given_on: datetime


def earlier_answers(session: Session, invitation: SupplierInvitation) -> dict[str, EarlierAnswer]:
    """The answers this supplier contact last sent (through another link, to this or another
    school) about the same product on the same questionnaire: offered as a starting point.
    Only the supplier's own statements are offered, never a school's: for an answer the school
    overrode, what the supplier said. Nothing else of the other assessment is shown."""
    from app.models.procurement import Vendor

    this = invitation.assessment
    earlier = session.execute(
        select(SupplierInvitation)
        .join(Assessment, Assessment.id == SupplierInvitation.assessment_id)
        .join(Vendor, Vendor.id == Assessment.vendor_id)
        .where(
            SupplierInvitation.id != invitation.id,
            SupplierInvitation.assessment_id != this.id,
            SupplierInvitation.submitted_at.is_not(None),
            func.lower(SupplierInvitation.contact_email) == invitation.contact_email.lower(),
            Assessment.checklist_id == this.checklist_id,
            func.lower(Vendor.product) == this.vendor.product.lower(),
            func.lower(Vendor.name) == this.vendor.name.lower(),
        )
        .order_by(SupplierInvitation.submitted_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if earlier is None or earlier.submitted_at is None:
        return {}
    offered = {}
    for answer in earlier.assessment.answers:
        if answer.source != AnswerSource.SUPPLIER:
            continue
        overridden = answer.review == SupplierReview.OVERRIDDEN
        value = answer.supplier_value if overridden else answer.value
        note = (answer.supplier_note if overridden else answer.note) or ""
        if value is None:
            continue
        offered[answer.question_id] = EarlierAnswer(
            value, note, [] if overridden else list(answer.evidence or []), earlier.submitted_at
        )
    return offered


def supplier_name(invitation: SupplierInvitation) -> str:
    return f"{invitation.contact_name} (supplier)"


def submit(
    invitation: SupplierInvitation, checklist: Checklist, *, now: datetime
) -> tuple[int, int]:
    """Mark the supplier's response submitted (again, after answering queries). Returns
    (answered, total) for the supplier's questions. Raises SupplierError when none is answered."""
    if invitation.assessment.status != AssessmentStatus.DRAFT:
        raise AssessmentLocked
    total = answered = 0
    saved = invitation.assessment.answers_by_question()
    for _section, questions in supplier_sections(checklist, invitation.assessment):
        for question in questions:
            total += 1
            answer = saved.get(question.id)
            answered += answer is not None and answer.value is not None
    if not answered:
        raise SupplierError(_("Answer at least one question before you send your answers"))
    invitation.submitted_at = now
    invitation.last_used_at = now
    return answered, total


# --- the school's review -----------------------------------------------------------------------


class ReviewAction(StrEnum):
    ACCEPT = "accept"
    QUERY = "query"
    OVERRIDE = "override"


@dataclass
class ReviewForm:
    action: ReviewAction | None
    note: str
    override: SectionForm | None
    errors: dict[str, str]


def parse_review_form(checklist: Checklist, question: Question, form: Any) -> ReviewForm:
    raw = form.get("action")
    action = ReviewAction(raw) if raw in set(ReviewAction) else None
    note = (form.get("review_note") or "").strip()
    errors: dict[str, str] = {}
    override = None
    if action is None:
        errors["action"] = _("Choose accept, query or override")
    elif len(note) > MAX_NOTE:
        errors["review_note"] = _("The note must be %(num)d characters or fewer", num=MAX_NOTE)
    elif action == ReviewAction.QUERY and not note:
        errors["review_note"] = _("Write what the supplier should check or explain")
    elif action == ReviewAction.OVERRIDE:
        if not note:
            errors["review_note"] = _("Give the reason for the school's answer")
        override = parse_section_form(checklist, [question], form)
        errors.update(override.errors)
        if override.typed[question.id].value is None:
            errors[f"answer-{question.id}"] = _(
                "%(question)s: choose the school's answer", question=question.id
            )
    return ReviewForm(action, note, override, errors)


def review_answer(
    session: Session,
    assessment: Assessment,
    question: Question,
    form: ReviewForm,
    *,
    user_id: int,
    user_name: str,
    now: datetime,
) -> Answer:
    """Accept, query or override one supplier answer. Raises SupplierError (nothing to review,
    or the form's own error) or AssessmentLocked. The caller audits and commits."""
    if form.errors or form.action is None:
        raise SupplierError(next(iter(form.errors.values()), _("Choose accept, query or override")))
    answer = assessment.answers_by_question().get(question.id)
    if answer is None or answer.source != AnswerSource.SUPPLIER:
        raise SupplierError(
            _("%(question)s: the supplier has not answered this question", question=question.id)
        )
    _bump(session, assessment, user_id=user_id, now=now)
    if answer.review == SupplierReview.OVERRIDDEN and form.action != ReviewAction.OVERRIDE:
        # Accepting or querying after an override is about the supplier's own answer again.
        answer.value, answer.note = answer.supplier_value, answer.supplier_note or ""
        answer.supplier_value = answer.supplier_note = None
    if form.action == ReviewAction.ACCEPT:
        answer.review, answer.review_note = SupplierReview.ACCEPTED, None
    elif form.action == ReviewAction.QUERY:
        answer.review, answer.review_note = SupplierReview.QUERIED, form.note
    else:
        assert form.override is not None
        stated_value: str | list | None = answer.value
        stated_note: str | None = answer.note
        if answer.review == SupplierReview.OVERRIDDEN:  # overridden again: keep the supplier's
            stated_value, stated_note = answer.supplier_value, answer.supplier_note
        typed = form.override.typed[question.id]
        put_answer(
            assessment, question.id, typed.value, typed.note or answer.note,
            typed.evidence or list(answer.evidence or []),
            user_id=user_id, user_name=user_name, now=now,
            source=AnswerSource.SUPPLIER, review=SupplierReview.OVERRIDDEN,
        )  # fmt: skip
        answer.supplier_value, answer.supplier_note = stated_value, stated_note
        answer.review_note = form.note
    answer.changed_in_version = assessment.version
    return answer


def _bump(session: Session, assessment: Assessment, *, user_id: int, now: datetime) -> None:
    """Take the assessment's row lock and bump its version (a review changes what a section
    form fingerprinted); raises AssessmentLocked once it is no longer a draft."""
    locked = cast(
        CursorResult,
        session.execute(
            update(Assessment)
            .where(Assessment.id == assessment.id, Assessment.status == AssessmentStatus.DRAFT)
            .values(version=Assessment.version + 1, updated_at=now, updated_by_id=user_id)
            .execution_options(synchronize_session=False)
        ),
    )
    if locked.rowcount != 1:
        raise AssessmentLocked
    session.refresh(assessment, ["version", "updated_at", "updated_by_id"])


def accept_remaining(
    session: Session, assessment: Assessment, *, user_id: int, now: datetime
) -> list[str]:
    """Accept every supplier answer not reviewed yet (not queried ones). Returns their ids."""
    pending = [
        a
        for a in assessment.answers
        if a.source == AnswerSource.SUPPLIER and a.review == SupplierReview.PENDING
    ]
    if not pending:
        return []
    _bump(session, assessment, user_id=user_id, now=now)
    for answer in pending:
        answer.review = SupplierReview.ACCEPTED
        answer.changed_in_version = assessment.version
    return [a.question_id for a in pending]


def review_counts(assessment: Assessment) -> dict[str, int]:
    """How many supplier answers stand at each review state."""
    counts = {state.value: 0 for state in SupplierReview}
    for answer in assessment.answers:
        if answer.source == AnswerSource.SUPPLIER and answer.review is not None:
            counts[answer.review.value] += 1
    return counts
