"""Odd input on the decision, sign-off and section forms gets a clear 4xx or the form again,
never a 500: owners from another school, impossible dates, forged versions, choices and
fingerprints."""

from tests.procurement_helpers import PREFERRED, answer_sections, propose, start_product


def test_forged_and_impossible_values_are_refused_plainly(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    _, assessment_id = start_product(client, token)
    answer_sections(client, token, assessment_id, PREFERRED)
    outsider = world.user("B", "dpo")
    for owner, due in [(f"user:{outsider.id}", "2027-01-01"), ("supplier", "2026-13-45"),
                       ("x" * 5000, "abc"), ("", "")]:  # fmt: skip
        response = propose(
            client, token, assessment_id, "conditional", "r", [("Do it", owner, "", due)]
        )
        assert response.status_code == 200, (owner, due)
    foreign = [("Do it", f"user:{outsider.id}", "", "2027-01-01")]
    page = propose(client, token, assessment_id, "conditional", "r", foreign).get_data(as_text=True)
    assert "Condition 1: Choose who owns it" in page  # another school's user is no owner here
    base = f"/procurement/assessments/{assessment_id}"
    assert (
        client.post(f"{base}/decision", data={"csrf_token": token, "version": "abc"}).status_code
        == 400
    )
    section = client.post(f"{base}/sections/contract",
                          data={"csrf_token": token, "base-Q01": "x" * 500, "conflict-Q01": "1",
                                "keep-Q01": "bogus", "answer-Q01": "no"})  # fmt: skip
    assert section.status_code == 200
    assert "Q01: choose which answer to keep" in section.get_data(as_text=True)
    assert propose(client, token, assessment_id, "approve").status_code == 302  # nothing was lost
    dpo = signed_in(world.user("A", "dpo"))
    dpo_token = csrf(dpo, "/procurement/")
    signing = {"csrf_token": dpo_token, "action": "sign"}
    assert dpo.post(f"{base}/sign-off", data=signing | {"version": "abc"}).status_code == 400
    odd = dpo.post(f"{base}/sign-off", data=signing | {"version": "1", "action": "maybe"})
    assert odd.status_code == 200 and "Not a valid choice" in odd.get_data(as_text=True)
    assert client.post(f"{base}/sign-off", data={"csrf_token": token, "action": "sign",
                                                 "version": "1"}).status_code == 403  # fmt: skip
