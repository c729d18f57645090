"""The public pages a school links from its website (no sign-in): the apps and services it uses,
the school census notice and the letter to object to DfE's re-use of a child's record, each with
a printable PDF.

Caching: these pages hold nothing personal (no staff names, nothing about the person asking), so
shared caches may keep them: `Cache-Control: public, no-cache` with an ETag lets a phone or a
proxy reuse its copy after a cheap revalidation (304), while every request still checks with the
server, so a changed decision shows at once. They never show anything from the session (no
menu, no flash messages, no CSRF token, no signed-in user), so a member of staff gets the same
bytes as a parent and no cookie is set. Responses still say `Vary: Cookie` (Flask-Login checks
the session for its remember cookie after every request), so a shared cache keeps one copy for
everyone without a cookie: every parent. PDFs are cached by a hash of their HTML.
"""

from flask import Response, abort, g, make_response, render_template, request

from app import clock
from app.content.registry import content
from app.downloads import pdf_download
from app.extensions import login_manager
from app.i18n import language_from_url
from app.models import db
from app.pdf import cache_key_for, render_pdf
from app.services.transparency.notices import published_products
from app.services.transparency.settings import school_by_slug
from app.transparency import public_bp
from app.transparency.common import fill_values
from app.util.hashing import sha256_json

PUBLIC_CACHE_CONTROL = "public, no-cache"
PDF_LAYOUT_VERSION = "1"  # bump when a public PDF template changes


@public_bp.before_request
def _as_anyone() -> None:
    """Render as an anonymous visitor without reading the session: Flask-Login keeps the user of
    the request in `g._login_user` and loads it from the session cookie only when that is unset,
    so a signed-in member of staff gets the same page as a parent."""
    g._login_user = login_manager.anonymous_user()
    language_from_url()


def _school(slug: str):
    found = school_by_slug(db.session, slug)
    if found is None:
        abort(404)
    return found


def _context(slug: str, document_id: str | None = None) -> dict:
    school, settings = _school(slug)
    context = {
        "school": school,
        "settings": settings,
        "slug": slug,
        "values": fill_values(school.name, settings),
        "rights": content().families["families-rights"],
        "public_page": True,
        "hide_navigation": True,
    }
    if document_id:
        context["document"] = content().families[document_id]
    return context


def _public(html: str) -> Response:
    response = make_response(html)
    response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL
    response.add_etag()
    response.make_conditional(request)  # a 304 without a body when the ETag matches
    return response


def _apps_context(slug: str) -> dict:
    context = _context(slug)
    today = clock.today()
    context["products"] = published_products(db.session, context["school"].id, today)
    context["today"] = today
    return context


@public_bp.get("/schools/<slug>/apps")
def apps(slug: str):
    return _public(render_template("families/apps.html", **_apps_context(slug)))


@public_bp.get("/schools/<slug>/apps.pdf")
def apps_pdf(slug: str):
    return _pdf("pdf/families_apps.html", _apps_context(slug), f"apps-and-services-{slug}.pdf")


DOCUMENT_PAGES = {"school-census": "census-notice", "object-to-dfe": "dfe-objection-letter"}


@public_bp.get("/schools/<slug>/<any('school-census', 'object-to-dfe'):page>")
def document(slug: str, page: str):
    context = _context(slug, DOCUMENT_PAGES[page]) | {"page": page}
    return _public(render_template("families/document.html", **context))


@public_bp.get("/schools/<slug>/<any('school-census', 'object-to-dfe'):page>.pdf")
def document_pdf(slug: str, page: str):
    context = _context(slug, DOCUMENT_PAGES[page]) | {"page": page}
    return _pdf("pdf/families_document.html", context, f"{page}-{slug}.pdf")


def _pdf(template: str, context: dict, filename: str) -> Response:
    """The PDF, cached by a hash of its HTML: the same facts give the same file, and any change
    (a decision, a setting, the content) gives a new one."""
    html = render_template(template, **context)
    key = cache_key_for(sha256_json(html), template, PDF_LAYOUT_VERSION)
    return pdf_download(filename, render_pdf(template, context, cache_key=key))
