"""axe-core on every page that exists: each GET rule is opened in Chromium, signed in as a user of
school A holding every role (with the walker's sample objects), and must show no violation.

Pages that need a particular state (a finished quiz, a decided assessment) are also checked by
the journey tests; this walk makes sure no page is missed as the app grows.
"""

from app.models import Role, db
from tests.browser.conftest import check_accessibility, sign_in
from tests.factories import make_user
from tests.walker import build_url, catalogue

# sso_start is not a page: it sends the browser to the school's identity provider
# (tests/browser/test_sso_journey.py follows it to a local one).
SKIP_ENDPOINTS = {"static", "main.health", "auth.sso_start"}
# Downloads (PDF, CSV, JSON) are not HTML pages.
DOWNLOAD_HINTS = (".pdf", ".csv", ".json", ".docx", ".xlsx", "/export", "/download")


def _html_pages(app, world):
    known = catalogue()
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if rule.endpoint in SKIP_ENDPOINTS or "GET" not in (rule.methods or set()):
            continue
        url, _ = build_url(app, rule, world, known)
        if url.endswith(DOWNLOAD_HINTS) or any(hint + "/" in url for hint in DOWNLOAD_HINTS):
            continue
        yield rule.endpoint, url


def test_every_page_has_no_axe_violation(app, page, world):
    everyone = make_user(world.school_a, "all-roles@a.example", [r.value for r in Role])
    db.session.commit()
    pages = list(_html_pages(app, world))
    sign_in(page, everyone.email)
    failures = []
    for endpoint, url in pages:
        response = page.goto(url)
        content_type = response.headers.get("content-type", "") if response else ""
        if "text/html" not in content_type:
            continue
        try:
            check_accessibility(page)
        except AssertionError as error:
            failures.append(f"{endpoint}: {error}")
    assert not failures, "\n\n".join(failures)
    assert len(pages) >= 10
