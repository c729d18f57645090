"""Walk every URL rule: anonymous users are sent to sign in (except listed public pages), a user
of school B gets 404 for school A's objects, and every POST without a CSRF token is refused."""

from app.models import Role
from tests.factories import make_user
from tests.walker import build_url, catalogue

KNOWN = catalogue()
PUBLIC_ENDPOINTS = KNOWN.public_endpoints


def _rules(app):
    return sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)


def _build(app, rule, world):
    return build_url(app, rule, world, KNOWN)


def _methods(rule):
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def test_every_rule_has_samples_and_public_list_is_real(app, world):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints >= PUBLIC_ENDPOINTS, PUBLIC_ENDPOINTS - endpoints
    for rule in _rules(app):
        _build(app, rule, world)


def test_anonymous_users_are_sent_to_sign_in(app, world):
    client = app.test_client()
    checked = 0
    for rule in _rules(app):
        if rule.endpoint in PUBLIC_ENDPOINTS or "GET" not in rule.methods:
            continue
        url, _ = _build(app, rule, world)
        response = client.get(url)
        assert response.status_code == 302, (rule.endpoint, url, response.status_code)
        assert "/sign-in" in response.headers["Location"], (rule.endpoint, url)
        checked += 1
    assert checked > 0


def test_another_schools_objects_are_not_found(app, world, signed_in, csrf):
    # A user of school B (trust B) holding every role: roles never open another tenant's data.
    outsider = make_user(world.school_b, "every-role@b.example", [r.value for r in Role])
    from app.models import db

    db.session.commit()
    client = signed_in(outsider)
    token = csrf(client, "/account")
    checked = []
    for rule in _rules(app):
        if rule.endpoint == "static":
            continue
        url, owned = _build(app, rule, world)
        if not owned:
            continue
        for method in _methods(rule):
            data = {"csrf_token": token} if method != "GET" else None
            response = client.open(url, method=method, data=data)
            assert response.status_code == 404, (rule.endpoint, method, url, response.status_code)
            checked.append(rule.endpoint)
    assert "admin.staff_member" in checked


def test_every_post_without_csrf_token_is_refused(app, world, signed_in):
    insider = make_user(world.school_a, "every-role@a.example", [r.value for r in Role])
    from app.models import db

    db.session.commit()
    client = signed_in(insider)
    checked = 0
    for rule in _rules(app):
        url, _ = _build(app, rule, world)
        for method in _methods(rule):
            if method == "GET":
                continue
            response = client.open(url, method=method, data={})
            assert response.status_code == 400, (rule.endpoint, method, url, response.status_code)
            assert b"There was a problem with your request" in response.data
            checked += 1
    assert checked > 0
