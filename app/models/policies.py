"""School policies staff must read and acknowledge: a policy, its published versions (Markdown
written in the app or an uploaded PDF kept under the instance folder) and who acknowledged
which version when.

A version is never changed once published: a correction is a new version, which every member
of staff is then asked to acknowledge again. Acknowledgements name the version, so the record
shows exactly what each person confirmed they had read.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Model, SchoolOwned, UTCDateTime, utcnow
from app.util.i18n import _, lazy_gettext


class PolicyKind(StrEnum):
    DATA_PROTECTION = "data_protection"
    ACCEPTABLE_USE = "acceptable_use"
    STAFF_PRIVACY_NOTICE = "staff_privacy_notice"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(POLICY_KIND_LABELS[self])


POLICY_KIND_LABELS = {
    PolicyKind.DATA_PROTECTION: lazy_gettext("Data protection policy"),
    PolicyKind.ACCEPTABLE_USE: lazy_gettext("Acceptable use policy"),
    PolicyKind.STAFF_PRIVACY_NOTICE: lazy_gettext("Privacy notice for staff"),
    PolicyKind.OTHER: lazy_gettext("Another policy"),
}


class Policy(SchoolOwned, Model):
    __table_args__ = (UniqueConstraint("school_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Withdrawn policies are no longer shown to staff or counted; their record is kept.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    versions: Mapped[list[PolicyVersion]] = relationship(
        back_populates="policy",
        cascade="all, delete-orphan",
        order_by="PolicyVersion.number.desc()",
    )

    @property
    def current(self) -> PolicyVersion | None:
        return self.versions[0] if self.versions else None


class PolicyVersion(SchoolOwned, Model):
    __tablename__ = "policy_version"
    __table_args__ = (UniqueConstraint("policy_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 ... in order of publishing
    label: Mapped[str] = mapped_column(String(40))  # the school's own name for it, e.g. "2025-26"
    change_note: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str | None] = mapped_column(Text)  # Markdown, when written in the app
    # An uploaded PDF: its random stored name under POLICY_FILES_DIR/<school id>/.
    file_name: Mapped[str | None] = mapped_column(String(80))
    file_original_name: Mapped[str | None] = mapped_column(String(200))
    file_size: Mapped[int | None] = mapped_column(Integer)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    policy: Mapped[Policy] = relationship(back_populates="versions")

    @property
    def is_pdf(self) -> bool:
        return self.file_name is not None

    @property
    def size_text(self) -> str:
        """The PDF's size as people read it: "340 KB", "1.2 MB"."""
        size = self.file_size or 0
        if size < 1024 * 1024:
            return f"{max(1, round(size / 1024))} KB"
        return f"{size / (1024 * 1024):.1f} MB"

    @property
    def name(self) -> str:
        """ "Version 2 (2025-26)", or "Version 2" when the label is the number."""
        if self.label == str(self.number):
            return _("Version %(number)d", number=self.number)
        return _("Version %(number)d (%(label)s)", number=self.number, label=self.label)


class PolicyAcknowledgement(SchoolOwned, Model):
    __tablename__ = "policy_acknowledgement"
    __table_args__ = (UniqueConstraint("version_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by the unique constraint, whose first column it is.
    version_id: Mapped[int] = mapped_column(ForeignKey("policy_version.id", ondelete="CASCADE"))
    # The policy again, so "who acknowledged what" is one query without joining versions.
    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
