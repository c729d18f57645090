"""The learner's pages through the test client: My training, lessons, the knowledge check,
results, certificates, the CPD record and the public certificate check."""

import csv
import io
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from markupsafe import escape
from pypdf import PdfReader
from sqlalchemy import select

from app.models import db
from app.models.base import utcnow
from app.models.training import Assignment, Certificate, LessonProgress, QuizAttempt
from tests.factories import count_statements
from tests.training_helpers import (
    MODULE_ID,
    correct_answers,
    read_lessons,
    request_check,
    submit,
    use_fixture_modules,
    wrong_answers,
)


@pytest.fixture
def modules(app, monkeypatch):
    return use_fixture_modules(app, monkeypatch)


@pytest.fixture
def teacher(world):
    return world.user("A", "teacher")


def _start(client, csrf) -> QuizAttempt:
    read_lessons(client, csrf, ["01-what-is-personal-data", "02-sharing-safely"])
    response = request_check(client, csrf)
    assert response.status_code == 302
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return db.session.get(QuizAttempt, attempt_id)


def _pass(client, csrf) -> Certificate:
    attempt = _start(client, csrf)
    response = submit(client, csrf, attempt, correct_answers(attempt.questions))
    assert response.status_code == 302
    return db.session.execute(select(Certificate)).scalars().all()[-1]


def test_new_user_sees_an_empty_state_and_every_module(modules, teacher, signed_in):
    html = signed_in(teacher).get("/training/").get_data(as_text=True)
    assert "You have not started any training yet" in html
    assert "Handling pupil data safely" in html
    assert "Not started" in html and "About 10 minutes" in html


def test_assigned_module_shows_its_due_date(modules, teacher, signed_in):
    due = utcnow().date() + timedelta(days=5)
    db.session.add(Assignment(school_id=teacher.school_id, module_id=MODULE_ID, due_date=due))
    db.session.commit()
    html = signed_in(teacher).get("/training/").get_data(as_text=True)
    assert "Assigned to you" in html
    assert f"Due by {due.day} {due:%B %Y}" in html and "Due soon" in html


def test_reading_lessons_marks_progress_and_continues(modules, teacher, signed_in, csrf):
    client = signed_in(teacher)
    first = f"/training/modules/{MODULE_ID}/lessons/01-what-is-personal-data"
    page = client.get(first).get_data(as_text=True)
    assert "lesson 1 of 2" in page and "Key point" in page and "Sources" in page
    response = client.post(first, data={"csrf_token": csrf(client, first)})
    assert response.headers["Location"].endswith("/lessons/02-sharing-safely")
    module_page = client.get(f"/training/modules/{MODULE_ID}").get_data(as_text=True)
    assert "Continue where you left off" in module_page
    assert "/lessons/02-sharing-safely" in module_page
    overview = client.get("/training/").get_data(as_text=True)
    assert "In progress" in overview and "1 of 2 lessons read" in overview
    assert 'value="50"' in overview
    client.post(first, data={"csrf_token": csrf(client, first)})  # reading twice changes nothing
    assert len(db.session.execute(select(LessonProgress)).all()) == 1


def test_unknown_module_or_lesson_is_not_found(modules, teacher, signed_in):
    client = signed_in(teacher)
    assert client.get("/training/modules/no-such-module").status_code == 404
    assert client.get(f"/training/modules/{MODULE_ID}/lessons/99-nothing").status_code == 404


def test_the_draw_is_stored_so_a_reload_shows_the_same_paper(modules, teacher, signed_in, csrf):
    client = signed_in(teacher)
    attempt = _start(client, csrf)
    assert len(attempt.questions) == 3
    first = client.get(f"/training/attempts/{attempt.id}").get_data(as_text=True)
    second = client.get(f"/training/attempts/{attempt.id}").get_data(as_text=True)
    strip = re.compile(r'name="csrf_token" value="[^"]+"')
    assert strip.sub("", first) == strip.sub("", second)
    assert _start(client, csrf).id == attempt.id  # an open attempt is resumed, not redrawn


def test_unanswered_questions_are_listed_and_answers_kept(modules, teacher, signed_in, csrf):
    client = signed_in(teacher)
    attempt = _start(client, csrf)
    answered = attempt.questions[0]
    chosen = answered["options"][1]["id"]
    response = submit(client, csrf, attempt, {answered["id"]: [chosen]})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "for question 2" in html and "for question 3" in html
    assert 'href="#q-2-0"' in html
    assert re.search(rf'value="{chosen}" checked', html)
    assert db.session.get(QuizAttempt, attempt.id).submitted_at is None


def test_fail_then_retake_with_a_fresh_draw_then_pass(modules, teacher, signed_in, csrf):
    client = signed_in(teacher)
    attempt = _start(client, csrf)
    response = submit(client, csrf, attempt, wrong_answers(attempt.questions))
    assert response.headers["Location"].endswith(f"/training/attempts/{attempt.id}/result")
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You did not pass this time" in result and "0%" in result
    # Which answers were wrong and why (the chosen option's feedback), but not the right ones.
    sections = result.split('<section class="app-answer')[1:]
    for question, section in zip(attempt.questions, sections, strict=True):
        section = section.replace(str(escape(question["prompt"])), "")
        chosen = next(o for o in question["options"] if not o["correct"])
        assert str(escape(chosen["feedback"])) in section
        for option in question["options"]:
            if option["correct"]:
                assert str(escape(option["text"])) not in section, option["text"]
        assert str(escape(question["explanation"])) not in section
        assert question["source"]["url"] in section
    assert "Correct answer" not in result
    assert db.session.execute(select(Certificate)).first() is None
    # A submitted attempt cannot be answered again.
    again = submit(client, csrf, attempt, correct_answers(attempt.questions))
    assert again.status_code == 302 and db.session.get(QuizAttempt, attempt.id).passed is False

    retake = _start(client, csrf)
    assert retake.id != attempt.id
    submit(client, csrf, retake, correct_answers(retake.questions))
    stored = db.session.get(QuizAttempt, retake.id)
    assert (stored.score, stored.passed, stored.module_version) == (100, True, "1.0.0")
    assert stored.answers == correct_answers(retake.questions)
    certificate = db.session.execute(select(Certificate)).scalar_one()
    assert certificate.attempt_id == retake.id
    assert certificate.learner_name == teacher.display_name
    assert certificate.expires_at.date().year == certificate.issued_at.date().year + 1
    html = client.get(f"/training/attempts/{retake.id}/result").get_data(as_text=True)
    assert "You passed" in html and f"/training/certificates/{certificate.id}" in html
    # Once passed, the failed attempt shows its right answers and explanations too.
    earlier = client.get(f"/training/attempts/{attempt.id}/result").get_data(as_text=True)
    question = attempt.questions[0]
    correct_text = next(o["text"] for o in question["options"] if o["correct"])
    assert str(escape(correct_text)) in earlier and str(escape(question["explanation"])) in earlier
    overview = client.get("/training/").get_data(as_text=True)
    assert "Passed" in overview and "View certificate" in overview


def test_a_practice_pass_does_not_issue_a_second_certificate(modules, teacher, signed_in, csrf):
    client = signed_in(teacher)
    _pass(client, csrf)
    _pass(client, csrf)
    assert len(db.session.execute(select(Certificate)).all()) == 1


def test_a_pass_after_expiry_issues_a_new_certificate(modules, teacher, signed_in, csrf):
    client = signed_in(teacher)
    old = _pass(client, csrf)
    old.issued_at -= timedelta(days=400)
    old.expires_at = utcnow() - timedelta(days=35)
    db.session.commit()
    assert "Expired" in client.get("/training/").get_data(as_text=True)
    new = _pass(client, csrf)
    assert new.id != old.id and new.code != old.code
    assert "Expired certificate" in client.get(f"/verify/{old.code}").get_data(as_text=True)
    assert "Valid certificate" in client.get(f"/verify/{new.code}").get_data(as_text=True)


def test_old_attempts_display_as_they_were_after_a_version_change(
    app, modules, teacher, signed_in, csrf, monkeypatch
):
    client = signed_in(teacher)
    attempt = _start(client, csrf)
    submit(client, csrf, attempt, correct_answers(attempt.questions))
    prompt = attempt.questions[0]["prompt"]
    changed = replace(modules[MODULE_ID], version="2.0.0", title="Renamed module", questions=())
    registry = replace(app.extensions["content"], modules={MODULE_ID: changed})
    monkeypatch.setitem(app.extensions, "content", registry)
    html = client.get(f"/training/attempts/{attempt.id}/result").get_data(as_text=True)
    assert str(escape(prompt)) in html and "module version 1.0.0" in html
    certificate = db.session.execute(select(Certificate)).scalar_one()
    page = client.get(f"/training/certificates/{certificate.id}").get_data(as_text=True)
    assert "Handling pupil data safely (version 1.0.0)" in page


def test_other_peoples_attempts_and_certificates_are_not_found(
    modules, world, teacher, signed_in, csrf
):
    certificate = _pass(signed_in(teacher), csrf)
    colleague = signed_in(world.user("A", "dpo"))
    assert colleague.get(f"/training/certificates/{certificate.id}").status_code == 404
    assert colleague.get(f"/training/attempts/{certificate.attempt_id}/result").status_code == 404
    pdf = f"/training/certificates/{certificate.id}/certificate.pdf"
    assert colleague.get(pdf).status_code == 404


def test_certificate_pdf_holds_name_module_dates_and_code(modules, teacher, signed_in, csrf):
    client = signed_in(teacher)
    certificate = _pass(client, csrf)
    response = client.get(f"/training/certificates/{certificate.id}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment;" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in (
        teacher.display_name,
        "Handling pupil data safely",
        certificate.code,
        f"{certificate.issued_at.day} {certificate.issued_at:%B %Y}",
        f"{certificate.expires_at.day} {certificate.expires_at:%B %Y}",
    ):
        assert expected in text, (expected, text)
    assert reader.metadata.title.startswith("Certificate: Handling pupil data safely")


def test_cpd_record_links_certificates_and_downloads_as_csv(modules, teacher, signed_in, csrf):
    client = signed_in(teacher)
    assert "Your CPD record is empty" in client.get("/training/cpd").get_data(as_text=True)
    certificate = _pass(client, csrf)
    html = client.get("/training/cpd").get_data(as_text=True)
    assert f"/training/certificates/{certificate.id}" in html and "15 CPD minutes" in html
    response = client.get("/training/cpd.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["Module", "Version", "Completed on", "Score (%)", "CPD minutes"]
    assert rows[1][0] == "Handling pupil data safely" and rows[1][3:6] == [
        "100",
        "15",
        certificate.code,
    ]


def test_verify_shows_only_what_the_certificate_shows(modules, teacher, signed_in, csrf, client):
    certificate = _pass(signed_in(teacher), csrf)
    response = client.get(f"/verify?code={certificate.code.lower().replace('-', ' ')}")
    assert response.headers["Location"].endswith(f"/verify/{certificate.code}")
    html = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Valid certificate" in html and teacher.display_name in html
    assert teacher.email not in html and "100%" not in html


def test_verify_reports_bad_and_unknown_codes(client):
    response = client.get("/verify?code=nonsense")
    assert response.status_code == 400
    assert "Enter the code as it appears on the certificate" in response.get_data(as_text=True)
    assert client.get("/verify?code=").status_code == 400
    missing = client.get("/verify/7K3M-Q9XZ-0D4R-TT8B-M2QA")
    assert missing.status_code == 404
    assert "Certificate not found" in missing.get_data(as_text=True)


def test_verify_is_rate_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFY_LIMIT_PER_IP", "3 per minute")
    statuses = [client.get("/verify/7K3M-Q9XZ-0D4R-TT8B-M2QA").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_my_training_query_count_does_not_grow(app, teacher, signed_in, monkeypatch):
    base = use_fixture_modules(app, monkeypatch)[MODULE_ID]
    client = signed_in(teacher)

    def grow(copies: int) -> int:
        modules = {
            f"m{copies}-{i}": replace(base, id=f"m{copies}-{i}", order=i) for i in range(copies)
        }
        registry = replace(app.extensions["content"], modules=modules)
        monkeypatch.setitem(app.extensions, "content", registry)
        now = utcnow()
        for i in range(copies):
            module_id = f"m{copies}-{i}"
            db.session.add(Assignment(school_id=teacher.school_id, module_id=module_id))
            for lesson in base.lessons:
                db.session.add(
                    LessonProgress(
                        school_id=teacher.school_id, user_id=teacher.id, module_id=module_id,
                        module_version="1.0.0", lesson_slug=lesson.slug,
                    )
                )  # fmt: skip
            for n in range(3):
                db.session.add(
                    QuizAttempt(
                        school_id=teacher.school_id, user_id=teacher.id, module_id=module_id,
                        module_version="1.0.0", module_title="x", pass_mark=80, questions=[],
                        submitted_at=now, score=100, passed=True,
                    )
                )  # fmt: skip
                db.session.add(
                    Certificate(
                        school_id=teacher.school_id, user_id=teacher.id, module_id=module_id,
                        code=f"C-{copies}-{i}-{n}", module_version="1.0.0", module_title="x",
                        learner_name="x", score=100, cpd_minutes=10, issued_at=now,
                        expires_at=now + timedelta(days=300),
                    )
                )  # fmt: skip
        db.session.commit()
        return count_statements(client, "/training/")

    small = grow(1)
    large = grow(12)
    assert small == large, (small, large)
    assert large <= 8
