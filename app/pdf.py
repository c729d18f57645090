"""The only module that imports WeasyPrint: HTML templates to PDF bytes, with a disk cache.

Templates live in `app/templates/pdf/`; they link `pdf/base.css` (print styles and local fonts).
Nothing is fetched from the network: the URL fetcher only serves files under `app/static/`.
Output is tagged (PDF/UA-1) with the document language and title taken from the HTML.
"""

from pathlib import Path

from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from app.util.hashing import sha256_json

STATIC_DIR = Path(__file__).resolve().parent / "static"
_FONT_CONFIG = FontConfiguration()
_WEASYPRINT_CACHE: dict = {}


class ExternalResourceError(ValueError):
    """A template tried to load something from outside the app's static folder."""


class LocalOnlyFetcher(URLFetcher):
    """Serves files under app/static and data: URLs; anything else stops the render."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)

    def fetch(self, url: str, headers=None):  # type: ignore[no-untyped-def]
        if url.startswith("file://"):
            path = Path(url.removeprefix("file://").split("?")[0]).resolve()
            if not path.is_relative_to(STATIC_DIR):
                raise ExternalResourceError(f"PDF templates may only use app/static, not {url}")
        elif not url.startswith("data:"):
            raise ExternalResourceError(f"PDF templates may only use local files, not {url}")
        return super().fetch(url, headers)


def html_to_pdf(html: str) -> bytes:
    """Lay out an HTML string (already rendered) as a tagged PDF."""
    document = HTML(string=html, base_url=f"file://{STATIC_DIR}/", url_fetcher=LocalOnlyFetcher())
    return document.write_pdf(
        font_config=_FONT_CONFIG,
        pdf_variant="pdf/ua-1",
        cache=_WEASYPRINT_CACHE,
    )


def cache_key_for(*parts: object) -> str:
    """A stable SHA-256 over JSON-serialisable parts (e.g. a snapshot hash and a template name)."""
    return sha256_json(parts)


def render_pdf(template: str, context: dict, *, cache_key: str | None = None) -> bytes:
    """Render `template` with `context` to PDF bytes; reuse the cached file when `cache_key` is set.

    Only pass a cache key for documents made from frozen data (a decided assessment's snapshot,
    an issued certificate): the key must change whenever the output would.
    """
    cache_file = None
    if cache_key:
        cache_dir = Path(current_app.config["PDF_CACHE_DIR"])
        cache_file = cache_dir / f"{cache_key}.pdf"
        if cache_file.exists():
            return cache_file.read_bytes()
    pdf = html_to_pdf(render_template(template, **context))
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache_file.with_suffix(".tmp")
        temporary.write_bytes(pdf)
        temporary.replace(cache_file)  # atomic, so a reader never sees half a file
    return pdf


def clear_cache() -> int:
    """Delete every cached PDF; returns how many files went.

    Called after an erasure: cached certificates and reports may show the erased person's name,
    and the cache is only a cache (anything still needed is rendered again from the database).
    """
    cache_dir = Path(current_app.config["PDF_CACHE_DIR"])
    removed = 0
    for cached in cache_dir.glob("*.pdf"):
        cached.unlink(missing_ok=True)
        removed += 1
    return removed
