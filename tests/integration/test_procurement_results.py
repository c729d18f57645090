"""What the pages say about a result (issue 12 points 6, 7 and 10): the task list and the review
count "Not known" the same way, Compare shows knock-outs not answered and caps, a bad compare
link is a plain error, and a re-assessment shows the last decision beside the new result."""

import re

from app.models import db
from app.models.procurement import Assessment
from tests.integration.test_procurement_sign_off import UK_PROFILE
from tests.procurement_helpers import (
    PREFERRED,
    QUICK_PROFILE,
    UK,
    answer_sections,
    best_answers,
    decided_product,
    propose,
    sign,
    start_product,
)


def _all_unknown(client, token, product="Mystery Maths"):
    from flask import current_app

    checklist = current_app.extensions["content"].checklists[UK]
    unknown = {q: "unknown" for q in best_answers(checklist)}
    vendor_id, assessment_id = start_product(client, token, product, UK, UK_PROFILE)
    answer_sections(client, token, assessment_id, unknown, evidence=False)
    return vendor_id, assessment_id


def test_the_task_list_and_the_review_count_not_known_answers_the_same_way(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    _, assessment_id = _all_unknown(client, token)
    tasks = client.get(f"/procurement/assessments/{assessment_id}").get_data(as_text=True)
    review = client.get(f"/procurement/assessments/{assessment_id}/review").get_data(as_text=True)
    total = 89
    assert f"You have answered {total} of {total} questions. {total} of those answers are" in tasks
    assert "0 with a known answer" in tasks
    # No section claims to be complete: each says how many answers are not known.
    statuses = re.findall(r'id="status-(?!profile)[\w-]+">\s*(.*?)\s*</div>', tasks, re.S)
    assert statuses and not [s for s in statuses if "Complete" in s]
    assert all("not known" in s or "Does not apply" in s for s in statuses), statuses
    assert f"Answered: {total} of {total} questions, {total} of them “Not known”" in review
    assert "(0.0% with a known answer)" in review


def test_compare_shows_knockouts_not_answered_and_caps(world, signed_in, csrf):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    unknown_id, _ = _all_unknown(client, token)
    known_id, known_assessment = start_product(client, token, "Known Quiz")
    answer_sections(client, token, known_assessment, PREFERRED | {"Q11": "yes"})
    page = client.get(f"/procurement/compare?vendor={unknown_id}&vendor={known_id}")
    page = page.get_data(as_text=True)
    row = page[page.index("Knock-outs not answered") :]
    assert "A02 (Not known)" in row and "B01 (Not known)" in row
    caps = page[page.index("Caps and other limits") :]
    assert "Q11 (Yes): at best Amber" in caps


def test_compare_with_a_link_that_is_not_a_product_is_a_plain_error(world, signed_in):
    client = signed_in(world.user("A", "business_manager"))
    decided_product(world.school_a, "Alpha", None)
    decided_product(world.school_a, "Beta", None)
    response = client.get("/procurement/compare?vendor=abc")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose between two and four products to compare" in page
    assert "may have expired" not in page


def test_a_reassessment_shows_the_last_decision_beside_the_new_result(world, signed_in, csrf):
    manager = signed_in(world.user("A", "business_manager"))
    token = csrf(manager, "/procurement/vendors/new")
    _, first = start_product(manager, token)
    answer_sections(manager, token, first, PREFERRED)
    assert propose(manager, token, first, "approve", "All good").status_code == 302
    dpo = signed_in(world.user("A", "dpo"))
    assert sign(dpo, csrf(dpo, "/procurement/"), first).status_code == 302
    response = manager.post(
        f"/procurement/assessments/{first}/reassess", data={"csrf_token": token}
    )
    second = int(response.headers["Location"].split("/")[-2])
    version = str(db.session.get(Assessment, second).version)
    manager.post(
        f"/procurement/assessments/{second}/profile",
        data={"csrf_token": token, "version": version, **QUICK_PROFILE},
    )
    answer_sections(manager, token, second, PREFERRED | {"Q05": "yes"})  # now sells data
    for url in (f"/procurement/assessments/{second}/review", f"/procurement/assessments/{second}"):
        page = manager.get(url).get_data(as_text=True)
        block = page[page.index("Last decision and this result") :]
        assert "Approve" in block and "Green: approve" in block and "Red: do not approve" in block
        knockouts = block[block.index("Knock-outs") :]
        assert "None" in knockouts and "Q05" in knockouts
