"""A certificate means the lessons were read and the check was passed on merit (issue 13): the
check opens after the lessons, retakes ask unseen questions first and can be spaced by the
school, the CPD minutes count what was read, progress is never lost by "Next" and matches the
lessons read, certificates and /verify name the school and show when a major version supersedes
them, and a passed module's card no longer reads "Due by ... Done" beside "Refresher due"."""

import io
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.content.modules import CheckOpens
from app.models import db
from app.models.base import utcnow
from app.models.oversight import SchoolSettings
from app.models.training import Assignment, Certificate, LessonProgress, QuizAttempt
from tests.factories import set_clock
from tests.training_helpers import (
    MODULE_ID,
    correct_answers,
    lesson_url,
    read_lessons,
    request_check,
    submit,
    use_fixture_modules,
    wrong_answers,
)

LESSONS = ["01-what-is-personal-data", "02-sharing-safely"]


@pytest.fixture
def modules(app, monkeypatch):
    return use_fixture_modules(app, monkeypatch)


@pytest.fixture
def teacher(world):
    return world.user("A", "teacher")


def _serve(app, monkeypatch, module) -> None:
    """Serve `module` (a changed copy of the fixture module) in place of the fixture."""
    registry = replace(app.extensions["content"], modules={module.id: module})
    monkeypatch.setitem(app.extensions, "content", registry)


def _attempt_from(response) -> QuizAttempt:
    assert response.status_code == 302, response.status_code
    return db.session.get(QuizAttempt, int(response.headers["Location"].rsplit("/", 1)[1]))


def _fail(client, csrf) -> QuizAttempt:
    attempt = _attempt_from(request_check(client, csrf))
    assert submit(client, csrf, attempt, wrong_answers(attempt.questions)).status_code == 302
    return attempt


def _pass(client, csrf) -> Certificate:
    attempt = _attempt_from(request_check(client, csrf))
    submit(client, csrf, attempt, correct_answers(attempt.questions))
    return db.session.execute(
        select(Certificate).where(Certificate.attempt_id == attempt.id)
    ).scalar_one()


# --- Point 2: the check opens after the lessons, on merit ----------------------------------------


def test_the_check_cannot_be_started_before_every_lesson_is_read(modules, teacher, signed_in, csrf):
    client = signed_in(teacher)
    page = client.get(f"/training/modules/{MODULE_ID}").get_data(as_text=True)
    assert "The knowledge check opens when you have read every lesson" in page
    assert "Start the knowledge check" not in page
    read_lessons(client, csrf, LESSONS[:1])
    refused = request_check(client, csrf)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "There is a problem" in html and "1 lesson is not marked as read yet" in html
    assert lesson_url(LESSONS[1]) in html  # the lesson still to read is linked
    assert db.session.execute(select(QuizAttempt)).first() is None

    read_lessons(client, csrf, LESSONS[1:])
    assert "Start the knowledge check" in client.get(f"/training/modules/{MODULE_ID}").get_data(
        as_text=True
    )
    assert request_check(client, csrf).status_code == 302


def test_a_module_can_open_its_check_before_the_lessons(
    app, modules, teacher, signed_in, csrf, monkeypatch
):
    _serve(app, monkeypatch, replace(modules[MODULE_ID], check_opens=CheckOpens.ANY_TIME))
    client = signed_in(teacher)
    assert request_check(client, csrf).status_code == 302


def test_a_retake_asks_the_questions_not_seen_before(modules, teacher, signed_in, csrf):
    client = signed_in(teacher)
    read_lessons(client, csrf, LESSONS)
    first = _fail(client, csrf)
    second = _attempt_from(request_check(client, csrf))
    asked_first = {question["id"] for question in first.questions}
    asked_second = {question["id"] for question in second.questions}
    # A bank of 6 drawn 3 at a time: the retake asks the 3 not asked yet.
    assert asked_first.isdisjoint(asked_second), (asked_first, asked_second)
    assert len(asked_first | asked_second) == 6


def test_the_school_can_space_retakes(modules, world, teacher, signed_in, csrf, monkeypatch):
    db.session.add(SchoolSettings(school_id=teacher.school_id, retake_wait_minutes=10))
    db.session.commit()
    now = utcnow()
    set_clock(monkeypatch, now)
    client = signed_in(teacher)
    read_lessons(client, csrf, LESSONS)
    failed = _fail(client, csrf)
    result = client.get(f"/training/attempts/{failed.id}/result").get_data(as_text=True)
    assert "You can try the knowledge check again in 10 minutes" in result
    assert "Try the knowledge check again" not in result

    set_clock(monkeypatch, now + timedelta(minutes=4))
    refused = request_check(client, csrf)
    assert refused.status_code == 409
    assert "again in 6 minutes" in refused.get_data(as_text=True)
    assert len(db.session.execute(select(QuizAttempt)).all()) == 1

    set_clock(monkeypatch, now + timedelta(minutes=10))
    assert request_check(client, csrf).status_code == 302
    # Another school's setting is its own.
    other = signed_in(world.user("B", "teacher"))
    read_lessons(other, csrf, LESSONS)
    _fail(other, csrf)
    assert request_check(other, csrf).status_code == 302


def test_the_retake_wait_is_a_school_setting(world, signed_in, csrf):
    client = signed_in(world.user("A", "dpo"))
    page = client.get("/oversight/settings").get_data(as_text=True)
    assert "Wait before another try after a failed knowledge check (minutes)" in page
    data = {"csrf_token": csrf(client, "/oversight/settings"), "reminders_enabled": "on"}
    bad = client.post("/oversight/settings", data=data | {"retake_wait_minutes": "0"})
    assert bad.status_code == 400
    assert "Enter a number of minutes from 1 to 1440" in bad.get_data(as_text=True)
    client.post("/oversight/settings", data=data | {"retake_wait_minutes": "10"})
    settings = db.session.execute(select(SchoolSettings)).scalar_one()
    assert settings.retake_wait_minutes == 10
    assert 'value="10"' in client.get("/oversight/settings").get_data(as_text=True)
    client.post("/oversight/settings", data=data | {"retake_wait_minutes": ""})
    db.session.expire_all()
    assert db.session.execute(select(SchoolSettings)).scalar_one().retake_wait_minutes is None


def test_cpd_minutes_count_the_lessons_read(app, modules, teacher, signed_in, csrf, monkeypatch):
    client = signed_in(teacher)
    read_lessons(client, csrf, LESSONS)
    full = _pass(client, csrf)
    assert (full.cpd_minutes, full.lessons_read, full.lesson_count) == (15, 2, 2)
    page = client.get(f"/training/certificates/{full.id}").get_data(as_text=True)
    assert "15 minutes (2 of 2 lessons read)" in page

    # A check open at any time, passed with one of the two 4-minute lessons read: half.
    any_time = replace(modules[MODULE_ID], check_opens=CheckOpens.ANY_TIME, version="2.0.0")
    _serve(app, monkeypatch, any_time)
    read_lessons(client, csrf, LESSONS[:1])
    half = _pass(client, csrf)
    assert (half.cpd_minutes, half.lessons_read, half.lesson_count) == (7, 1, 2)
    cpd = client.get("/training/cpd").get_data(as_text=True)
    assert "22 CPD minutes in total" in cpd


# --- Point 3: progress is never lost, and the percentage is the lessons read ----------------------


def test_next_from_an_unread_lesson_records_it(modules, teacher, signed_in, csrf):
    client = signed_in(teacher)
    first = lesson_url(LESSONS[0])
    html = client.get(first).get_data(as_text=True)
    nav = html[html.index('<nav class="govuk-pagination') :]
    nav = nav[: nav.index("</nav>")]
    # "Next" is a button of a form that marks this lesson read, not a bare link past it.
    assert f'<form method="post" action="{first}"' in nav
    assert f'href="{lesson_url(LESSONS[1])}"' not in nav
    response = client.post(first, data={"csrf_token": csrf(client, first)})
    assert response.headers["Location"].endswith(lesson_url(LESSONS[1]))
    assert db.session.execute(select(LessonProgress.lesson_slug)).scalars().all() == [LESSONS[0]]
    # Once read, Next is a plain link again (nothing left to record).
    again = client.get(first).get_data(as_text=True)
    assert f'href="{lesson_url(LESSONS[1])}" rel="next"' in again


def test_the_percentage_is_the_share_of_lessons_read(
    app, modules, teacher, signed_in, csrf, monkeypatch
):
    base = modules[MODULE_ID]
    lessons = tuple(
        replace(base.lessons[i % 2], slug=f"0{i + 1}-lesson-{i + 1}", number=i + 1)
        for i in range(5)
    )
    _serve(app, monkeypatch, replace(base, lessons=lessons))
    client = signed_in(teacher)
    read_lessons(client, csrf, [lesson.slug for lesson in lessons[:2]])
    html = client.get("/training/").get_data(as_text=True)
    assert "2 of 5 lessons read" in html
    assert re.search(r'<progress [^>]*value="40"', html), "2 of 5 read must show 40%"
    module_page = client.get(f"/training/modules/{MODULE_ID}").get_data(as_text=True)
    assert "2 of 5 lessons read." in module_page


# --- Point 7: the school on the certificate; a passed module's due line ------------------------


def test_certificate_page_pdf_and_verify_name_the_school(
    modules, world, teacher, signed_in, csrf, client
):
    student = signed_in(teacher)
    read_lessons(student, csrf, LESSONS)
    certificate = _pass(student, csrf)
    assert certificate.school_name == "School A"
    page = student.get(f"/training/certificates/{certificate.id}").get_data(as_text=True)
    assert '<dt class="govuk-summary-list__key">School</dt>' in page and "School A" in page
    pdf = student.get(f"/training/certificates/{certificate.id}/certificate.pdf")
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "of School A" in text and "15 minutes (2 of 2 lessons read)" in text
    verified = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "School A" in verified and "Valid certificate" in verified
    # The name is the one on the day: renaming the school later changes no certificate.
    world.school_a.name = "School A (renamed)"
    db.session.commit()
    assert "School A (renamed)" not in client.get(f"/verify/{certificate.code}").get_data(
        as_text=True
    )


def test_a_passed_module_due_for_refresher_reads_sensibly(modules, teacher, signed_in, csrf):
    due = utcnow().date() + timedelta(days=300)
    db.session.add(Assignment(school_id=teacher.school_id, module_id=MODULE_ID, due_date=due))
    db.session.commit()
    client = signed_in(teacher)
    read_lessons(client, csrf, LESSONS)
    certificate = _pass(client, csrf)
    certificate.issued_at -= timedelta(days=350)
    certificate.expires_at = utcnow() + timedelta(days=15)
    db.session.commit()
    html = client.get("/training/").get_data(as_text=True)
    assert "Refresher due" in html
    assert f"Refresher due by {certificate.expires_at.day} {certificate.expires_at:%B %Y}" in html
    assert "Done" not in html and f"Due by {due.day} {due:%B %Y}" not in html


# --- Re-training: a major version supersedes older certificates --------------------------------


def test_a_major_version_supersedes_certificates_on_the_page_and_verify(
    app, modules, teacher, signed_in, csrf, client, monkeypatch
):
    student = signed_in(teacher)
    read_lessons(student, csrf, LESSONS)
    certificate = _pass(student, csrf)

    _serve(app, monkeypatch, replace(modules[MODULE_ID], version="1.1.0"))  # corrections
    assert "Superseded" not in student.get(f"/training/certificates/{certificate.id}").get_data(
        as_text=True
    )
    assert "Superseded" not in client.get(f"/verify/{certificate.code}").get_data(as_text=True)

    _serve(app, monkeypatch, replace(modules[MODULE_ID], version="2.0.0"))  # re-training
    page = student.get(f"/training/certificates/{certificate.id}").get_data(as_text=True)
    assert "Superseded by version 2.0.0" in page
    verified = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Superseded by version 2.0.0" in verified and "Valid certificate" in verified
    module_page = student.get(f"/training/modules/{MODULE_ID}").get_data(as_text=True)
    assert "superseded by version 2.0.0" in module_page
    # Lessons read under version 1 are read again for version 2 before its check opens.
    assert "0 of 2 lessons read." in module_page
    assert request_check(student, csrf).status_code == 409
    read_lessons(student, csrf, LESSONS)
    renewed = _pass(student, csrf)
    assert renewed.module_version == "2.0.0" and renewed.lessons_read == 2
