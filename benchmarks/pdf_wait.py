"""How long a person waits for a PDF now that the job worker renders it ahead of need: a decided
report, a draft report and a certificate, each rendered the way a decision, a draft save or a
certificate issue queues it, then requested through its route (median of `--runs`), as a ratio
to warm headless Chromium printing the same HTML (target: under 0.1).

The render itself runs in the job worker; here it runs in this process (Huey's immediate mode)
and is timed separately, so the figures show both what the worker spends and what the person
waits.

    .venv/bin/python benchmarks/pdf_wait.py            # print the figures
    .venv/bin/python benchmarks/pdf_wait.py --record   # also update benchmarks/README.md
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from _readme import record_section  # noqa: E402
from report_pdf import chromium_figures  # noqa: E402

from app import create_app  # noqa: E402

SECTION = "## Waiting for a PDF"
DEMO_PRODUCT = ROOT / "app" / "procurement" / "demo_products" / "04-brightquiz-free.json"


def _documents(app) -> dict:
    """A decided report, a draft report (the same product re-imported) and a certificate."""
    from app.models import School, User, db
    from app.models.base import utcnow
    from app.models.training import Certificate
    from app.procurement.demo import _seed_product
    from app.services.procurement.transfer import import_assessment
    from app.services.training.certificates import new_code

    db.create_all()
    school = School(name="Oakfield Primary School")
    db.session.add(school)
    db.session.flush()
    user = User(school_id=school.id, email="bm@example.invalid", display_name="Bilal Business")
    user.set_roles(["business_manager", "dpo", "teacher"])
    db.session.add(user)
    db.session.flush()
    raw = DEMO_PRODUCT.read_bytes()
    checklists = app.extensions["content"].checklists
    _seed_product(school, user, user, [user], DEMO_PRODUCT.name, json.loads(raw), checklists)
    outcome = import_assessment(
        db.session, json.loads(raw), checklists, school_id=school.id, user_id=user.id,
        user_name=user.display_name, now=utcnow(),
    )  # fmt: skip
    assert outcome.assessment is not None, outcome.problems
    draft = outcome.assessment
    now = utcnow()
    certificate = Certificate(
        school_id=school.id, user_id=user.id, code=new_code(),
        module_id="why-data-protection-matters", module_version="1.0.0",
        module_title="Why data protection matters", learner_name=user.display_name,
        score=90, cpd_minutes=30, issued_at=now, expires_at=now + timedelta(days=365),
    )  # fmt: skip
    db.session.add(certificate)
    db.session.commit()
    from app.models.procurement import Assessment

    decided = db.session.execute(
        db.select(Assessment).where(Assessment.snapshot_hash.is_not(None))
    ).scalar_one()
    return {
        "decided report": ("report", decided.id,
                           f"/procurement/assessments/{decided.id}/report.pdf"),
        "decided report's full answers": ("report-answers", decided.id,
                                          f"/procurement/assessments/{decided.id}/answers.pdf"),
        "draft report": ("report", draft.id, f"/procurement/assessments/{draft.id}/report.pdf"),
        "certificate": ("certificate", certificate.id,
                        f"/training/certificates/{certificate.id}/certificate.pdf"),
    }, user  # fmt: skip


def measure(runs: int) -> list[dict]:
    from flask import g, render_template

    from app import jobs
    from app.models import db
    from app.pdf import DOCUMENT_KINDS, describe, html_to_pdf

    figures = []
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/bench.db",
            PDF_CACHE_DIR=Path(folder) / "pdf-cache",
        )
        with app.app_context():
            documents, user = _documents(app)
            html_to_pdf("<html lang=en><title>warm-up</title><p>Fonts and caches.</p></html>")
            from app.auth.session import session_cookie_values

            values = session_cookie_values(user)  # a server-side session, as signing in makes
            db.session.commit()
            client = app.test_client()
            with client.session_transaction() as session:
                session.update(values)
            for label, (kind, object_id, url) in documents.items():
                obj = db.session.get(DOCUMENT_KINDS[kind].model, object_id)
                document = describe(kind, obj)
                with app.test_request_context():
                    html = render_template(document.template, **document.context())
                g.pop("_login_user", None)  # the anonymous user that render left on the app's g
                started = time.perf_counter()
                jobs.schedule_render(kind, object_id)  # what the decision, save or issue does
                rendered = time.perf_counter() - started
                waits = []
                for _ in range(runs):
                    started = time.perf_counter()
                    response = client.get(url)
                    waits.append(time.perf_counter() - started)
                    assert response.data.startswith(b"%PDF"), (
                        label,
                        response.status_code,
                        response.headers.get("Location"),
                    )
                chromium = chromium_figures(html, runs)["median_ms"]
                wait = statistics.median(waits) * 1000
                figures.append(
                    {
                        "document": label,
                        "render_ms": rendered * 1000,
                        "wait_ms": wait,
                        "chromium_ms": chromium,
                        "ratio": wait / chromium,
                    }  # fmt: skip
                )
            db.session.remove()
            db.engine.dispose()
    return figures


def section(figures: list[dict], runs: int) -> str:
    machine = f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}"
    lines = [
        SECTION,
        "",
        "`benchmarks/pdf_wait.py`: each PDF rendered as the job worker renders it when its "
        "snapshot appears (decision recorded, draft saved, certificate issued), then requested "
        f"through its route ({runs} times, median): what the person waits, against warm "
        "headless Chromium loading and printing the same HTML (target: under 0.1). For the "
        "reports, the demo product with the most answers (90, on the UK checklist).",
        "",
        "| document | render in the job worker | wait through the route | warm Chromium | "
        "wait / Chromium |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in figures:
        lines.append(
            f"| {f['document']} | {f['render_ms']:.0f} ms | {f['wait_ms']:.1f} ms | "
            f"{f['chromium_ms']:.0f} ms | {f['ratio']:.3f} |"
        )
    lines += [
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {machine}, {os.cpu_count()} CPUs, load "
        f"average {os.getloadavg()[0]:.1f} at the end of the run.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--record", action="store_true", help="update benchmarks/README.md")
    args = parser.parse_args()
    text = section(measure(args.runs), args.runs)
    print(text)
    if args.record:
        record_section(SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
