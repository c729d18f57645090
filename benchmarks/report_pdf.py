"""Procurement report PDFs: WeasyPrint (through app/pdf.py) against warm headless Chromium printing
the same HTML, for an assessment on the 91-question UK checklist, for each of the two documents
(the governors' report, and its full answers appendix); a decided report, and a draft report,
requested through the real route: first (rendered) and again (served from the PDF cache, keyed by
the snapshot's hash).

    .venv/bin/python benchmarks/report_pdf.py            # print the figures
    .venv/bin/python benchmarks/report_pdf.py --record   # also update benchmarks/README.md
"""

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _readme import record_section  # noqa: E402

from app import create_app  # noqa: E402
from app.pdf import STATIC_DIR, html_to_pdf  # noqa: E402
from app.services.procurement.scoring import AnswerInput, score_assessment  # noqa: E402

SECTION = "## Procurement report PDF"
CHROMIUM = "/usr/bin/chromium"
CHECKLIST = "uk-schools-edtech"
PROFILE = {
    "P01": ["staff", "pupils"],
    "P02": "yes",
    "P03": ["contact", "health"],
    "P05": "yes",
    "P06": "yes",
}


def _answers(checklist) -> dict:
    answers = {}
    for index, question in enumerate(checklist.questions.values()):
        if not question.scored:
            answers[question.id] = AnswerInput("The supplier described this in its security pack.")
            continue
        options = checklist.options_for(question)
        value = options[index % len(options)].value if index % 7 else "unknown"
        answers[question.id] = AnswerInput(
            value,
            note=f"Checked against the supplier's documentation, section {index}. " * 2,
            evidence=(f"https://supplier.example/docs/{question.id.lower()}",),
        )
    return answers


def _snapshot(app):
    from app.services.procurement.reports import build_snapshot

    checklist = app.extensions["content"].checklists[CHECKLIST]
    profile = dict(PROFILE)
    result = score_assessment(checklist, profile, _answers(checklist))
    decision = {
        "outcome": "conditional", "label": "Approve with conditions", "reason": "Benchmark.",
        "departure_reason": "The only platform the exam board supports.",
        "proposed_by": {"id": 1, "name": "Bilal Business"}, "proposed_on": "2026-11-28",
        "signed_off_by": {"id": 2, "name": "Dana Protection"}, "signer_is_proposer": False,
        "decided_on": "2026-11-29", "valid_until": "2027-05-29", "departs_from_rating": True,
        "conditions": [{"text": "Sign the DPA", "owner": "Bursar", "owner_kind": "user",
                        "due_on": "2027-03-01"}],
    }  # fmt: skip
    vendor = {"name": "Benchmark Ltd", "product": "Benchmark Learning Platform"}
    snapshot = build_snapshot(
        checklist=checklist, result=result, school_name="Oakfield Primary School", vendor=vendor,
        profile=profile, assessment_id=1, started_on=date(2026, 11, 1), status="decided",
        decision=decision,
    )  # fmt: skip
    return snapshot, len(checklist.questions)


def weasyprint_figures(app, html: str, runs: int) -> dict:
    import io

    from pypdf import PdfReader

    start = time.perf_counter()
    pdf = html_to_pdf(html)  # the first render of this document in this process
    first = time.perf_counter() - start
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        pdf = html_to_pdf(html)
        timings.append(time.perf_counter() - start)
    return {
        "first_ms": first * 1000,
        "median_ms": statistics.median(timings) * 1000,
        "bytes": len(pdf),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
    }


def chromium_figures(html: str, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        page_file = Path(folder) / "report.html"
        page_file.write_text(html.replace("<head>", f'<head><base href="file://{STATIC_DIR}/">', 1))
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--headless"]
        )
        page = browser.new_page()
        page.goto(page_file.as_uri())
        page.pdf(format="A4")  # warm the browser
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            page.goto(page_file.as_uri())
            page.pdf(format="A4", tagged=True)
            timings.append(time.perf_counter() - start)
        browser.close()
    return {"median_ms": statistics.median(timings) * 1000}


def cached_route_figures(app, snapshot: dict, runs: int) -> dict:
    """A decided report requested twice through the route: the second comes from the cache."""
    from app.models import School, User, db
    from app.models.base import utcnow
    from app.models.procurement import Assessment, Vendor
    from app.services.procurement.decisions import snapshot_hash

    with app.app_context():
        db.create_all()
        school = School(name="Oakfield Primary School")
        db.session.add(school)
        db.session.flush()
        user = User(school_id=school.id, email="bm@example.invalid", display_name="B M")
        user.set_roles(["business_manager"])
        vendor = Vendor(school_id=school.id, name="Benchmark Ltd", product="Benchmark")
        assessment = Assessment(
            school_id=school.id, vendor=vendor, checklist_id=CHECKLIST, checklist_version="1.0.1",
            checklist_definition={}, status="decided", snapshot=snapshot,
            snapshot_hash=snapshot_hash(snapshot), decision="conditional", created_at=utcnow(),
        )  # fmt: skip
        db.session.add_all([user, vendor, assessment])
        db.session.commit()
        from app.auth.session import session_cookie_values

        values = session_cookie_values(user)  # a server-side session, as signing in makes
        db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session.update(values)
        url = f"/procurement/assessments/{assessment.id}/report.pdf"
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        first = time.perf_counter() - start
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            assert client.get(url).status_code == 200
            timings.append(time.perf_counter() - start)
    return {"first_ms": first * 1000, "median_ms": statistics.median(timings) * 1000}


def draft_route_figures(app, runs: int) -> dict:
    """A draft (undecided) report through the route: rendered once, then cached by the hash of
    its live snapshot until an answer changes."""
    from app.models import School, User, db
    from app.models.base import utcnow
    from app.models.procurement import Vendor
    from app.services.procurement.assessments import put_answer, start_assessment

    with app.app_context():
        checklist = app.extensions["content"].checklists[CHECKLIST]
        school = db.session.query(School).first()
        user = db.session.query(User).first()
        vendor = Vendor(school_id=school.id, name="Draft Ltd", product="Draft Platform")
        db.session.add(vendor)
        now = utcnow()
        assessment = start_assessment(
            db.session, vendor, checklist, user_id=user.id, user_name="B M", now=now
        )
        assessment.profile, assessment.profile_done = dict(PROFILE), True
        for question_id, answer in _answers(checklist).items():
            put_answer(assessment, question_id, answer.value, answer.note, list(answer.evidence),
                       user_id=user.id, user_name="B M", now=now)  # fmt: skip
        db.session.commit()
        from app.auth.session import session_cookie_values

        values = session_cookie_values(user)  # a server-side session, as signing in makes
        db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session.update(values)
        url = f"/procurement/assessments/{assessment.id}/report.pdf"
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        first = time.perf_counter() - start
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            assert client.get(url).status_code == 200
            timings.append(time.perf_counter() - start)
    return {"first_ms": first * 1000, "median_ms": statistics.median(timings) * 1000}


LINKS = {
    "report_url": "https://toolkit.example/procurement/assessments/1/report.pdf",
    "report_filename": "benchmark-assessment-1.pdf",
    "answers_url": "https://toolkit.example/procurement/assessments/1/answers.pdf",
    "answers_filename": "benchmark-assessment-1-answers.pdf",
}
DOCUMENTS = {"governors' report": "REPORT_TEMPLATE", "full answers appendix": "ANSWERS_TEMPLATE"}


def measure(runs: int) -> dict:
    from flask import render_template

    from app.procurement import exports

    with tempfile.TemporaryDirectory() as cache_dir:
        app = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{cache_dir}/bench.db",
            PDF_CACHE_DIR=cache_dir,
        )
        with app.test_request_context():
            snapshot, questions = _snapshot(app)
            context = exports.report_context(snapshot) | LINKS
            html = {
                name: render_template(getattr(exports, template), **context)
                for name, template in DOCUMENTS.items()
            }
        documents = {}
        for name, page in html.items():  # the report first: its first render is the cold one
            weasy = weasyprint_figures(app, page, runs)
            chromium = chromium_figures(page, runs)
            documents[name] = {
                "weasy": weasy,
                "chromium": chromium,
                "characters": len(re.sub(r"<[^>]+>|\\s+", "", page.split("<body>", 1)[1])),
                "ratio": weasy["median_ms"] / chromium["median_ms"],
            }
        cached = cached_route_figures(app, snapshot, runs)
        draft = draft_route_figures(app, runs)
    return {"runs": runs, "questions": questions, "documents": documents,
            "cached": cached, "draft": draft}  # fmt: skip


def section(f: dict) -> str:
    machine = f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}"
    report = f["documents"]["governors' report"]
    rows = "".join(
        f"| {name} | {d['weasy']['pages']} | {d['characters']:,} | "
        f"{d['weasy']['first_ms']:.0f} ms | {d['weasy']['median_ms']:.0f} ms | "
        f"{d['chromium']['median_ms']:.0f} ms | {d['ratio']:.2f} | "
        f"{d['weasy']['bytes'] / 1024:.0f} KiB |\n"
        for name, d in f["documents"].items()
    )
    return (
        f"{SECTION}\n\n"
        "`benchmarks/report_pdf.py`: a decided assessment on the "
        f"{f['questions']}-question UK checklist, as its two PDFs: the governors' report (cover, "
        "decision box, knock-outs, score table and SVG chart, action plan, children's-data "
        "summary) and the full answers appendix (every answer with its note, evidence and "
        "references), each rendered by WeasyPrint through `app/pdf.py` (tagged PDF/UA-1), "
        "against warm headless Chromium (Playwright, `/usr/bin/chromium --no-sandbox "
        '--headless`) loading and printing the same HTML. "First render" is the document\'s '
        "first in the process (the report's is the process's first: fonts and caches cold); "
        '"uncached" is the median of the renders after it, none served from the PDF cache. '
        "Characters: the text of the document's body. Every report PDF is cached by the hash "
        "of the snapshot it shows (frozen for a decision; for a draft, the hash of the stored "
        "rows its live snapshot is built from), with the conditions' progress, so a draft "
        "asked for again unchanged is served from disk without being scored.\n\n"
        "| document | pages | characters | WeasyPrint, first render | WeasyPrint, uncached, "
        f"median of {f['runs']} | warm Chromium, load + print, median | WeasyPrint / Chromium "
        "| file size |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n"
        f"{rows}\n"
        "| figure (the governors' report) | value |\n| --- | --- |\n"
        f"| decided report through the route, first request | {f['cached']['first_ms']:.0f} ms |\n"
        f"| decided report served again from the cache, median (target under 20 ms) | "
        f"{f['cached']['median_ms']:.1f} ms |\n"
        f"| draft report through the route, first request (rendered) | "
        f"{f['draft']['first_ms']:.0f} ms |\n"
        f"| draft report asked for again, unchanged, median (served from the cache) | "
        f"{f['draft']['median_ms']:.1f} ms |\n"
        f"| governors' report uncached render / warm Chromium (target at most 2) | "
        f"{report['ratio']:.2f} |\n\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {machine}, {os.cpu_count()} CPUs, load "
        f"average {os.getloadavg()[0]:.1f} at the end of the run.\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--record", action="store_true", help="update benchmarks/README.md")
    args = parser.parse_args()
    text = section(measure(args.runs))
    print(text)
    if args.record:
        record_section(SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
