"""PDFs rendered by the job queue (app/jobs.py), in-process: what queues a render, the page shown
while it runs, and the cached file served after. A real worker process is in test_jobs_worker.py.

Most tests use Huey's immediate mode (a job runs as it is queued); the pending-page tests swap
in an in-memory queue that runs nothing until the test says so, as a busy worker would.
"""

import re

import pytest
from huey import MemoryHuey
from sqlalchemy import select

from app import jobs, pdf
from app.models import AuditEvent, db
from app.models.training import Certificate
from tests.procurement_helpers import answer_sections, best_answers, propose, sign, start_product
from tests.training_helpers import (
    MODULE_ID,
    correct_answers,
    form_data,
    read_lessons,
    request_check,
    use_fixture_modules,
)


@pytest.fixture
def renders(app, monkeypatch, tmp_path):
    """A fresh PDF cache, pre-rendering on, and the list of documents WeasyPrint was given."""
    monkeypatch.setitem(app.config, "PDF_CACHE_DIR", tmp_path / "pdf-cache")
    monkeypatch.setitem(app.config, "PDF_PRERENDER", True)
    seen: list[str] = []
    real = pdf.html_to_pdf

    def counting(html: str) -> bytes:
        seen.append(re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip())
        return real(html)

    monkeypatch.setattr(pdf, "html_to_pdf", counting)
    return seen


@pytest.fixture
def held_queue(app, monkeypatch):
    """A queue whose jobs wait until `run_all()`: what a page sees while the worker is busy."""
    huey = MemoryHuey("test", results=False)
    queue = jobs.job_queue(app, huey)
    monkeypatch.setitem(app.extensions, "jobs", queue)

    def run_all() -> int:
        count = 0
        while (task := huey.dequeue()) is not None:
            huey.execute(task)
            count += 1
        return count

    queue.run_all = run_all  # type: ignore[attr-defined]
    return queue


def _start(client, token):
    return start_product(client, token)


def _answer_all(client, token, assessment_id):
    from flask import current_app

    checklist = current_app.extensions["content"].checklists["quick-edtech-check"]
    answer_sections(client, token, assessment_id, best_answers(checklist))


def _decide(client, token, assessment_id):
    """Propose approval and sign it off (the client is a DPO, who may sign their own proposal)."""
    response = propose(client, token, assessment_id, "approve", "Meets every requirement")
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    response = sign(client, token, assessment_id)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]


def _decided_assessment(world, signed_in, csrf):
    client = signed_in(world.user("A", "dpo"))
    token = csrf(client, "/procurement/vendors/new")
    _, assessment_id = _start(client, token)
    _answer_all(client, token, assessment_id)
    return client, token, assessment_id


def test_a_decision_renders_its_report_and_appendix_once_and_serves_the_same_bytes(
    world, signed_in, csrf, renders, monkeypatch, app
):
    monkeypatch.setitem(app.config, "PDF_PRERENDER", False)  # drafts: not what this test counts
    client, token, assessment_id = _decided_assessment(world, signed_in, csrf)
    monkeypatch.setitem(app.config, "PDF_PRERENDER", True)
    _decide(client, token, assessment_id)
    # The decision queued both renders; they ran (immediate mode): the report, then the answers.
    assert [title.split(":")[0] for title in renders] == [
        "Edtech privacy assessment",
        "Edtech privacy assessment, full answers",
    ]
    for name in ("report", "answers"):
        url = f"/procurement/assessments/{assessment_id}/{name}.pdf"
        first, second = client.get(url), client.get(url)
        assert first.status_code == second.status_code == 200
        assert first.mimetype == "application/pdf" and first.data.startswith(b"%PDF")
        assert first.data == second.data
    assert len(renders) == 2  # all four served from the cache
    exports = db.session.execute(
        select(AuditEvent)
        .where(AuditEvent.action == "assessment_exported")
        .order_by(AuditEvent.id)  # PostgreSQL returns rows in no set order without one
    ).scalars()
    assert [(event.detail.get("format"), event.detail.get("document")) for event in exports] == [
        ("pdf", "report"),
        ("pdf", "report"),
        ("pdf", "report-answers"),
        ("pdf", "report-answers"),
    ]


def test_saving_a_draft_section_renders_the_draft_report(world, signed_in, csrf, renders):
    client = signed_in(world.user("A", "business_manager"))
    token = csrf(client, "/procurement/vendors/new")
    _, assessment_id = _start(client, token)  # the profile save renders the first draft
    assert len(renders) == 2  # its report and its answers
    _answer_all(client, token, assessment_id)  # five section saves, each a new draft
    assert len(renders) == 12
    for name in ("report", "answers"):
        response = client.get(f"/procurement/assessments/{assessment_id}/{name}.pdf")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert len(renders) == 12  # the latest draft was already in the cache


def test_issuing_a_certificate_renders_it(world, app, signed_in, csrf, renders, monkeypatch):
    modules = use_fixture_modules(app, monkeypatch)
    client = signed_in(world.user("A", "teacher"))
    read_lessons(client, csrf, [lesson.slug for lesson in modules[MODULE_ID].lessons])
    token = csrf(client, f"/training/modules/{MODULE_ID}")
    response = request_check(client, csrf)
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    from app.models.training import QuizAttempt

    attempt = db.session.get(QuizAttempt, attempt_id)
    answers = form_data(correct_answers(attempt.questions), token)
    assert client.post(f"/training/attempts/{attempt_id}", data=answers).status_code == 302
    assert len(renders) == 1
    certificate = db.session.execute(select(Certificate)).scalar_one()
    response = client.get(f"/training/certificates/{certificate.id}/certificate.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert len(renders) == 1


def test_while_the_worker_is_busy_the_page_says_so_and_refreshes(
    world, signed_in, csrf, renders, held_queue, monkeypatch, app
):
    monkeypatch.setitem(app.config, "PDF_PRERENDER", False)
    client, token, assessment_id = _decided_assessment(world, signed_in, csrf)
    _decide(client, token, assessment_id)
    url = f"/procurement/assessments/{assessment_id}/report.pdf"
    response = client.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 202
    assert "Your PDF is being prepared" in page
    assert f'<meta http-equiv="refresh" content="3; url={url}?waiting=1">' in page
    assert f'href="{url}?waiting=1"' in page  # the link to check again by hand
    assert f'href="/procurement/assessments/{assessment_id}/review" class="govuk-back-link"' in page
    assert client.get(f"{url}?waiting=1").status_code == 202  # still waiting: no second job
    assert held_queue.huey.pending_count() == 1
    assert held_queue.run_all() == 1 and len(renders) == 1
    ready = client.get(f"{url}?waiting=1")
    page = ready.get_data(as_text=True)
    assert ready.status_code == 200 and "Your PDF is ready" in page
    assert f'<meta http-equiv="refresh" content="0; url={url}">' in page  # starts the download
    assert client.get(url).data.startswith(b"%PDF")
    assert len(renders) == 1
    exports = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "assessment_exported")
    ).scalars()
    assert len(list(exports)) == 1  # only the download that happened is audited


def test_a_failed_render_says_so_and_can_be_tried_again(
    world, signed_in, csrf, held_queue, monkeypatch, app, tmp_path
):
    monkeypatch.setitem(app.config, "PDF_CACHE_DIR", tmp_path)
    client, token, assessment_id = _decided_assessment(world, signed_in, csrf)
    url = f"/procurement/assessments/{assessment_id}/report.pdf"
    assert client.get(url).status_code == 202

    def broken(html: str) -> bytes:
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(pdf, "html_to_pdf", broken)
    held_queue.run_all()
    response = client.get(f"{url}?waiting=1")
    page = response.get_data(as_text=True)
    assert "Your PDF could not be prepared" in page and "http-equiv" not in page
    assert held_queue.huey.pending_count() == 0  # no endless re-rendering
    monkeypatch.undo()
    monkeypatch.setitem(app.extensions, "jobs", held_queue)
    monkeypatch.setitem(app.config, "PDF_CACHE_DIR", tmp_path)
    assert client.get(f"{url}?waiting=1&retry=1").status_code == 202
    assert held_queue.run_all() == 1
    assert client.get(url).data.startswith(b"%PDF")


def test_a_render_left_by_a_killed_worker_is_queued_again(
    world, signed_in, csrf, held_queue, monkeypatch, app
):
    monkeypatch.setitem(app.config, "PDF_PRERENDER", False)
    client, token, assessment_id = _decided_assessment(world, signed_in, csrf)
    monkeypatch.setitem(app.config, "PDF_PRERENDER", True)
    _decide(client, token, assessment_id)
    huey = held_queue.huey
    huey.dequeue()  # a worker took the report's job off the queue, then died before writing it
    assert huey.pending_count() == 1  # the appendix's job is still queued
    assert jobs.wanted().keys() == {("report", assessment_id), ("report-answers", assessment_id)}
    assert jobs.requeue_wanted(older_than=0) == 1  # what a starting worker does
    assert held_queue.run_all() == 2
    assert jobs.wanted() == {}
    assert jobs.requeue_wanted(older_than=0) == 0


def test_a_delayed_draft_render_is_brought_forward_when_someone_asks(
    world, signed_in, held_queue, app, monkeypatch
):
    monkeypatch.setitem(app.config, "PDF_PRERENDER", True)
    huey = held_queue.huey
    assert jobs.schedule_render("report", 7, delay=60)
    assert not jobs.schedule_render("report", 7, delay=60)  # a run of saves: one job
    assert huey.pending_count() == 1
    assert jobs.schedule_render("report", 7)  # someone opened the PDF: render now
    assert not jobs.schedule_render("report", 7)
    assert huey.pending_count() == 2


def test_the_jobs_commands_show_the_queue_and_queue_missing_pdfs(world, held_queue, runner):
    from tests.procurement_helpers import decided_product

    decided_product(world.school_a, "Maths Quest", None)
    decided_product(world.school_b, "Reading Rocket", None)
    result = runner.invoke(args=["jobs", "prerender"])
    assert (
        result.exit_code == 0 and "Queued 4 render(s)." in result.output
    )  # 2 reports, 2 appendices
    result = runner.invoke(args=["jobs", "prerender"])  # already asked for: nothing more
    assert "Queued 0 render(s)." in result.output
    result = runner.invoke(args=["jobs", "status"])
    assert "queued: 4" in result.output and "asked for and not yet written: 4" in result.output


def test_the_worker_refuses_to_start_in_immediate_mode(runner):
    result = runner.invoke(args=["jobs", "worker"])  # the test app runs jobs as they are queued
    assert result.exit_code != 0 and "JOBS_IMMEDIATE" in result.output
