"""Publishing a school policy and each new version of it.

A version is either Markdown written in the app (shown through the lesson renderer, which
escapes raw HTML and keeps only a short allow-list of tags) or an uploaded PDF (checked and
stored by `app.services.policies.files`), never both. Versions are numbered 1, 2, 3 in order
and keep the school's own label ("2025-26"). Each publication is recorded through `record`.
No Flask imports; the caller commits.
"""

from collections.abc import Callable
from datetime import datetime
from pathlib import Path, PurePosixPath

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.content.markdown import callout_problems
from app.models.policies import Policy, PolicyKind, PolicyVersion
from app.services.policies import files
from app.util.i18n import _

MAX_BODY_CHARACTERS = 100_000

AuditRecord = Callable[..., object]


class PolicyError(ValueError):
    """A rule was broken; each of `problems` is shown to the user as it is."""

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def document_problems(body: str | None, pdf: bytes | None, max_pdf_bytes: int) -> list[str]:
    """Why this text or file cannot be published (the form shows the same words)."""
    text = (body or "").strip()
    if text and pdf:
        return [_("Write the policy or upload a PDF, not both")]
    if not text and not pdf:
        return [_("Write the policy or upload it as a PDF")]
    if pdf:
        return files.pdf_problems(pdf, max_pdf_bytes)
    if len(text) > MAX_BODY_CHARACTERS:
        return [_("The policy must be %(max)s characters or fewer", max=f"{MAX_BODY_CHARACTERS:,}")]
    return callout_problems(text)


def publish_policy(
    session: Session,
    *,
    school_id: int,
    kind: str,
    title: str,
    label: str | None,
    change_note: str | None,
    body: str | None,
    pdf: bytes | None,
    original_name: str | None,
    files_dir: Path,
    max_pdf_bytes: int,
    now: datetime,
    actor_id: int | None,
    record: AuditRecord,
) -> PolicyVersion:
    """A new policy with its first version."""
    title = " ".join(title.split())
    taken = session.execute(
        select(Policy.id).where(Policy.school_id == school_id, Policy.title == title)
    ).first()
    if taken:
        raise PolicyError(
            _(
                "Your school already has a policy called “%(title)s”: publish a new version of it",
                title=title,
            )
        )
    policy = Policy(school_id=school_id, kind=PolicyKind(kind).value, title=title, created_at=now)
    session.add(policy)
    session.flush()
    return publish_version(
        session, policy, label=label, change_note=change_note, body=body, pdf=pdf,
        original_name=original_name, files_dir=files_dir, max_pdf_bytes=max_pdf_bytes,
        now=now, actor_id=actor_id, record=record,
    )  # fmt: skip


def publish_version(
    session: Session,
    policy: Policy,
    *,
    label: str | None,
    change_note: str | None,
    body: str | None,
    pdf: bytes | None,
    original_name: str | None,
    files_dir: Path,
    max_pdf_bytes: int,
    now: datetime,
    actor_id: int | None,
    record: AuditRecord,
) -> PolicyVersion:
    """The policy's next version; from now on staff are asked to acknowledge this one."""
    if problems := document_problems(body, pdf, max_pdf_bytes):
        raise PolicyError(*problems)
    latest = session.execute(
        select(func.max(PolicyVersion.number)).where(PolicyVersion.policy_id == policy.id)
    ).scalar_one()
    number = (latest or 0) + 1
    version = PolicyVersion(
        school_id=policy.school_id,
        policy_id=policy.id,
        number=number,
        label=(label or "").strip() or str(number),
        change_note=(change_note or "").strip() or None,
        published_at=now,
        published_by_id=actor_id,
    )
    if pdf:
        stored = files.store(files_dir, policy.school_id, pdf)
        version.file_name, version.file_size, version.file_sha256 = (
            stored.name, stored.size, stored.sha256,
        )  # fmt: skip
        # Kept only to show; any folder part of the name the browser sent is dropped.
        given = PurePosixPath((original_name or "").replace("\\", "/")).name
        version.file_original_name = (given or "policy.pdf")[-200:]
    else:
        version.body = (body or "").strip()
    policy.withdrawn_at = None  # publishing again brings a withdrawn policy back
    session.add(version)
    session.flush()
    record(
        "policy_published",
        school_id=policy.school_id,
        actor_id=actor_id,
        object_type="policy",
        object_id=policy.id,
        version=number,
        format="pdf" if pdf else "text",
    )
    return version


def withdraw(policy: Policy, *, now: datetime, actor_id: int | None, record: AuditRecord) -> None:
    """Stop asking staff to read it (the acknowledgements already given are kept)."""
    policy.withdrawn_at = now
    record(
        "policy_withdrawn",
        school_id=policy.school_id,
        actor_id=actor_id,
        object_type="policy",
        object_id=policy.id,
    )


def withdrawn_policies(session: Session, school_id: int) -> list[Policy]:
    """The school's withdrawn policies, by title (their publishers can still open them)."""
    stmt = (
        select(Policy)
        .where(Policy.school_id == school_id, Policy.withdrawn_at.is_not(None))
        .order_by(Policy.title)
    )
    return list(session.execute(stmt).scalars())
