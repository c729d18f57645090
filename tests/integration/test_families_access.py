"""A walk over every families' staff URL: teachers, business managers and trust admins cannot open
the objections, the settings or the record of processing (403), and only the procurement roles
open DPIA drafts. Other schools' objects are a 404 (tests/integration/test_route_walker.py, with
the samples in tests/walker/transparency.py)."""

import pytest

from app.models import Role
from tests.walker import build_url, catalogue

KNOWN = catalogue()
DPIA_ENDPOINTS = {"transparency.dpia_pdf", "transparency.dpia_docx_download"}


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("transparency.")]


@pytest.mark.parametrize("role", [Role.TEACHER, Role.BUSINESS_MANAGER, Role.TRUST_ADMIN])
def test_roles_other_than_dpo_and_admin_cannot_reach_families_records(
    app, world, signed_in, csrf, role
):
    client = signed_in(world.user("A", role))
    token = csrf(client, "/account")
    checked = 0
    for rule in _rules(app):
        allowed = rule.endpoint in DPIA_ENDPOINTS and role == Role.BUSINESS_MANAGER
        if allowed:
            continue
        url, _ = build_url(app, rule, world, KNOWN)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 403, (role, rule.endpoint, method, response.status_code)
            checked += 1
    assert checked >= 20


@pytest.mark.parametrize("role", [Role.DPO, Role.SCHOOL_ADMIN])
def test_dpo_and_school_admin_open_every_families_page(app, world, signed_in, role):
    client = signed_in(world.user("A", role))
    for rule in _rules(app):
        if "GET" not in rule.methods or rule.arguments - {"request_id", "return_id"}:
            continue
        url, _ = build_url(app, rule, world, KNOWN)
        assert client.get(url).status_code == 200, (role, url)
