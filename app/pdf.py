"""The only module that imports WeasyPrint: HTML templates to PDF bytes, the PDF cache on disk,
and the documents the app prints (certificates, reports), each named by a kind and a cache key.

Templates live in `app/templates/pdf/`; they link `pdf/base.css` (print styles and local fonts).
Nothing is fetched from the network: the URL fetcher only serves files under `app/static/`.
Output is tagged (PDF/UA-1) with the document language and title taken from the HTML.

WeasyPrint is imported on the first render, not when the app starts: a web worker never renders
(the job worker does, app/jobs.py), so it never pays WeasyPrint's 0.4 s and 26 MB.
"""

import atexit
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app, render_template

from app.util.hashing import sha256_json

STATIC_DIR = Path(__file__).resolve().parent / "static"
_WEASYPRINT_CACHE: dict = {}


class ExternalResourceError(ValueError):
    """A template tried to load something from outside the app's static folder."""


@cache
def _weasyprint() -> tuple[Any, Any, Any]:
    """(HTML, the font configuration, the local-only URL fetcher), built on first use."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """Serves files under app/static and data: URLs; anything else stops the render."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)

        def fetch(self, url: str, headers=None):
            if url.startswith("file://"):
                path = Path(url.removeprefix("file://").split("?")[0]).resolve()
                if not path.is_relative_to(STATIC_DIR):
                    raise ExternalResourceError(f"PDF templates may only use app/static, not {url}")
            elif not url.startswith("data:"):
                raise ExternalResourceError(f"PDF templates may only use local files, not {url}")
            return super().fetch(url, headers)

    # Drop the font configuration at exit, while WeasyPrint's modules are still there (its
    # __del__ fails if it is collected during interpreter shutdown).
    atexit.register(_weasyprint.cache_clear)
    return HTML, FontConfiguration(), LocalOnlyFetcher


def html_to_pdf(html: str) -> bytes:
    """Lay out an HTML string (already rendered) as a tagged PDF."""
    html_class, font_config, fetcher_class = _weasyprint()
    document = html_class(
        string=html, base_url=f"file://{STATIC_DIR}/", url_fetcher=fetcher_class()
    )
    return document.write_pdf(
        font_config=font_config,
        pdf_variant="pdf/ua-1",
        cache=_WEASYPRINT_CACHE,
    )


def cache_key_for(*parts: object) -> str:
    """A stable SHA-256 over JSON-serialisable parts (e.g. a snapshot hash and a template name)."""
    return sha256_json(parts)


def _cache_file(cache_key: str) -> Path:
    return Path(current_app.config["PDF_CACHE_DIR"]) / f"{cache_key}.pdf"


def cached_pdf(cache_key: str) -> bytes | None:
    """The cached PDF for `cache_key`, or None when it has not been rendered yet."""
    try:
        return _cache_file(cache_key).read_bytes()
    except FileNotFoundError:
        return None


def store_pdf(cache_key: str, pdf: bytes) -> bool:
    """Put `pdf` in the cache under `cache_key` unless a file is already there; True if stored.

    Written to a temporary file in the same folder, then linked into place: a reader never sees
    half a file, and when two workers render the same key the first file stays (so the bytes
    served never change once served)."""
    target = _cache_file(cache_key)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".render-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(pdf)
        os.link(temporary, target)
    except FileExistsError:
        return False
    finally:
        os.unlink(temporary)
    return True


def render_pdf(template: str, context: dict, *, cache_key: str | None = None) -> bytes:
    """Render `template` with `context` to PDF bytes; reuse the cached file when `cache_key` is set.

    Only pass a cache key for documents made from frozen data (a decided assessment's snapshot,
    an issued certificate): the key must change whenever the output would.
    """
    if cache_key:
        cached = cached_pdf(cache_key)
        if cached is not None:
            return cached
    pdf = html_to_pdf(render_template(template, **context))
    if cache_key and not store_pdf(cache_key, pdf):
        return cached_pdf(cache_key) or pdf
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


# --- The documents the app prints ---------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """One printable document as it stands now: its cache key changes whenever its PDF would."""

    cache_key: str
    template: str
    filename: str
    context: Callable[[], dict]  # called only when the PDF is rendered

    def render(self) -> bytes:
        return html_to_pdf(render_template(self.template, **self.context()))


@dataclass(frozen=True)
class DocumentKind:
    model: type
    describe: Callable[[Any], Document]


DOCUMENT_KINDS: dict[str, DocumentKind] = {}


def document_kind(kind: str, model: type) -> Callable:
    """Register the function that describes a `model` row as a printable document of `kind`.

    The blueprints register theirs when they are imported (create_app imports them all), so the
    web workers and the job worker know the same kinds. The function must not need a request or
    a signed-in user: the job worker calls it too."""

    def register(describe: Callable[[Any], Document]) -> Callable[[Any], Document]:
        DOCUMENT_KINDS[kind] = DocumentKind(model, describe)
        return describe

    return register


def describe(kind: str, obj: object) -> Document:
    return DOCUMENT_KINDS[kind].describe(obj)
