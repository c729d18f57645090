"""The trust register: school A shares a decided assessment; school A2 (same trust) sees who
assessed the product, when, the rating and the decision, starts its own assessment from the
answers (each marked as copied from School A) and reaches its own decision; school B (another
trust) gets a 404; the register lists every product in use with each school's decision."""

from sqlalchemy import select

from app.models import db
from app.models.procurement import Answer, Assessment, AssessmentStatus
from tests.procurement_helpers import PREFERRED, answer_sections, propose, sign, start_product


def _decided_in_a(world, signed_in, csrf) -> tuple[object, str, int]:
    manager = signed_in(world.user("A", "business_manager"))
    token = csrf(manager, "/procurement/")
    _, assessment_id = start_product(manager, token)
    answer_sections(manager, token, assessment_id, PREFERRED)
    assert propose(manager, token, assessment_id, "approve").status_code == 302
    dpo = signed_in(world.user("A", "dpo"))
    dpo_token = csrf(dpo, "/procurement/")
    assert sign(dpo, dpo_token, assessment_id).status_code == 302
    return manager, token, assessment_id


def test_a_trust_school_reuses_a_shared_assessment_and_decides_for_itself(world, signed_in, csrf):
    manager, token, shared_id = _decided_in_a(world, signed_in, csrf)
    other = signed_in(world.user("A2", "business_manager"))
    other_token = csrf(other, "/procurement/")
    assert other.get(f"/procurement/trust/assessments/{shared_id}").status_code == 404  # unshared
    shared = manager.post(f"/procurement/assessments/{shared_id}/share", data={"csrf_token": token})
    assert shared.status_code == 302

    register = other.get("/procurement/trust").get_data(as_text=True)
    assert "Phonics Stars" in register and "School A" in register
    page = other.get(f"/procurement/trust/assessments/{shared_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Business Manager" in text or "business" in text.lower()
    assert "Approve" in text

    reused = other.post(
        f"/procurement/trust/assessments/{shared_id}/reuse", data={"csrf_token": other_token}
    )
    assert reused.status_code == 302 and reused.headers["Location"].endswith("/profile")
    own_id = int(reused.headers["Location"].split("/")[-2])
    own = db.session.get(Assessment, own_id)
    assert own.school_id == world.school_a2.id and own.profile == {} and own.decision is None
    copied = db.session.execute(select(Answer).where(Answer.assessment_id == own_id)).scalars()
    copied = list(copied)
    assert copied and all(a.copied_from.startswith("from School A, ") for a in copied)
    assert all(a.school_id == world.school_a2.id for a in copied)

    # School A2 answers its own profile and reaches its own decision.
    profile = other.post(
        f"/procurement/assessments/{own_id}/profile",
        data={"csrf_token": other_token, "version": str(own.version),
              "P01": ["pupils"], "P02": "yes", "P03": ["contact"]},
    )  # fmt: skip
    assert profile.status_code == 302
    review = other.get(f"/procurement/assessments/{own_id}/review").get_data(as_text=True)
    assert "copied from School A" in review
    assert propose(other, other_token, own_id, "reject", reason="Not for us").status_code == 302
    a2_dpo = signed_in(world.user("A2", "dpo"))
    assert sign(a2_dpo, csrf(a2_dpo, "/procurement/"), own_id).status_code == 302
    db.session.expire_all()
    own = db.session.get(Assessment, own_id)
    assert own.status == AssessmentStatus.DECIDED and own.decision.value == "reject"
    original = db.session.get(Assessment, shared_id)
    assert original.decision.value == "approve"

    register = other.get("/procurement/trust").get_data(as_text=True)
    assert "School A: Approve" in register and "School A2: Reject" in register


def test_a_school_outside_the_trust_cannot_see_or_reuse_it(world, signed_in, csrf):
    manager, token, shared_id = _decided_in_a(world, signed_in, csrf)
    manager.post(f"/procurement/assessments/{shared_id}/share", data={"csrf_token": token})
    outsider = signed_in(world.user("B", "business_manager"))
    outsider_token = csrf(outsider, "/procurement/")
    assert outsider.get(f"/procurement/trust/assessments/{shared_id}").status_code == 404
    reuse = outsider.post(
        f"/procurement/trust/assessments/{shared_id}/reuse", data={"csrf_token": outsider_token}
    )
    assert reuse.status_code == 404
    assert "Phonics Stars" not in outsider.get("/procurement/trust").get_data(as_text=True)
    share = outsider.post(
        f"/procurement/assessments/{shared_id}/share", data={"csrf_token": outsider_token}
    )
    assert share.status_code == 404


def test_only_a_decided_assessment_can_be_shared(world, signed_in, csrf):
    manager = signed_in(world.user("A", "business_manager"))
    token = csrf(manager, "/procurement/")
    _, assessment_id = start_product(manager, token)
    response = manager.post(
        f"/procurement/assessments/{assessment_id}/share", data={"csrf_token": token},
        follow_redirects=True,
    )  # fmt: skip
    assert "Only an assessment with a signed-off decision can be shared" in response.get_data(
        as_text=True
    )
    assert db.session.get(Assessment, assessment_id).shared_at is None
