"""Route-walker samples for the staff administration URLs: a waiting invitation in school A."""

from datetime import timedelta

from tests.walker import Sample


def _invitation(world):
    from app.models import Invitation, db
    from app.models.base import utcnow

    now = utcnow()
    invitation = Invitation(
        school_id=world.school_a.id,
        email=f"walker-{now.timestamp()}@a.example",
        display_name="Walker Invitee",
        roles="teacher",
        token_hash=f"{now.timestamp():064.6f}"[-64:],
        created_at=now,
        expires_at=now + timedelta(days=3),
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation.id


SAMPLES = {"invitation_id": Sample(_invitation, owned=True)}
