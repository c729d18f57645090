"""Walk every URL rule: anonymous users are sent to sign in (except listed public pages), a user
of school B gets 404 for school A's objects, and every POST without a CSRF token is refused."""

import importlib
import pkgutil

import pytest

import tests.walker
from app.models import Role
from tests.conftest import make_user
from tests.walker import Sample


def _walker_modules():
    for info in pkgutil.iter_modules(tests.walker.__path__):
        yield importlib.import_module(f"tests.walker.{info.name}")


def _collect():
    samples, endpoint_samples, public = {}, {}, set()
    for module in _walker_modules():
        samples.update(getattr(module, "SAMPLES", {}))
        for endpoint, extra in getattr(module, "ENDPOINT_SAMPLES", {}).items():
            endpoint_samples.setdefault(endpoint, {}).update(extra)
        public |= set(getattr(module, "PUBLIC_ENDPOINTS", set()))
    return samples, endpoint_samples, public


SAMPLES, ENDPOINT_SAMPLES, PUBLIC_ENDPOINTS = _collect()


def _rules(app):
    return sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)


def _sample_for(rule, argument) -> Sample:
    sample = ENDPOINT_SAMPLES.get(rule.endpoint, {}).get(argument) or SAMPLES.get(argument)
    if sample is None:
        pytest.fail(
            f"{rule.endpoint} ({rule.rule}) has argument <{argument}> that no module in "
            "tests/walker/ describes: add a Sample for it"
        )
    return sample


def _build(app, rule, world):
    values, owned = {}, False
    for argument in sorted(rule.arguments):
        sample = _sample_for(rule, argument)
        values[argument] = sample.make(world)
        owned = owned or sample.owned
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values), owned


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
