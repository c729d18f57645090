"""Demo policy for a newcomer (idempotent): each demo school has a short data protection
policy written in the app, so the home page asks every member of staff to read it."""

from flask import current_app
from sqlalchemy import select

from app.models import Role, School, User, db
from app.models.base import utcnow
from app.models.policies import Policy, PolicyKind
from app.services.policies.publishing import publish_policy

DEMO_POLICY = """## Why we have this policy

{school} collects and uses personal data about pupils, parents and staff to teach, to keep
children safe and to run the school. This policy says how we look after it, following the UK
GDPR and the Data Protection Act 2018.

## What every member of staff does

- Collect only what you need, and keep it only as long as our retention schedule says.
- Share personal data only with people who need it for their work, and never by personal email.
- Lock your screen when you leave it, and use the school's systems, not your own devices.
- Report a lost device, a wrongly addressed email or any other breach to the data protection
  officer at once: we have 72 hours to tell the ICO about a serious breach.

::: key-point
If you are not sure whether you may share something, ask the data protection officer first.
:::

## Requests from people about their data

Anyone can ask for a copy of the data we hold about them. Pass every request to the data
protection officer on the day it arrives: we must answer within one calendar month.
"""


def seed(schools: list[School], users: list[User]) -> None:
    """Publish the demo data protection policy in each demo school that has none yet."""
    for school in schools:
        exists = db.session.execute(select(Policy.id).where(Policy.school_id == school.id)).first()
        if exists:
            continue
        dpo = next((u for u in users if u.school_id == school.id and u.has_role(Role.DPO)), None)
        publish_policy(
            db.session, school_id=school.id, kind=PolicyKind.DATA_PROTECTION,
            title="Data protection policy", label="2025-26", change_note=None,
            body=DEMO_POLICY.format(school=school.name), pdf=None, original_name=None,
            files_dir=current_app.config["POLICY_FILES_DIR"], max_pdf_bytes=0, now=utcnow(),
            actor_id=dpo.id if dpo else None, record=_no_audit,
        )  # fmt: skip


def _no_audit(*args: object, **kwargs: object) -> None:
    """Demo data is not a security-relevant event."""
