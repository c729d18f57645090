"""Who has read and acknowledged which version of each school policy.

Everyone with an active account in the school is asked to acknowledge the current (newest)
version of every policy that has not been withdrawn; acknowledging an earlier version does not
count once a new one is published, but stays on the record. The overview for the dashboard,
the policy pages and the CSV, and the list for reminders, each load in three queries whatever
the number of staff. No Flask imports; the caller commits.
"""

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import User, UserRole
from app.models.policies import Policy, PolicyAcknowledgement, PolicyVersion
from app.services.policies.publishing import PolicyError
from app.util.i18n import _, lazy_gettext

AuditRecord = Callable[..., object]


class AckStatus(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    EARLIER_VERSION = "earlier_version"
    NOT_ACKNOWLEDGED = "not_acknowledged"


ACK_LABELS = {
    AckStatus.ACKNOWLEDGED: lazy_gettext("Acknowledged"),
    AckStatus.EARLIER_VERSION: lazy_gettext("Acknowledged an earlier version"),
    AckStatus.NOT_ACKNOWLEDGED: lazy_gettext("Not acknowledged yet"),
}
ACK_TAGS = {
    AckStatus.ACKNOWLEDGED: "govuk-tag--green",
    AckStatus.EARLIER_VERSION: "govuk-tag--yellow",
    AckStatus.NOT_ACKNOWLEDGED: "govuk-tag--red",
}


@dataclass(frozen=True)
class CurrentPolicy:
    policy: Policy
    version: PolicyVersion


@dataclass(frozen=True)
class PersonAck:
    user_id: int
    name: str
    email: str
    roles: tuple[str, ...]
    status: AckStatus
    version_name: str | None = None  # the newest version they acknowledged
    acknowledged_at: datetime | None = None


@dataclass
class PolicyOverview:
    policy: Policy
    version: PolicyVersion
    people: list[PersonAck] = field(default_factory=list)

    def count(self, status: AckStatus) -> int:
        return sum(1 for person in self.people if person.status == status)

    @property
    def acknowledged(self) -> int:
        return self.count(AckStatus.ACKNOWLEDGED)

    @property
    def outstanding(self) -> list[PersonAck]:
        return [p for p in self.people if p.status != AckStatus.ACKNOWLEDGED]


def _current_policies_stmt(in_schools: ColumnElement[bool]) -> Select:
    newest = (
        select(PolicyVersion.policy_id, func.max(PolicyVersion.number).label("number"))
        .where(in_schools)
        .group_by(PolicyVersion.policy_id)
        .subquery()
    )
    return (
        select(PolicyVersion, Policy)
        .join(Policy, Policy.id == PolicyVersion.policy_id)
        .join(
            newest,
            and_(
                newest.c.policy_id == PolicyVersion.policy_id,
                newest.c.number == PolicyVersion.number,
            ),
        )
        .where(Policy.withdrawn_at.is_(None))
        .order_by(Policy.title, Policy.id)
    )


# Built once, like _TO_READ below: the dashboard and the policy pages ask it on every request.
_CURRENT = _current_policies_stmt(
    PolicyVersion.school_id.in_(bindparam("school_ids", expanding=True))
)


def current_policies(session: Session, school_ids: Sequence[int]) -> list[CurrentPolicy]:
    """The newest version of each policy in force, by title, in one query."""
    rows = session.execute(_CURRENT, {"school_ids": list(school_ids)}).all()
    return [CurrentPolicy(policy, version) for version, policy in rows]


# Built once: My training and the home page ask it on every request.
_TO_READ = _current_policies_stmt(PolicyVersion.school_id == bindparam("school_id")).where(
    ~exists().where(
        PolicyAcknowledgement.version_id == PolicyVersion.id,
        PolicyAcknowledgement.user_id == bindparam("user_id"),
    )
)


def to_read(session: Session, user: User) -> list[CurrentPolicy]:
    """The policies `user` still has to acknowledge (their current versions), in one query."""
    rows = session.execute(_TO_READ, {"school_id": user.school_id, "user_id": user.id}).all()
    return [CurrentPolicy(policy, version) for version, policy in rows]


def acknowledgement_of(session: Session, version: PolicyVersion, user: User):
    stmt = select(PolicyAcknowledgement).where(
        PolicyAcknowledgement.version_id == version.id, PolicyAcknowledgement.user_id == user.id
    )
    return session.execute(stmt).scalar_one_or_none()


def acknowledge(
    session: Session,
    version: PolicyVersion,
    user: User,
    *,
    now: datetime,
    record: AuditRecord,
) -> PolicyAcknowledgement:
    """Record that `user` has read `version`. Only the current version of a policy in force can
    be acknowledged; doing it twice (a double click) keeps the first."""
    policy = version.policy
    newest = session.execute(
        select(func.max(PolicyVersion.number)).where(PolicyVersion.policy_id == policy.id)
    ).scalar_one()
    if policy.withdrawn_at is not None:
        raise PolicyError(_("This policy has been withdrawn, so there is nothing to acknowledge"))
    if version.number != newest:
        raise PolicyError(_("A newer version of this policy has been published: read that one"))
    existing = acknowledgement_of(session, version, user)
    if existing is not None:
        return existing
    acknowledgement = PolicyAcknowledgement(
        school_id=version.school_id,
        version_id=version.id,
        policy_id=policy.id,
        user_id=user.id,
        acknowledged_at=now,
    )
    try:
        with session.begin_nested():  # a second request racing this one: keep theirs
            session.add(acknowledgement)
    except IntegrityError:
        return acknowledgement_of(session, version, user)
    record(
        "policy_acknowledged",
        school_id=version.school_id,
        actor_id=user.id,
        object_type="policy",
        object_id=policy.id,
        version=version.number,
    )
    return acknowledgement


def _staff(session: Session, school_ids: Sequence[int]) -> dict[int, dict]:
    """Active accounts (with their roles) by id, by name: one query."""
    rows = session.execute(
        select(User.id, User.school_id, User.display_name, User.email, UserRole.role)
        .outerjoin(UserRole, UserRole.user_id == User.id)
        .where(User.school_id.in_(list(school_ids)), User.active.is_(True))
        .order_by(func.lower(User.display_name), User.id)
    )
    staff: dict[int, dict] = {}
    for user_id, school_id, name, email, role in rows:
        entry = staff.setdefault(
            user_id, {"school_id": school_id, "name": name, "email": email, "roles": []}
        )
        if role:
            entry["roles"].append(role)
    return staff


def _newest_acknowledgements(session: Session, school_ids: Sequence[int]) -> dict:
    """(user id, policy id) -> (version number, version name, when) of the newest one."""
    rows = session.execute(
        select(
            PolicyAcknowledgement.user_id,
            PolicyAcknowledgement.policy_id,
            PolicyAcknowledgement.acknowledged_at,
            PolicyVersion,
        )
        .join(PolicyVersion, PolicyVersion.id == PolicyAcknowledgement.version_id)
        .where(PolicyAcknowledgement.school_id.in_(list(school_ids)))
    )
    newest: dict = {}
    for user_id, policy_id, when, version in rows:
        seen = newest.get((user_id, policy_id))
        if seen is None or version.number > seen[0]:
            newest[(user_id, policy_id)] = (version.number, version.name, when)
    return newest


def overview(
    session: Session, school_ids: Sequence[int], *, staff: Mapping[int, dict] | None = None
) -> list[PolicyOverview]:
    """Every policy in force with every member of staff's status, in three queries (two when
    the caller has read the staff already: `staff`, as `_staff` returns them)."""
    policies = current_policies(session, school_ids)
    if not policies:
        return []
    if staff is None:
        staff = _staff(session, school_ids)
    newest = _newest_acknowledgements(session, school_ids)
    result = []
    for current in policies:
        entry = PolicyOverview(current.policy, current.version)
        for user_id, person in staff.items():
            if person["school_id"] != current.policy.school_id:
                continue
            number, name, when = newest.get((user_id, current.policy.id), (None, None, None))
            if number == current.version.number:
                status = AckStatus.ACKNOWLEDGED
            elif number is not None:
                status = AckStatus.EARLIER_VERSION
            else:
                status = AckStatus.NOT_ACKNOWLEDGED
            entry.people.append(
                PersonAck(
                    user_id,
                    person["name"],
                    person["email"],
                    tuple(sorted(person["roles"])),
                    status,
                    name,
                    when,
                )  # fmt: skip
            )
        result.append(entry)
    return result


def outstanding_by_user(
    session: Session, school_ids: Sequence[int]
) -> dict[int, list[CurrentPolicy]]:
    """user id -> the current policies they have not acknowledged (for reminders)."""
    policies = current_policies(session, school_ids)
    if not policies:
        return {}
    staff = _staff(session, school_ids)
    done = set(
        session.execute(
            select(PolicyAcknowledgement.user_id, PolicyAcknowledgement.version_id).where(
                PolicyAcknowledgement.version_id.in_([c.version.id for c in policies])
            )
        ).tuples()
    )
    outstanding: dict[int, list[CurrentPolicy]] = defaultdict(list)
    for user_id, person in staff.items():
        for current in policies:
            same_school = current.policy.school_id == person["school_id"]
            if same_school and (user_id, current.version.id) not in done:
                outstanding[user_id].append(current)
    return dict(outstanding)
