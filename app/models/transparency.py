"""Transparency records: each school's public families' page settings, what it publishes about
each product, families' objections and requests, and its statutory returns (the record of
processing starts from these and from the decided products).

Nothing here adds a column to the procurement tables: a product's public facts live in
`ProductNotice`, keyed by the vendor, and decisions are read through
`app.services.transparency.decisions` only.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Model, SchoolOwned, UTCDateTime, utcnow
from app.models.procurement import _stored_as_value
from app.util.i18n import lazy_gettext


class LawfulBasis(StrEnum):
    PUBLIC_TASK = "public_task"
    LEGAL_OBLIGATION = "legal_obligation"
    CONSENT = "consent"
    CONTRACT = "contract"
    VITAL_INTERESTS = "vital_interests"
    LEGITIMATE_INTERESTS = "legitimate_interests"

    @property
    def label(self) -> str:
        return str(LAWFUL_BASIS_LABELS[self][0])

    @property
    def plain(self) -> str:
        """What it means, for families."""
        return str(LAWFUL_BASIS_LABELS[self][1])


LAWFUL_BASIS_LABELS = {
    LawfulBasis.PUBLIC_TASK: (
        lazy_gettext("Public task (UK GDPR Article 6(1)(e))"),
        lazy_gettext("We use it to carry out our job as a school."),
    ),
    LawfulBasis.LEGAL_OBLIGATION: (
        lazy_gettext("Legal obligation (UK GDPR Article 6(1)(c))"),
        lazy_gettext("The law requires us to."),
    ),
    LawfulBasis.CONSENT: (
        lazy_gettext("Consent (UK GDPR Article 6(1)(a))"),
        lazy_gettext("Only with your agreement, which you can withdraw at any time."),
    ),
    LawfulBasis.CONTRACT: (
        lazy_gettext("Contract (UK GDPR Article 6(1)(b))"),
        lazy_gettext("It is needed for a contract with you."),
    ),
    LawfulBasis.VITAL_INTERESTS: (
        lazy_gettext("Vital interests (UK GDPR Article 6(1)(d))"),
        lazy_gettext("It is needed to protect someone's life."),
    ),
    LawfulBasis.LEGITIMATE_INTERESTS: (
        lazy_gettext("Legitimate interests (UK GDPR Article 6(1)(f))"),
        lazy_gettext("For a legitimate purpose outside our tasks as a public body."),
    ),
}


class StorageLocation(StrEnum):
    UK = "uk"
    EEA = "eea"
    ELSEWHERE = "elsewhere"

    @property
    def label(self) -> str:
        return str(STORAGE_LABELS[self])


STORAGE_LABELS = {
    StorageLocation.UK: lazy_gettext("In the UK"),
    StorageLocation.EEA: lazy_gettext("In the UK and the European Economic Area (EEA)"),
    StorageLocation.ELSEWHERE: lazy_gettext("Outside the UK and the EEA"),
}


class RequestSubject(StrEnum):
    PRODUCT = "product"
    BIOMETRICS = "biometrics"
    PHOTOGRAPHS = "photographs"
    CENSUS = "census"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(SUBJECT_LABELS[self])


SUBJECT_LABELS = {
    RequestSubject.PRODUCT: lazy_gettext("An app or service the school uses"),
    RequestSubject.BIOMETRICS: lazy_gettext("Biometrics (Protection of Freedoms Act 2012)"),
    RequestSubject.PHOTOGRAPHS: lazy_gettext("Photographs and video"),
    RequestSubject.CENSUS: lazy_gettext("Optional school census items"),
    RequestSubject.OTHER: lazy_gettext("Something else"),
}


class RequestKind(StrEnum):
    OBJECTION = "objection"
    OPT_OUT = "opt_out"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    REQUEST = "request"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    RequestKind.OBJECTION: lazy_gettext("Objection"),
    RequestKind.OPT_OUT: lazy_gettext("Opt-out or refusal"),
    RequestKind.CONSENT_WITHDRAWN: lazy_gettext("Consent withdrawn"),
    RequestKind.REQUEST: lazy_gettext("Other request"),
}


class RequestOutcome(StrEnum):
    OPEN = "open"
    STOPPED = "stopped"
    ALTERNATIVE = "alternative"
    CONTINUED = "continued"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])


OUTCOME_LABELS = {
    RequestOutcome.OPEN: lazy_gettext("Open: not decided yet"),
    RequestOutcome.STOPPED: lazy_gettext("Agreed: the use has stopped for this pupil"),
    RequestOutcome.ALTERNATIVE: lazy_gettext("Agreed: an alternative is in place"),
    RequestOutcome.CONTINUED: lazy_gettext("Not agreed: the school continues (reasons recorded)"),
    RequestOutcome.WITHDRAWN: lazy_gettext("Withdrawn by the family"),
}


class FamilyPageSettings(SchoolOwned, Model):
    """One row per school: its public page address, the privacy contact families see, and how
    long families' requests are kept once closed."""

    __tablename__ = "family_page_settings"
    __table_args__ = (UniqueConstraint("school_id"), UniqueConstraint("public_slug"))

    id: Mapped[int] = mapped_column(primary_key=True)
    public_slug: Mapped[str] = mapped_column(String(60))
    privacy_contact: Mapped[str] = mapped_column(String(200), default="")  # a role, not a name
    privacy_email: Mapped[str] = mapped_column(String(254), default="")
    privacy_postal: Mapped[str] = mapped_column(Text, default="")
    # None: keep closed requests for ever. Applied by `flask purge`.
    delete_requests_after_months: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProductNotice(SchoolOwned, Model):
    """What the school tells families about one product, and the record-of-processing facts an
    assessment cannot know. Shown publicly only while `published` and the product's current
    decision is approve or conditional and has not lapsed."""

    __tablename__ = "product_notice"
    __table_args__ = (UniqueConstraint("vendor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendor.id", ondelete="CASCADE"))
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    purpose: Mapped[str] = mapped_column(Text, default="")
    lawful_basis: Mapped[LawfulBasis | None] = mapped_column(_stored_as_value(LawfulBasis))
    storage: Mapped[StorageLocation | None] = mapped_column(_stored_as_value(StorageLocation))
    storage_detail: Mapped[str] = mapped_column(String(300), default="")
    retention: Mapped[str] = mapped_column(Text, default="")
    data_subjects: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[str] = mapped_column(Text, default="")
    security: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class FamilyRequest(SchoolOwned, Model):
    """A family's objection, opt-out or request. The pupil is named only by a reference the
    school chooses (no names needed); `subject_label` keeps the product's name if it is deleted."""

    __tablename__ = "family_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[RequestSubject] = mapped_column(_stored_as_value(RequestSubject))
    vendor_id: Mapped[int | None] = mapped_column(
        ForeignKey("vendor.id", ondelete="SET NULL"), index=True
    )
    subject_label: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[RequestKind] = mapped_column(_stored_as_value(RequestKind))
    pupil_reference: Mapped[str] = mapped_column(String(60))
    received_on: Mapped[date] = mapped_column(Date)
    details: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[RequestOutcome] = mapped_column(
        _stored_as_value(RequestOutcome), default=RequestOutcome.OPEN
    )
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    alternative: Mapped[str] = mapped_column(Text, default="")  # offered without detriment
    review_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    @property
    def closed(self) -> bool:
        return self.outcome != RequestOutcome.OPEN


class StatutoryReturn(SchoolOwned, Model):
    """A return the law requires (the school census, or one the school adds): one row of the
    record of processing activities, with the Art 30(1) facts written by the school."""

    __tablename__ = "statutory_return"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_key: Mapped[str | None] = mapped_column(String(60))  # e.g. school-census
    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    lawful_basis: Mapped[str] = mapped_column(Text, default="")
    data_subjects: Mapped[str] = mapped_column(Text, default="")
    data_categories: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[str] = mapped_column(Text, default="")
    transfers: Mapped[str] = mapped_column(Text, default="")
    retention: Mapped[str] = mapped_column(Text, default="")
    security: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
