"""Two or more people editing one assessment never lose each other's work (issue 12 point 1,
issue 11 finding 5): a section save merges per question, only questions both people changed are
offered side by side (both answers kept until one is chosen), and concurrent saves queue instead
of failing."""

import threading

from app.models import db
from app.models.procurement import Assessment
from tests.procurement_helpers import form_fields, set_field, start_product


def _answers(assessment_id):
    db.session.expire_all()
    answers = db.session.get(Assessment, assessment_id).answers
    return {a.question_id: (a.value, a.note) for a in answers}


def _two_editors(world, signed_in, csrf):
    first = signed_in(world.user("A", "business_manager"))
    second = signed_in(world.user("A", "dpo"))
    token = csrf(first, "/procurement/vendors/new")
    _, assessment_id = start_product(first, token)
    url = f"/procurement/assessments/{assessment_id}/sections/contract"
    return first, second, assessment_id, url


def _save_again_until_done(client, url, fields, choose=None):
    """Submit as a browser would, then keep pressing the page's save button (choosing `choose`
    for any question offered side by side) until the save goes through."""
    response = client.post(url, data=fields)
    for _ in range(3):
        if response.status_code != 200:
            break
        page = response.get_data(as_text=True)
        fields = form_fields(page)
        for question, choice in (choose or {}).items():
            if f'name="keep-{question}"' in page:
                set_field(fields, f"keep-{question}", choice)
        response = client.post(url, data=fields)
    return response


def test_save_again_keeps_a_colleagues_answer_and_note_to_a_question_you_never_touched(
    world, signed_in, csrf
):
    first, second, assessment_id, url = _two_editors(world, signed_in, csrf)
    mine = form_fields(first.get(url).get_data(as_text=True))  # opened before the colleague saved
    theirs = form_fields(second.get(url).get_data(as_text=True))
    set_field(theirs, "answer-Q02", "controller")
    set_field(theirs, "note-Q02", "They analyse usage for their own product")
    assert second.post(url, data=theirs).status_code == 302
    set_field(mine, "answer-Q01", "yes")  # a different question
    response = _save_again_until_done(first, url, mine)
    assert response.status_code == 302
    saved = _answers(assessment_id)
    assert saved["Q02"] == ("controller", "They analyse usage for their own product")
    assert saved["Q01"][0] == "yes"
    page = first.get(response.headers["Location"]).get_data(as_text=True)
    assert "A colleague changed Q02 while you were editing" in page


def test_only_questions_both_changed_are_offered_side_by_side_with_both_answers_kept(
    world, signed_in, csrf
):
    first, second, assessment_id, url = _two_editors(world, signed_in, csrf)
    mine = form_fields(first.get(url).get_data(as_text=True))
    theirs = form_fields(second.get(url).get_data(as_text=True))
    set_field(theirs, "answer-Q01", "no")
    set_field(theirs, "note-Q01", "Refused our terms")
    set_field(theirs, "answer-Q02", "controller")
    assert second.post(url, data=theirs).status_code == 302
    set_field(mine, "answer-Q01", "yes")
    set_field(mine, "note-Q01", "Signed in May")
    set_field(mine, "answer-Q03", "yes")
    response = first.post(url, data=mine)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choose which answers to keep" in page
    assert 'name="keep-Q01"' in page and 'name="keep-Q02"' not in page
    assert "Refused our terms" in page and "Signed in May" in page  # both answers shown
    saved = _answers(assessment_id)
    # Nothing of either is lost: theirs is still saved, mine is still in the form; my other
    # change went through; their other change is kept.
    assert saved["Q01"] == ("no", "Refused our terms") and saved["Q03"][0] == "yes"
    assert saved["Q02"][0] == "controller"
    again = form_fields(page)
    assert again.get("note-Q01") == "Signed in May" and again.get("answer-Q01") == "yes"
    # Saving without choosing asks again and changes nothing.
    response = first.post(url, data=again)
    assert "Q01: choose which answer to keep" in response.get_data(as_text=True)
    assert _answers(assessment_id)["Q01"] == ("no", "Refused our terms")
    # Choosing mine writes mine, and only Q01.
    response = first.post(url, data=set_field(form_fields(page), "keep-Q01", "mine"))
    assert response.status_code == 302
    saved = _answers(assessment_id)
    assert saved["Q01"] == ("yes", "Signed in May") and saved["Q02"][0] == "controller"


def test_choosing_theirs_keeps_theirs_and_the_form_then_shows_it(world, signed_in, csrf):
    first, second, assessment_id, url = _two_editors(world, signed_in, csrf)
    mine = form_fields(first.get(url).get_data(as_text=True))
    theirs = form_fields(second.get(url).get_data(as_text=True))
    assert second.post(url, data=set_field(theirs, "answer-Q01", "no")).status_code == 302
    page = first.post(url, data=set_field(mine, "answer-Q01", "yes")).get_data(as_text=True)
    response = first.post(url, data=set_field(form_fields(page), "keep-Q01", "theirs"))
    assert response.status_code == 302
    assert _answers(assessment_id)["Q01"][0] == "no"
    fresh = form_fields(first.get(url).get_data(as_text=True))
    assert fresh.get("answer-Q01") == "no"


def test_an_unchanged_question_is_never_written(world, signed_in, csrf):
    first, second, assessment_id, url = _two_editors(world, signed_in, csrf)
    fields = form_fields(first.get(url).get_data(as_text=True))
    set_field(fields, "answer-Q01", "yes")
    assert first.post(url, data=fields).status_code == 302
    before = db.session.get(Assessment, assessment_id).answers_by_question()
    assert set(before) == {"Q01"}  # empty questions were not written as empty answers
    version = db.session.get(Assessment, assessment_id).version
    # Saving the same page again changes nothing and does not move the version on.
    again = form_fields(first.get(url).get_data(as_text=True))
    assert first.post(url, data=again).status_code == 302
    db.session.expire_all()
    assert db.session.get(Assessment, assessment_id).version == version


def at_once(requests: list) -> list[int]:
    """POST each (client, url, data) from its own thread, released together; the statuses."""
    statuses: list[int] = []
    start = threading.Barrier(len(requests))

    def post(client, url, data):  # type: ignore[no-untyped-def]
        start.wait()
        statuses.append(client.post(url, data=data).status_code)

    threads = [threading.Thread(target=post, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return statuses


def test_three_people_saving_sections_of_one_assessment_at_once_never_get_an_error(
    app, world, signed_in, csrf
):
    people = [world.user("A", role) for role in ("business_manager", "dpo", "business_manager")]
    clients = [signed_in(person) for person in people]
    token = csrf(clients[0], "/procurement/vendors/new")
    _, assessment_id = start_product(clients[0], token)
    base = f"/procurement/assessments/{assessment_id}/sections"
    plan = [("contract", "Q01", "yes"), ("security", "Q13", "yes"), ("retention", "Q17", "yes"),
            ("contract", "Q02", "processor_only"), ("security", "Q14", "yes"),
            ("retention", "Q18", "yes")]  # fmt: skip
    for round_start in (0, 3):
        forms = []
        for client, (section, question, value) in zip(clients, plan[round_start:], strict=False):
            fields = form_fields(client.get(f"{base}/{section}").get_data(as_text=True))
            set_field(fields, f"answer-{question}", value)
            forms.append((client, f"{base}/{section}", fields))
        statuses = at_once(forms)
        assert statuses == [302, 302, 302], statuses
    saved = _answers(assessment_id)
    assert {q: saved[q][0] for _, q, _ in plan} == {q: v for _, q, v in plan}


def test_saving_after_the_decision_was_proposed_is_refused_with_a_message(world, signed_in, csrf):
    from tests.procurement_helpers import PREFERRED, answer_sections, propose

    first, _, assessment_id, url = _two_editors(world, signed_in, csrf)
    token = csrf(first, url)
    fields = form_fields(first.get(url).get_data(as_text=True))  # opened before the proposal
    answer_sections(first, token, assessment_id, PREFERRED)
    assert propose(first, token, assessment_id, "approve").status_code == 302
    response = first.post(url, data=set_field(fields, "answer-Q01", "no"), follow_redirects=True)
    assert "waiting for a DPO to sign off its decision" in response.get_data(as_text=True)
    assert _answers(assessment_id)["Q01"][0] == "yes"


def test_a_form_without_fingerprints_changes_only_the_questions_it_sends(world, signed_in, csrf):
    first, _, assessment_id, url = _two_editors(world, signed_in, csrf)
    token = csrf(first, url)
    first.post(url, data={"csrf_token": token, "answer-Q01": "yes", "answer-Q02": "controller"})
    first.post(url, data={"csrf_token": token, "answer-Q01": "no"})  # a script, Q02 not sent
    saved = _answers(assessment_id)
    assert saved["Q01"][0] == "no" and saved["Q02"][0] == "controller"
