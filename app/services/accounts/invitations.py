"""Looking after invitations once sent: find the open one for an address, say what a new
invitation would change about it, send it again with a new link, or revoke it.

An open invitation is neither accepted nor revoked (its link may have expired). Sending again
makes a new invitation with the same name, roles and school and revokes the old one, so only
the newest link works and the history stays in the table. No Flask imports; the caller emails
the new link, audits and commits.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ROLE_LABELS, Invitation, Role
from app.services.accounts.staff import (
    AccountError,
    InvitationState,
    invitation_state,
    normalise_email,
)
from app.util.i18n import _


def open_invitation(session: Session, email: str, school_ids: Iterable[int]) -> Invitation | None:
    """The newest invitation to `email` in one of `school_ids` not yet accepted or revoked."""
    stmt = (
        select(Invitation)
        .where(
            Invitation.email == normalise_email(email),
            Invitation.school_id.in_(list(school_ids)),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .order_by(Invitation.id.desc())
        .limit(1)
    )
    return session.execute(stmt).scalar_one_or_none()


def _roles_text(roles: Iterable[str]) -> str:
    return ", ".join(str(ROLE_LABELS[Role(role)]) for role in sorted(roles))


def changes(
    invitation: Invitation,
    *,
    display_name: str,
    roles: Iterable[str],
    school_id: int,
    school_names: dict[int, str],
) -> list[str]:
    """What inviting the same address with these details would change, in words ("Name: Ana
    Lee → Ana Lee-Smith"); empty when nothing but the link would change."""
    found = []
    if display_name.strip() != invitation.display_name:
        found.append(
            _(
                "Name: %(before)s → %(after)s",
                before=invitation.display_name,
                after=display_name.strip(),
            )
        )
    if sorted(set(roles)) != sorted(invitation.role_list):
        found.append(
            _(
                "Roles: %(before)s → %(after)s",
                before=_roles_text(invitation.role_list),
                after=_roles_text(roles),
            )
        )
    if school_id != invitation.school_id:
        before = school_names.get(invitation.school_id, _("another school"))
        found.append(
            _(
                "School: %(before)s → %(after)s",
                before=before,
                after=school_names.get(school_id, _("another school")),
            )
        )
    return found


def resend_invitation(
    session: Session,
    invitation: Invitation,
    *,
    token_hash: str,
    invited_by_id: int | None,
    now: datetime,
    valid_for: timedelta,
) -> Invitation:
    """A new invitation with the same details and a new link; the old link stops working."""
    state = invitation_state(invitation, now)
    if state in (InvitationState.ACCEPTED, InvitationState.REVOKED):
        raise AccountError(
            _("This invitation has been accepted, so it cannot be sent again")
            if state == InvitationState.ACCEPTED
            else _("This invitation has been revoked, so it cannot be sent again")
        )
    invitation.revoked_at = now
    renewed = Invitation(
        school_id=invitation.school_id,
        email=invitation.email,
        display_name=invitation.display_name,
        roles=invitation.roles,
        token_hash=token_hash,
        invited_by_id=invited_by_id,
        created_at=now,
        expires_at=now + valid_for,
    )
    session.add(renewed)
    session.flush()  # the caller's audit event names the new row
    return renewed


def revoke_invitation(invitation: Invitation, *, now: datetime) -> None:
    """Stop the invitation's link working; the person can be invited again later."""
    state = invitation_state(invitation, now)
    if state in (InvitationState.ACCEPTED, InvitationState.REVOKED):
        raise AccountError(
            _("This invitation has already been accepted")
            if state == InvitationState.ACCEPTED
            else _("This invitation has already been revoked")
        )
    invitation.revoked_at = now
