"""Reminder planning for `flask reminders send`: who to email about what, never twice.

Each outstanding thing moves through stages: a training module is "due" (once assigned), then
"due soon", then "overdue"; a completion becomes "expiring" then "expired"; a vendor decision
reaches 30, 7 and 1 days before its valid-until date; each new version of a school policy is
to be acknowledged. A person gets one email when anything of theirs reaches a stage not sent
before (the email lists everything outstanding, training and policies); each stage is
remembered in `SentReminder` with the date (or policy version) it is about, so a second run
sends nothing, a finished module or an acknowledged policy sends nothing more, and a new
version of a policy is one new reminder. Schools that turn reminders off are skipped.
No Flask imports: the CLI sends the planned emails with app.mail and records them here.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Role, School
from app.models.oversight import SchoolSettings, SentReminder
from app.services.oversight.compliance import compliance_items
from app.services.policies.acknowledgements import outstanding_by_user
from app.services.procurement.reviews import overdue_conditions, product_states, review_stage
from app.services.training.assignments import COMPLIANCE_LABELS, Compliance
from app.util.dates import long_date
from app.util.i18n import DEFAULT_LOCALE, _, in_locale

REMIND_ABOUT = (
    Compliance.DUE,
    Compliance.DUE_SOON,
    Compliance.OVERDUE,
    Compliance.EXPIRING,
    Compliance.EXPIRED,
)

StageKey = tuple[str, str, str]  # (topic, stage, cycle)
POLICY_STAGE = "acknowledge"  # a policy version to read; its cycle names the version


class ReminderKind(StrEnum):
    TRAINING = "training"  # to a member of staff, about their modules
    # Decisions due for review (to business managers) and overdue conditions (to them and to
    # the colleague who owns each).
    REVIEWS = "reviews"


@dataclass
class Reminder:
    kind: ReminderKind
    school_id: int
    recipient_key: str
    email: str
    name: str
    lines: list[str] = field(default_factory=list)
    policy_lines: list[str] = field(default_factory=list)  # policies to read and acknowledge
    new_stages: list[StageKey] = field(default_factory=list)
    invited: bool = False  # has not joined yet
    locale: str = DEFAULT_LOCALE  # the email's language: the recipient's choice, else English


def enabled_school_ids(session: Session) -> list[int]:
    disabled = set(
        session.execute(
            select(SchoolSettings.school_id).where(SchoolSettings.reminders_enabled.is_(False))
        ).scalars()
    )
    return [sid for sid in session.execute(select(School.id)).scalars() if sid not in disabled]


def _already_sent(session: Session, school_ids: list[int]) -> set[tuple[str, str, str, str]]:
    stmt = select(
        SentReminder.recipient_key, SentReminder.topic, SentReminder.stage, SentReminder.cycle
    ).where(SentReminder.school_id.in_(school_ids))
    return {tuple(row) for row in session.execute(stmt)}


def plan(
    session: Session,
    module_titles: Mapping[str, str],
    now: datetime,
    translated_titles: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Reminder]:
    """Every reminder due now, in the order people were found. Each is written in its
    recipient's language, with module titles from `translated_titles` (language -> module id ->
    title) where a module is translated."""
    school_ids = enabled_school_ids(session)
    if not school_ids:
        return []
    sent = _already_sent(session, school_ids)
    people, items = compliance_items(session, school_ids, module_titles.keys(), now)
    by_person: dict[str, list] = defaultdict(list)
    for item in items:
        if item.status in REMIND_ABOUT:
            by_person[item.person.key].append(item)
    policies = outstanding_by_user(session, school_ids)
    reminders = []
    for person in people:
        outstanding = by_person.get(person.key, [])
        to_acknowledge = policies.get(person.user_id, []) if person.user_id is not None else []
        if not outstanding and not to_acknowledge:
            continue
        reminder = Reminder(ReminderKind.TRAINING, person.school_id, person.key, person.email,
                            person.name, invited=not person.joined,
                            locale=person.locale or DEFAULT_LOCALE)  # fmt: skip
        titles = {**module_titles, **(translated_titles or {}).get(reminder.locale, {})}
        for item in outstanding:
            key = (f"module:{item.module_id}", item.status.value, str(item.due_date or "none"))
            if (person.key, *key) not in sent:
                reminder.new_stages.append(key)
            with in_locale(reminder.locale):
                when = f" ({long_date(item.due_date)})" if item.due_date else ""
                reminder.lines.append(
                    f"- {titles[item.module_id]}: {COMPLIANCE_LABELS[item.status]}{when}"
                )
        for current in to_acknowledge:
            key = (f"policy:{current.policy.id}", POLICY_STAGE, f"version:{current.version.id}")
            if (person.key, *key) not in sent:
                reminder.new_stages.append(key)
            with in_locale(reminder.locale):
                reminder.policy_lines.append(f"- {current.policy.title}, {current.version.name}")
        if reminder.new_stages:
            reminders.append(reminder)
    reminders.extend(_review_reminders(session, people, school_ids, sent, now))
    return reminders


def _review_reminders(session, people, school_ids, sent, now) -> list[Reminder]:
    today = now.date()
    due_by_school: dict[int, list] = defaultdict(list)
    products = product_states(session, school_ids)
    for product in products:
        stage = review_stage(product.valid_until, today)
        if stage is not None:
            due_by_school[product.school_id].append((product, stage))
    # Conditions past their due date and not marked met: one stage each, "overdue".
    conditions_by_school: dict[int, list] = defaultdict(list)
    for condition in overdue_conditions(session, products, today):
        conditions_by_school[condition.product.school_id].append(condition)
    reminders = []
    for person in people:
        if not person.joined:
            continue
        # Business managers hear of every review and overdue condition at their school; a
        # colleague who owns a condition hears of that condition (the owner is who acts on it).
        manages = Role.BUSINESS_MANAGER in person.roles
        due = due_by_school.get(person.school_id, []) if manages else []
        conditions = [
            condition
            for condition in conditions_by_school.get(person.school_id, [])
            if manages or (person.user_id is not None and condition.owner_user_id == person.user_id)
        ]
        if not due and not conditions:
            continue
        reminder = Reminder(ReminderKind.REVIEWS, person.school_id, person.key, person.email,
                            person.name, locale=person.locale or DEFAULT_LOCALE)  # fmt: skip
        for product, stage in due:
            key = (f"review:{product.decided_id}", str(stage), product.valid_until.isoformat())
            if (person.key, *key) not in sent:
                reminder.new_stages.append(key)
            with in_locale(reminder.locale):
                reminder.lines.append(_review_line(product, today))
        for condition in conditions:
            key = (f"condition:{condition.condition_id}", "overdue", condition.due_on.isoformat())
            if (person.key, *key) not in sent:
                reminder.new_stages.append(key)
            with in_locale(reminder.locale):
                reminder.lines.append(_condition_line(condition))
        if reminder.new_stages:
            reminders.append(reminder)
    return reminders


def _review_line(product, today) -> str:
    names = {"product": product.product, "supplier": product.supplier,
             "decision": product.decision_label}  # fmt: skip
    if product.valid_until < today:
        return _("- %(product)s (%(supplier)s): the decision “%(decision)s” has lapsed", **names)
    return _(
        "- %(product)s (%(supplier)s): the decision “%(decision)s” is due for review by %(date)s",
        date=long_date(product.valid_until),
        **names,
    )


def _condition_line(condition) -> str:
    return _(
        "- %(product)s (%(supplier)s): the condition “%(text)s” was due on %(date)s and is not "
        "marked met (owner: %(owner)s)",
        product=condition.product.product,
        supplier=condition.product.supplier,
        text=condition.text,
        date=long_date(condition.due_on),
        owner=condition.owner,
    )


def record_sent(session: Session, reminder: Reminder, now: datetime) -> None:
    for topic, stage, cycle in reminder.new_stages:
        session.add(
            SentReminder(
                school_id=reminder.school_id,
                recipient_key=reminder.recipient_key,
                topic=topic,
                stage=stage,
                cycle=cycle,
                sent_at=now,
            )
        )
