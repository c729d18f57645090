"""A job worker whose renders take a few seconds longer and announce when they start, so a test
can kill it in the middle of one (tests/integration/test_jobs_worker.py runs it as a script).

Configured by environment variables: DATABASE_URL, JOBS_SQLITE_PATH, PDF_CACHE_DIR, and
RENDER_STARTED (a file that gets one line per render started)."""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app import create_app, pdf  # noqa: E402
from app.jobs import run_worker  # noqa: E402


def main() -> None:
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=os.environ["DATABASE_URL"],
        JOBS_IMMEDIATE=False,
        JOBS_SQLITE_PATH=os.environ["JOBS_SQLITE_PATH"],
        PDF_CACHE_DIR=Path(os.environ["PDF_CACHE_DIR"]),
    )
    real = pdf.html_to_pdf
    started = Path(os.environ["RENDER_STARTED"])

    def slow(html: str) -> bytes:
        with started.open("a") as log:
            log.write("started\n")
        time.sleep(30)
        return real(html)

    pdf.html_to_pdf = slow
    run_worker(app)


if __name__ == "__main__":
    main()
