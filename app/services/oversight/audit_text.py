"""Audit events in words: "Changed roles of Sam Teacher (teacher → teacher, DPO)" rather than
"user 1; after: ['dpo', 'teacher']".

`resolve_names` looks up the people and things a page of events mentions (accounts,
invitations, schools, products, assessments, policies), one query per kind of object present,
so a page costs the same whatever its number of rows. `describe` turns one event and those
names into a sentence; an action it has no sentence for still names its object and lists its
details. Names are read now, so an erased person shows as a former member of staff. No Flask
imports.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Invitation, School, User
from app.models.policies import Policy
from app.models.procurement import DECISION_LABELS, Assessment, Vendor
from app.util.dates import long_date

# The short role words staff use (and the CSV import accepts).
ROLE_WORDS = {
    "teacher": "teacher",
    "business_manager": "business manager",
    "dpo": "DPO",
    "school_admin": "school admin",
    "trust_admin": "trust admin",
}


# The kinds of object an event can name, and how to find their names.
NAMED_KINDS = ("user", "invitation", "school", "vendor", "assessment", "policy")


@dataclass
class Names:
    """object kind -> {id: name}; an invitation reads "Ana Lee (ana@school)", an assessment
    names the product assessed."""

    by_kind: dict[str, dict[int, str]] = field(default_factory=dict)
    modules: Mapping[str, str] = field(default_factory=dict)


def _id(value: object) -> int | None:
    text = str(value) if value is not None else ""
    return int(text) if text.isdigit() and len(text) < 19 else None


def resolve_names(
    session: Session, events: Iterable[AuditEvent], module_titles: Mapping[str, str]
) -> Names:
    """Names of everything `events` point at, in at most one query per kind of object."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        object_id = _id(event.object_id)
        if event.object_type and object_id is not None:
            wanted.setdefault(event.object_type, set()).add(object_id)
        for key, kind in (("user_id", "user"), ("replaces", "invitation")):
            if (other := _id(event.detail.get(key))) is not None:
                wanted.setdefault(kind, set()).add(other)
    names = Names(modules=module_titles)
    for kind, ids in wanted.items():
        if kind in _LOOKUPS:
            rows = session.execute(_LOOKUPS[kind](ids)).tuples()
            names.by_kind[kind] = {
                row[0]: _FORMATS.get(kind, "{0}").format(*row[1:]) for row in rows
            }
    return names


_LOOKUPS = {
    "user": lambda ids: select(User.id, User.display_name).where(User.id.in_(ids)),
    "invitation": lambda ids: select(
        Invitation.id, Invitation.display_name, Invitation.email
    ).where(Invitation.id.in_(ids)),
    "school": lambda ids: select(School.id, School.name).where(School.id.in_(ids)),
    "vendor": lambda ids: select(Vendor.id, Vendor.product, Vendor.name).where(Vendor.id.in_(ids)),
    "assessment": lambda ids: (
        select(Assessment.id, Vendor.product, Vendor.name)
        .join(Vendor, Vendor.id == Assessment.vendor_id)
        .where(Assessment.id.in_(ids))
    ),
    "policy": lambda ids: select(Policy.id, Policy.title).where(Policy.id.in_(ids)),
}
_FORMATS = {"invitation": "{0} ({1})", "vendor": "{0} ({1})", "assessment": "{0} ({1})"}


def roles_text(roles: object) -> str:
    """["dpo", "teacher"] or "dpo teacher" as "teacher, DPO" (in the order of the role list)."""
    given = roles.split() if isinstance(roles, str) else list(roles or [])  # type: ignore[call-overload]
    ordered = [role for role in ROLE_WORDS if role in given]
    return ", ".join(ROLE_WORDS[role] for role in ordered) or "no role"


def _plural(count: object, one: str, many: str | None = None) -> str:
    number = count if isinstance(count, int) else 0
    return f"{number:,} {one if number == 1 else (many or one + 's')}"


class _Event:
    """One event with its names looked up: the pieces each sentence needs."""

    def __init__(self, event: AuditEvent, names: Names) -> None:
        self.event, self.names, self.detail = event, names, event.detail or {}

    def named(self, kind: str, object_id: object = None, fallback: str | None = None) -> str:
        key = _id(self.event.object_id if object_id is None else object_id)
        found = self.names.by_kind.get(kind, {}).get(key) if key is not None else None
        return found or fallback or f"{kind} {key if key is not None else '?'} (since deleted)"

    @property
    def user(self) -> str:
        return self.named("user")

    def module(self) -> str:
        module_id = str(self.detail.get("module_id", ""))
        return self.names.modules.get(module_id, module_id or "a module")


def _assignment_target(e: _Event) -> str:
    if e.detail.get("user_id") is not None:
        return e.named("user", e.detail["user_id"])
    if role := e.detail.get("role"):
        return f"everyone who is a {ROLE_WORDS.get(str(role), str(role))}"
    return "everyone"


def _settings(e: _Event) -> str:
    d = e.detail
    erase = d.get("erase_deactivated_after_months")
    delete = d.get("delete_audit_after_months")
    return "; ".join(
        [
            f"reminders {d.get('reminders', 'on')}",
            f"erase deactivated accounts after {_plural(erase, 'month')}"
            if erase else "keep deactivated accounts",
            f"delete audit entries after {_plural(delete, 'month')}"
            if delete else "keep audit entries",
        ]
    )  # fmt: skip


def _due(e: _Event) -> str:
    due = e.detail.get("due_date")
    return f", due by {long_date(due)}" if due else ""


SENTENCES = {
    "sign_in": lambda e: "Signed in" + (f" with {e.detail['via']}" if e.detail.get("via") else ""),
    "sign_in_refused": lambda e: (
        "Refused a password sign-in: the school signs in with its identity provider"
    ),
    "sign_in_provider_accepted": lambda e: (
        f"Signed in at {e.detail.get('via', 'the identity provider')}; asked for the two-step code"
    ),
    "sso_sign_in_refused": lambda e: (
        f"Refused a sign-in with {e.detail.get('via', 'the identity provider')}"
        + (f" as {e.detail['email']}" if e.detail.get("email") else "")
        + f" ({str(e.detail.get('reason', 'no reason')).replace('_', ' ')})"
    ),
    "sso_provider_unavailable": lambda e: (
        f"Could not reach {e.detail.get('via', 'the identity provider')}: "
        f"{e.detail.get('problem', '')}"
    ),
    "sso_account_created": lambda e: (
        f"Made the account of {e.user} at their first sign-in with {e.detail.get('via', '?')}"
    ),
    "sso_settings_changed": lambda e: (
        f"Changed the single sign-on settings of {e.named('school')}: {e.detail.get('changed')}"
    ),
    "sso_connection_tested": lambda e: f"Tried the single sign-on of {e.named('school')}",
    "sso_passwords_allowed_by_cli": lambda e: (
        f"Turned password sign-in back on for {e.named('school')} from the command line"
    ),
    "password_reset_refused": lambda e: (
        "Asked for a password reset; the school signs in with "
        "its identity provider, so they were emailed its sign-in address instead"
    ),
    "sign_in_failed": lambda e: f"Failed sign-in as {e.detail.get('email', 'an unknown address')}",
    "sign_out": lambda e: "Signed out",
    "signed_out_everywhere": lambda e: "Signed out on every device",
    "password_changed": lambda e: "Changed their password",
    "password_reset_requested": lambda e: "Asked for a password reset link",
    "password_reset": lambda e: "Reset their password with an emailed link",
    "user_created_by_cli": lambda e: f"Created the account of {e.user} from the command line",
    "invitation_sent": lambda e: (
        f"Invited {e.named('invitation')} as {roles_text(e.detail.get('roles'))}"
    ),
    "invitation_resent": lambda e: f"Sent a new invitation link to {e.named('invitation')}",
    "invitation_revoked": lambda e: f"Revoked the invitation to {e.named('invitation')}",
    "invitation_accepted": lambda e: f"{e.user} accepted their invitation and joined",
    "roles_changed": lambda e: (
        f"Changed roles of {e.user} ({roles_text(e.detail.get('before'))} → "
        f"{roles_text(e.detail.get('after'))})"
    ),
    "user_deactivated": lambda e: f"Deactivated the account of {e.user}",
    "user_reactivated": lambda e: f"Reactivated the account of {e.user}",
    "user_erased": lambda e: (
        f"Erased the personal details of account {e.event.object_id}; "
        f"{_plural(e.detail.get('certificates'), 'certificate')} kept without the name"
    ),
    "staff_imported": lambda e: (
        f"Invited staff from a CSV file into {e.named('school')}: "
        f"{_plural(e.detail.get('invited'), 'invitation')} sent, "
        f"{_plural(e.detail.get('rejected'), 'row')} rejected"
    ),
    "assignment_created": lambda e: f"Assigned {e.module()} to {_assignment_target(e)}{_due(e)}",
    "assignment_deleted": lambda e: f"Removed an assignment of {e.module()}",
    "exemption_added": lambda e: f"Exempted {e.user} from {e.module()}",
    "exemption_removed": lambda e: f"Removed the exemption of {e.user} from {e.module()}",
    "settings_changed": lambda e: f"Changed the school settings: {_settings(e)}",
    "certificate_issued": lambda e: f"Passed {e.module()} and was given a certificate",
    "compliance_exported": lambda e: (
        f"Downloaded the training compliance CSV for {e.named('school')} "
        f"({_plural(e.detail.get('rows'), 'row')})"
    ),
    "audit_log_exported": lambda e: (
        f"Downloaded {_plural(e.detail.get('rows'), 'audit event')} as a CSV file"
    ),
    "own_data_exported": lambda e: (
        f"Downloaded their own data ({str(e.detail.get('format', '')).upper() or 'file'})"
    ),
    "reminders_sent": lambda e: (
        f"Sent {_plural(e.detail.get('count'), 'reminder email')}"
        + (
            f"; {_plural(e.detail['failed'], 'email')} could not be sent"
            if e.detail.get("failed")
            else ""
        )
    ),  # fmt: skip
    "retention_purge": lambda e: (
        f"Applied the retention settings: {_plural(e.detail.get('accounts_erased'), 'account')} "
        f"erased, {_plural(e.detail.get('audit_events_deleted'), 'audit event')} deleted"
    ),
    "vendor_added": lambda e: f"Added the product {e.named('vendor')}",
    "vendor_changed": lambda e: f"Changed the details of {e.named('vendor')}",
    "vendor_deleted": lambda e: (
        f"Deleted the product {e.named('vendor', fallback=e.detail.get('product'))}"
    ),
    "assessment_started": lambda e: (
        f"Started {'a re-assessment' if e.detail.get('previous') else 'an assessment'} of "
        f"{e.named('assessment')}"
    ),
    "assessment_deleted": lambda e: f"Deleted a draft assessment of {e.named('assessment')}",
    "assessment_decided": lambda e: (
        f"Recorded the decision on {e.named('assessment')}: "
        f"{DECISION_LABELS.get(str(e.detail.get('outcome')), e.detail.get('outcome'))}"
        + (f" (rated {e.detail['rating']})" if e.detail.get("rating") else "")
    ),
    "assessment_exported": lambda e: (
        f"Downloaded the assessment of {e.named('assessment')} "
        f"({str(e.detail.get('format', '')).upper() or 'file'})"
    ),
    "assessment_imported": lambda e: (
        f"Imported an assessment of {e.named('assessment')} "
        f"({_plural(e.detail.get('answers'), 'answer')})"
    ),
    "policy_published": lambda e: (
        f"Published {e.named('policy')}, version {e.detail.get('version', '?')}"
        + (" (PDF)" if e.detail.get("format") == "pdf" else "")
    ),
    "policy_withdrawn": lambda e: f"Withdrew {e.named('policy')}",
    "policy_acknowledged": lambda e: (
        f"Acknowledged {e.named('policy')}, version {e.detail.get('version', '?')}"
    ),
    "policy_acknowledgements_exported": lambda e: (
        f"Downloaded the policy acknowledgements CSV for {e.named('school')} "
        f"({_plural(e.detail.get('rows'), 'row')})"
    ),
}


def _generic(e: _Event) -> str:
    parts = []
    if e.event.object_type in NAMED_KINDS:
        parts.append(e.named(e.event.object_type))
    elif e.event.object_type:
        parts.append(f"{e.event.object_type.replace('_', ' ')} {e.event.object_id}")
    parts += [f"{key.replace('_', ' ')}: {value}" for key, value in sorted(e.detail.items())]
    return "; ".join(parts)


def describe(event: AuditEvent, names: Names) -> str:
    """The event as a sentence, with the people and objects it names."""
    wrapped = _Event(event, names)
    sentence = SENTENCES.get(event.action)
    try:
        return sentence(wrapped) if sentence else _generic(wrapped)
    except (KeyError, TypeError, ValueError):  # detail from an older release, say
        return _generic(wrapped)
