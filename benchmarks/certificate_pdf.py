"""Certificate PDF render time: the median of several uncached WeasyPrint renders through
app/pdf.py, and the time to serve one from the PDF cache.

    .venv/bin/python benchmarks/certificate_pdf.py            # print the figures
    .venv/bin/python benchmarks/certificate_pdf.py --record   # also update benchmarks/README.md
"""

import argparse
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _readme import record_section  # noqa: E402

from app import create_app  # noqa: E402
from app.models.training import Certificate  # noqa: E402
from app.pdf import html_to_pdf, render_pdf  # noqa: E402
from app.services.training.certificates import expiry_for, new_code  # noqa: E402
from app.training.views import CERTIFICATE_TEMPLATE, certificate_pdf_bytes  # noqa: E402

SECTION = "## Certificate PDF"


def _certificate() -> Certificate:
    issued = datetime(2026, 2, 28, 10, 0, tzinfo=UTC)
    return Certificate(
        code=new_code(),
        module_id="why-data-protection-matters",
        module_version="1.0.0",
        module_title="Why data protection matters in school",
        learner_name="Tara Teacher",
        score=88,
        cpd_minutes=45,
        issued_at=issued,
        expires_at=expiry_for(issued, 12),
    )


def measure(runs: int) -> dict:
    from flask import render_template

    with tempfile.TemporaryDirectory() as cache_dir:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", PDF_CACHE_DIR=cache_dir)
        with app.test_request_context():
            certificate = _certificate()
            context = {"certificate": certificate, "verify_url": "https://example.org/verify/X"}
            html_to_pdf(render_template(CERTIFICATE_TEMPLATE, **context))  # warm fonts
            timings, size = [], 0
            for _ in range(runs):
                start = time.perf_counter()
                size = len(render_pdf(CERTIFICATE_TEMPLATE, context))
                timings.append(time.perf_counter() - start)
            certificate_pdf_bytes(certificate, "https://example.org/verify/X")  # fills the cache
            cached = []
            for _ in range(runs):
                start = time.perf_counter()
                certificate_pdf_bytes(certificate, "https://example.org/verify/X")
                cached.append(time.perf_counter() - start)
    return {
        "runs": runs,
        "median_ms": statistics.median(timings) * 1000,
        "min_ms": min(timings) * 1000,
        "max_ms": max(timings) * 1000,
        "cached_median_ms": statistics.median(cached) * 1000,
        "bytes": size,
    }


def section(figures: dict) -> str:
    machine = f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}"
    return (
        f"{SECTION}\n\n"
        "`benchmarks/certificate_pdf.py`: one A4 landscape certificate rendered by WeasyPrint "
        "through `app/pdf.py` (tagged PDF/UA-1, embedded Liberation Sans), without the PDF "
        "cache, then served from the cache.\n\n"
        "| figure | value |\n| --- | --- |\n"
        f"| uncached render, median of {figures['runs']} | {figures['median_ms']:.0f} ms |\n"
        f"| uncached render, fastest / slowest | {figures['min_ms']:.0f} / "
        f"{figures['max_ms']:.0f} ms |\n"
        f"| served from the PDF cache, median | {figures['cached_median_ms']:.2f} ms |\n"
        f"| file size | {figures['bytes'] / 1024:.0f} KiB |\n\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {machine}.\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--record", action="store_true", help="update benchmarks/README.md")
    args = parser.parse_args()
    figures = measure(args.runs)
    text = section(figures)
    print(text)
    if args.record:
        record_section(SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
