"""Route-walker samples for the policy URLs: one published policy of school A (written in the
app), shared by its policy and version arguments so they belong together."""

from tests.walker import Sample


def _published(world):
    """School A's sample policy and its version, made once per world."""
    cached = getattr(world, "_walker_policy", None)
    if cached is None:
        from app.models import db
        from app.models.base import utcnow
        from app.models.policies import Policy, PolicyVersion

        now = utcnow()
        policy = Policy(school_id=world.school_a.id, kind="data_protection",
                        title="Walker data protection policy", created_at=now)  # fmt: skip
        db.session.add(policy)
        db.session.flush()
        version = PolicyVersion(
            school_id=world.school_a.id, policy_id=policy.id, number=1, label="1",
            body="## Why we have this policy\n\nWe look after pupils' data.", published_at=now,
        )  # fmt: skip
        db.session.add(version)
        db.session.commit()
        cached = world._walker_policy = (policy.id, version.id)
    return cached


SAMPLES = {
    "policy_id": Sample(lambda world: _published(world)[0], owned=True),
    "version_id": Sample(lambda world: _published(world)[1], owned=True),
}
