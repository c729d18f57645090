"""Running the local OpenID Connect provider (provider.mjs, the `oidc-provider` package on Node)
for the single sign-on tests, and walking its login and consent pages with an HTTP client as a
person would in a browser.

Node.js is a stated prerequisite (README, scripts/check_prerequisites.py): without it, or
without `npm ci` having installed oidc-provider, the tests fail with a message saying so,
never skip.
"""

import json
import re
import select
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import IO
from urllib.parse import urljoin

import pytest
import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCRIPT = HERE / "provider.mjs"
FIXTURES = json.loads((HERE / "fixtures.json").read_text(encoding="utf-8"))
TENANT = FIXTURES["tenant"]
START_SECONDS = 30
FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"', re.IGNORECASE)


@dataclass
class LocalProvider:
    issuer: str
    process: subprocess.Popen
    log: IO[str]

    def log_text(self) -> str:
        """What the provider wrote to its standard error (its warnings and server errors)."""
        self.log.seek(0)
        return self.log.read()

    def secret(self, client_id: str) -> str:
        return FIXTURES["clients"][client_id]["secret"]

    def stop(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()  # the script exits when its standard input closes
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        if self.process.stdout:
            self.process.stdout.close()
        self.log.close()


def start_provider(*redirect_uris: str) -> LocalProvider:
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "Node.js is needed for the single sign-on tests (it runs the local OpenID Connect "
            "provider): install Node.js 18 or newer, then run `npm ci`.",
            pytrace=False,
        )
    if not (ROOT / "node_modules" / "oidc-provider" / "package.json").exists():
        pytest.fail(
            "The oidc-provider package is not installed: run `npm ci` (make test does).",
            pytrace=False,
        )
    log = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed by stop())
    process = subprocess.Popen(  # noqa: S603 (node found on PATH, fixed arguments)
        [node, str(SCRIPT), *redirect_uris],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,  # a file, so a chatty provider never blocks on a full pipe
        text=True,
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], START_SECONDS)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("{"):
        process.kill()
        failed = LocalProvider("", process, log)
        errors = failed.log_text()
        failed.stop()
        pytest.fail(f"The local OpenID Connect provider did not start:\n{errors[-2000:]}")
    return LocalProvider(issuer=json.loads(line)["issuer"], process=process, log=log)


class ProviderVisitor:
    """One person's browser at the provider: follows its redirects and fills its development
    login page (account id, any password) and consent page, until the provider sends the
    browser back to the app; returns that address (with the code and state)."""

    def __init__(self, app_base_url: str) -> None:
        self.app_base_url = app_base_url
        self.http = requests.Session()

    def sign_in(self, authorization_url: str, account: str) -> str:
        url, data = authorization_url, None
        for _ in range(12):
            if data is None:
                response = self.http.get(url, allow_redirects=False, timeout=10)
            else:
                response = self.http.post(url, data=data, allow_redirects=False, timeout=10)
            if response.is_redirect:
                url, data = urljoin(url, response.headers["Location"]), None
                if url.startswith(self.app_base_url):
                    return url
                continue
            page = response.text
            action = FORM_ACTION.search(page)
            if response.status_code != 200 or action is None:
                raise AssertionError(f"provider page {response.status_code}: {page[:800]}")
            url = urljoin(url, unescape(action.group(1)))
            if 'name="prompt" value="login"' in page:
                data = {"prompt": "login", "login": account, "password": "any password"}
            elif 'name="prompt" value="consent"' in page:
                data = {"prompt": "consent"}
            else:
                raise AssertionError(f"unexpected provider page: {page[:800]}")
        raise AssertionError("the provider never sent the browser back to the app")
