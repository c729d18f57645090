"""Browser fixtures: the app served on a free local port, headless Chromium via Playwright, and an
axe-core check (WCAG 2.2 A/AA tags) that fails on any violation."""

import json
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.factories import TEST_PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _clean(clean_database):
    """Every test starts with empty tables and fresh rate-limit counters."""


def _whole_responses(app):
    """Each response read to the end, and closed, before it is sent. Werkzeug's development
    server skips closing a response when the browser drops the connection part-way (a favicon
    it no longer wants), and the file left open is a ResourceWarning in a later test."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, _whole_responses(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium); CI installs it")
    if not AXE_SOURCE.exists():
        pytest.skip("axe-core is not installed (npm ci)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, accept_downloads=True)
    page = context.new_page()
    other_origins: list[str] = []

    def watch(request):
        if not request.url.startswith((live_server, "data:", "blob:")):
            other_origins.append(request.url)

    page.on("request", watch)
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert not other_origins, f"page requested another origin: {other_origins}"


def check_accessibility(page) -> None:
    """Run axe-core on the current page; fail with a readable list of violations."""
    # After a click that navigates, the new page may still be loading its stylesheet: axe then
    # measures unstyled links and buttons (a CI run once failed "target-size" on every one).
    page.wait_for_load_state("load")
    page.evaluate(AXE_SOURCE.read_text())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [node["target"] for node in v["nodes"]][:5],
        }
        for v in results["violations"]
    ]
    assert not violations, f"axe violations on {page.url}:\n{json.dumps(violations, indent=2)}"


def sign_in(page, email: str, password: str = TEST_PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
