"""Route-walker samples for oversight URLs (assignments, exemptions); user_id is the
foundation's sample (a school A teacher)."""

from tests.walker import Sample


def _assignment(world):
    from app.models import db
    from app.models.training import Assignment

    assignment = Assignment(school_id=world.school_a.id, module_id="why-data-protection-matters")
    db.session.add(assignment)
    db.session.commit()
    return assignment.id


def _exemption(world):
    from app.models import db
    from app.models.oversight import Exemption

    exemption = Exemption(
        school_id=world.school_a.id,
        user_id=world.user("A", "teacher").id,
        module_id="why-data-protection-matters",
        reason="Walker sample",
    )
    db.session.add(exemption)
    db.session.commit()
    return exemption.id


SAMPLES = {
    "assignment_id": Sample(_assignment, owned=True),
    "exemption_id": Sample(_exemption, owned=True),
}
