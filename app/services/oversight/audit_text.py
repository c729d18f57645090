"""Audit events in words: "Changed roles of Sam Teacher (teacher → teacher, DPO)" rather than
"user 1; after: ['dpo', 'teacher']".

`resolve_names` looks up the people and things a page of events mentions (accounts,
invitations, schools, products, assessments, policies), one query per kind of object present,
so a page costs the same whatever its number of rows. `describe` turns one event and those
names into a sentence; an action it has no sentence for still names its object and lists its
details. Names are read now, so an erased person shows as a former member of staff. No Flask
imports.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, Invitation, School, User
from app.models.policies import Policy
from app.models.procurement import DECISION_LABELS, Assessment, Vendor
from app.util.dates import long_date
from app.util.i18n import _, lazy_gettext, ngettext

# The short role words staff use (and the CSV import accepts).
ROLE_WORDS = {
    "teacher": lazy_gettext("teacher"),
    "business_manager": lazy_gettext("business manager"),
    "dpo": lazy_gettext("DPO"),
    "school_admin": lazy_gettext("school admin"),
    "trust_admin": lazy_gettext("trust admin"),
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


_LOOKUPS: dict[str, Callable[[set[int]], Select[Any]]] = {
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
    # Anything else raises TypeError here, and the caller shows the event's details as stored.
    given = roles.split() if isinstance(roles, str) else list(cast(Iterable[str], roles or []))
    ordered = [role for role in ROLE_WORDS if role in given]
    return ", ".join(str(ROLE_WORDS[role]) for role in ordered) or _("no role")


def _count(value: object) -> int:
    return value if isinstance(value, int) else 0


class _Event:
    """One event with its names looked up: the pieces each sentence needs."""

    def __init__(self, event: AuditEvent, names: Names) -> None:
        self.event, self.names, self.detail = event, names, event.detail or {}

    def named(self, kind: str, object_id: object = None, fallback: str | None = None) -> str:
        key = _id(self.event.object_id if object_id is None else object_id)
        found = self.names.by_kind.get(kind, {}).get(key) if key is not None else None
        return (
            found
            or fallback
            or _(
                "%(kind)s %(id)s (since deleted)",
                kind=kind,
                id=key if key is not None else "?",
            )
        )

    @property
    def user(self) -> str:
        return self.named("user")

    def module(self) -> str:
        module_id = str(self.detail.get("module_id", ""))
        return self.names.modules.get(module_id, module_id or _("a module"))


def _assignment_target(e: _Event) -> str:
    if e.detail.get("user_id") is not None:
        return e.named("user", e.detail["user_id"])
    if role := e.detail.get("role"):
        return _("everyone who is a %(role)s", role=ROLE_WORDS.get(str(role), str(role)))
    return _("everyone")


def _settings(e: _Event) -> str:
    d = e.detail
    erase = d.get("erase_deactivated_after_months")
    delete = d.get("delete_audit_after_months")
    reminders = _("reminders on") if d.get("reminders", "on") == "on" else _("reminders off")
    return "; ".join(
        [
            reminders,
            ngettext(
                "erase deactivated accounts after %(num)d month",
                "erase deactivated accounts after %(num)d months",
                _count(erase),
            )
            if erase
            else _("keep deactivated accounts"),
            ngettext(
                "delete audit entries after %(num)d month",
                "delete audit entries after %(num)d months",
                _count(delete),
            )
            if delete
            else _("keep audit entries"),
        ]
    )


def _assigned(e: _Event) -> str:
    due = e.detail.get("due_date")
    names = {"module": e.module(), "target": _assignment_target(e)}
    if due:
        return _("Assigned %(module)s to %(target)s, due by %(date)s", date=long_date(due), **names)
    return _("Assigned %(module)s to %(target)s", **names)


def _file_format(e: _Event) -> str:
    return str(e.detail.get("format", "")).upper() or _("file")


def _reminders_sent(e: _Event) -> str:
    sent = ngettext(
        "Sent %(num)d reminder email", "Sent %(num)d reminder emails", _count(e.detail.get("count"))
    )
    if not e.detail.get("failed"):
        return sent
    failed = ngettext(
        "%(num)d email could not be sent",
        "%(num)d emails could not be sent",
        _count(e.detail["failed"]),
    )
    return f"{sent}; {failed}"


def _decided(e: _Event) -> str:
    outcome = str(e.detail.get("outcome"))
    outcome = next((label for d, label in DECISION_LABELS.items() if d == outcome), outcome)
    names = {"assessment": e.named("assessment"), "outcome": outcome}
    if e.detail.get("rating"):
        return _(
            "Recorded the decision on %(assessment)s: %(outcome)s (rated %(rating)s)",
            rating=e.detail["rating"],
            **names,
        )
    return _("Recorded the decision on %(assessment)s: %(outcome)s", **names)


def _published(e: _Event) -> str:
    names = {"policy": e.named("policy"), "version": e.detail.get("version", "?")}
    if e.detail.get("format") == "pdf":
        return _("Published %(policy)s, version %(version)s (PDF)", **names)
    return _("Published %(policy)s, version %(version)s", **names)


def _rows(e: _Event) -> int:
    return _count(e.detail.get("rows"))


SENTENCES = {
    "sign_in": lambda e: (
        _("Signed in with %(via)s", via=e.detail["via"]) if e.detail.get("via") else _("Signed in")
    ),
    "sign_in_refused": lambda e: _(
        "Refused a password sign-in: the school signs in with its identity provider"
    ),
    "sign_in_provider_accepted": lambda e: _(
        "Signed in at %(via)s; asked for the two-step code",
        via=e.detail.get("via") or _("the identity provider"),
    ),
    "sso_sign_in_refused": lambda e: _(
        "Refused a sign-in with %(via)s%(who)s (%(reason)s)",
        via=e.detail.get("via") or _("the identity provider"),
        who=_(" as %(email)s", email=e.detail["email"]) if e.detail.get("email") else "",
        reason=str(e.detail.get("reason") or _("no reason")).replace("_", " "),
    ),
    "sso_provider_unavailable": lambda e: _(
        "Could not reach %(via)s: %(problem)s",
        via=e.detail.get("via") or _("the identity provider"),
        problem=e.detail.get("problem", ""),
    ),
    "sso_account_created": lambda e: _(
        "Made the account of %(user)s at their first sign-in with %(via)s",
        user=e.user,
        via=e.detail.get("via", "?"),
    ),
    "sso_settings_changed": lambda e: _(
        "Changed the single sign-on settings of %(school)s: %(changed)s",
        school=e.named("school"),
        changed=e.detail.get("changed"),
    ),
    "sso_connection_tested": lambda e: _(
        "Tried the single sign-on of %(school)s", school=e.named("school")
    ),
    "sso_passwords_allowed_by_cli": lambda e: _(
        "Turned password sign-in back on for %(school)s from the command line",
        school=e.named("school"),
    ),
    "password_reset_refused": lambda e: _(
        "Asked for a password reset; the school signs in with its identity provider, so they "
        "were emailed its sign-in address instead"
    ),
    "sign_in_failed": lambda e: _(
        "Failed sign-in as %(email)s", email=e.detail.get("email") or _("an unknown address")
    ),
    "sign_out": lambda e: _("Signed out"),
    "signed_out_everywhere": lambda e: _("Signed out on every device"),
    "password_changed": lambda e: _("Changed their password"),
    "password_reset_requested": lambda e: _("Asked for a password reset link"),
    "password_reset": lambda e: _("Reset their password with an emailed link"),
    "user_created_by_cli": lambda e: _(
        "Created the account of %(user)s from the command line", user=e.user
    ),
    "invitation_sent": lambda e: _(
        "Invited %(person)s as %(roles)s",
        person=e.named("invitation"),
        roles=roles_text(e.detail.get("roles")),
    ),
    "invitation_resent": lambda e: _(
        "Sent a new invitation link to %(person)s", person=e.named("invitation")
    ),
    "invitation_revoked": lambda e: _(
        "Revoked the invitation to %(person)s", person=e.named("invitation")
    ),
    "invitation_accepted": lambda e: _(
        "%(user)s accepted their invitation and joined", user=e.user
    ),
    "roles_changed": lambda e: _(
        "Changed roles of %(user)s (%(before)s → %(after)s)",
        user=e.user,
        before=roles_text(e.detail.get("before")),
        after=roles_text(e.detail.get("after")),
    ),
    "user_deactivated": lambda e: _("Deactivated the account of %(user)s", user=e.user),
    "user_reactivated": lambda e: _("Reactivated the account of %(user)s", user=e.user),
    "user_erased": lambda e: ngettext(
        "Erased the personal details of account %(account)s; %(num)d certificate kept without "
        "the name",
        "Erased the personal details of account %(account)s; %(num)d certificates kept without "
        "the name",
        _count(e.detail.get("certificates")),
        account=e.event.object_id,
    ),
    "staff_imported": lambda e: _(
        "Invited staff from a CSV file into %(school)s: %(invited)s sent, %(rejected)s rejected",
        school=e.named("school"),
        invited=ngettext(
            "%(num)d invitation", "%(num)d invitations", _count(e.detail.get("invited"))
        ),
        rejected=ngettext("%(num)d row", "%(num)d rows", _count(e.detail.get("rejected"))),
    ),
    "assignment_created": _assigned,
    "assignment_deleted": lambda e: _("Removed an assignment of %(module)s", module=e.module()),
    "exemption_added": lambda e: _(
        "Exempted %(user)s from %(module)s", user=e.user, module=e.module()
    ),
    "exemption_removed": lambda e: _(
        "Removed the exemption of %(user)s from %(module)s", user=e.user, module=e.module()
    ),
    "settings_changed": lambda e: _(
        "Changed the school settings: %(settings)s", settings=_settings(e)
    ),
    "certificate_issued": lambda e: _(
        "Passed %(module)s and was given a certificate", module=e.module()
    ),
    "compliance_exported": lambda e: ngettext(
        "Downloaded the training compliance CSV for %(school)s (%(num)d row)",
        "Downloaded the training compliance CSV for %(school)s (%(num)d rows)",
        _rows(e),
        school=e.named("school"),
    ),
    "audit_log_exported": lambda e: ngettext(
        "Downloaded %(num)d audit event as a CSV file",
        "Downloaded %(num)d audit events as a CSV file",
        _rows(e),
    ),
    "own_data_exported": lambda e: _(
        "Downloaded their own data (%(format)s)", format=_file_format(e)
    ),
    "reminders_sent": _reminders_sent,
    "retention_purge": lambda e: _(
        "Applied the retention settings: %(accounts)s erased, %(events)s deleted",
        accounts=ngettext(
            "%(num)d account", "%(num)d accounts", _count(e.detail.get("accounts_erased"))
        ),
        events=ngettext(
            "%(num)d audit event",
            "%(num)d audit events",
            _count(e.detail.get("audit_events_deleted")),
        ),
    ),
    "vendor_added": lambda e: _("Added the product %(product)s", product=e.named("vendor")),
    "vendor_changed": lambda e: _("Changed the details of %(product)s", product=e.named("vendor")),
    "vendor_deleted": lambda e: _(
        "Deleted the product %(product)s",
        product=e.named("vendor", fallback=e.detail.get("product")),
    ),
    "assessment_started": lambda e: (
        _("Started a re-assessment of %(product)s", product=e.named("assessment"))
        if e.detail.get("previous")
        else _("Started an assessment of %(product)s", product=e.named("assessment"))
    ),
    "assessment_deleted": lambda e: _(
        "Deleted a draft assessment of %(product)s", product=e.named("assessment")
    ),
    "assessment_decided": _decided,
    "assessment_exported": lambda e: _(
        "Downloaded the assessment of %(product)s (%(format)s)",
        product=e.named("assessment"),
        format=_file_format(e),
    ),
    "supplier_invited": lambda e: _(
        "Sent %(contact)s a link to answer for %(product)s",
        contact=e.detail.get("contact", ""),
        product=e.named("assessment"),
    ),
    "supplier_link_revoked": lambda e: _(
        "Withdrew the supplier's link for %(product)s", product=e.named("assessment")
    ),
    "supplier_answers_saved": lambda e: _(
        "The supplier %(contact)s saved answers for %(product)s: %(questions)s",
        contact=e.detail.get("supplier", ""),
        product=e.named("assessment"),
        questions=e.detail.get("questions", ""),
    ),
    "supplier_submitted": lambda e: _(
        "The supplier %(contact)s sent its answers for %(product)s",
        contact=e.detail.get("supplier", ""),
        product=e.named("assessment"),
    ),
    "supplier_evidence_added": lambda e: _(
        "The supplier %(contact)s attached %(file)s to %(question)s of %(product)s",
        contact=e.detail.get("supplier", ""),
        file=e.detail.get("file", ""),
        question=e.detail.get("question", ""),
        product=e.named("assessment"),
    ),
    "supplier_evidence_removed": lambda e: _(
        "The supplier %(contact)s removed %(file)s from %(question)s of %(product)s",
        contact=e.detail.get("supplier", ""),
        file=e.detail.get("file", ""),
        question=e.detail.get("question", ""),
        product=e.named("assessment"),
    ),
    "supplier_answer_reviewed": lambda e: _(
        "Reviewed the supplier's answers %(questions)s for %(product)s (%(review)s)",
        questions=e.detail.get("question", ""),
        product=e.named("assessment"),
        review=e.detail.get("review", ""),
    ),
    "evidence_added": lambda e: _(
        "Attached %(file)s to %(question)s of %(product)s",
        file=e.detail.get("file", ""),
        question=e.detail.get("question", ""),
        product=e.named("assessment"),
    ),
    "evidence_removed": lambda e: _(
        "Removed %(file)s from %(question)s of %(product)s",
        file=e.detail.get("file", ""),
        question=e.detail.get("question", ""),
        product=e.named("assessment"),
    ),
    "evidence_downloaded": lambda e: _(
        "Downloaded the evidence file %(file)s of %(product)s",
        file=e.detail.get("file", ""),
        product=e.named("assessment"),
    ),
    "assessment_shared": lambda e: _(
        "Shared the assessment of %(product)s with the trust", product=e.named("assessment")
    ),
    "assessment_unshared": lambda e: _(
        "Stopped sharing the assessment of %(product)s with the trust",
        product=e.named("assessment"),
    ),
    "assessment_imported": lambda e: ngettext(
        "Imported an assessment of %(product)s (%(num)d answer)",
        "Imported an assessment of %(product)s (%(num)d answers)",
        _count(e.detail.get("answers")),
        product=e.named("assessment"),
    ),
    "policy_published": _published,
    "policy_withdrawn": lambda e: _("Withdrew %(policy)s", policy=e.named("policy")),
    "policy_acknowledged": lambda e: _(
        "Acknowledged %(policy)s, version %(version)s",
        policy=e.named("policy"),
        version=e.detail.get("version", "?"),
    ),
    "policy_acknowledgements_exported": lambda e: ngettext(
        "Downloaded the policy acknowledgements CSV for %(school)s (%(num)d row)",
        "Downloaded the policy acknowledgements CSV for %(school)s (%(num)d rows)",
        _rows(e),
        school=e.named("school"),
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
