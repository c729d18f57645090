"""The hostile-input walker: every URL rule, requested with hostile ids in its path, hostile
values in every query parameter its view reads, the same hostile value in every field of its
form, and hostile files in its file fields. No response may be a 5xx (on SQLite and PostgreSQL).

One user holding every role in school A makes the requests (anonymous users for the public
pages); the values and the request recorder are in tests/walker/hostile.py.
"""

import io
import itertools
import logging
import time
from dataclasses import dataclass, field

import pytest

from app.extensions import limiter
from app.models import Invitation, Role, db
from tests.factories import ALL_ROLES, csrf_token, make_user, sign_in_client
from tests.walker import Catalogue, Sample, build_url, catalogue
from tests.walker import hostile as h
from tests.walker.procurement import _assessment

KNOWN = catalogue()

# The one 5xx left to the procurement helper, who is rewriting the stale-save path (issue 12):
# a section save whose hidden `version` is beyond the database integer (SQLite refuses to bind
# it). Reported, not failed; delete this entry when that rewrite lands.
_victims = itertools.count()


def _victim(world) -> int:
    """A fresh teacher of school A for each URL, so deactivating or erasing one changes
    nothing for the next request."""
    user = make_user(world.school_a, f"victim{next(_victims)}@a.example", ["teacher"])
    db.session.commit()
    return user.id


def _invitation_token(world) -> str:
    from app.auth.tokens import new_invitation_token
    from app.models.base import utcnow

    token, token_hash = new_invitation_token()
    now = utcnow()
    db.session.add(
        Invitation(
            school_id=world.school_a.id,
            email=f"invitee{next(_victims)}@a.example",
            display_name="Invitee",
            roles="teacher",
            token_hash=token_hash,
            created_at=now,
            expires_at=now.replace(year=now.year + 1),
        )
    )
    db.session.commit()
    return token


def _reset_token(world) -> str:
    from app.auth.tokens import new_reset_token

    user = db.session.get(type(world.user("A", "dpo")), _victim(world))
    return new_reset_token(user.id, user.session_epoch)


def _decidable_assessment(world) -> int:

    assessment = _assessment(world)
    assessment.profile_done = True
    db.session.commit()
    return assessment.id


HOSTILE_KNOWN = Catalogue(
    samples={**KNOWN.samples, "user_id": Sample(_victim)},
    endpoint_samples={
        **KNOWN.endpoint_samples,
        "auth.join": {"token": Sample(_invitation_token, owned=False)},
        "auth.reset_password": {"token": Sample(_reset_token, owned=False)},
        "procurement.decision": {"assessment_id": Sample(_decidable_assessment)},
    },
    public_endpoints=KNOWN.public_endpoints,
)


@dataclass
class Walker:
    app: object
    world: object
    insider: object
    failures: list = field(default_factory=list)
    requests: int = 0
    errors: list = field(default_factory=list)
    clients: dict = field(default_factory=dict)
    visited: set = field(default_factory=set)
    urls: dict = field(default_factory=dict)
    refused_posts: int = 0  # POSTs with a valid token refused with the generic 400 page
    posts: int = 0

    def client(self, public: bool):
        """(client, CSRF token): anonymous for public pages, else the every-role insider."""
        if public not in self.clients:
            if public:
                client = self.app.test_client()
                self.clients[public] = (client, csrf_token(client, "/sign-in"))
            else:
                db.session.refresh(self.insider)
                client = sign_in_client(self.app, self.insider)
                self.clients[public] = (client, csrf_token(client, "/account"))
        return self.clients[public]

    def send(self, rule, method: str, url: str, what: str, value, **kwargs):
        public = rule.endpoint in KNOWN.public_endpoints
        client, _ = self.client(public)
        self.errors.clear()
        h.Reads.keys = set()
        response = client.open(url, method=method, **kwargs)
        response.get_data()  # buffer the body, then close (a static file holds a handle open)
        response.close()
        self.requests += 1
        self.visited.add(rule.endpoint)
        if method == "POST":
            self.posts += 1
            if response.status_code == 400 and b"The form may have expired" in response.data:
                self.refused_posts += 1
        if response.status_code >= 500:
            cause = repr(self.errors[0]) if self.errors else ""
            line = f"{response.status_code} {method} {rule.endpoint} {what}={h.short(value)} "
            self.failures.append(line + cause[:300])
        if response.status_code in (302, 303, 404):
            self.urls.pop(rule.endpoint, None)
        location = response.headers.get("Location", "")
        if response.status_code in (302, 303) and (public or "/sign-in" in location):
            # The walk may have signed the insider out, or started, finished or ended an
            # anonymous session (a reset that took "123..." as a password): start afresh.
            self.clients.pop(public)
        return response

    def url(self, rule) -> str:
        """The rule's URL with sample objects, made again only when the last request may have
        used them up (a redirect after a delete or a save, or a 404)."""
        if rule.endpoint not in self.urls:
            self.urls[rule.endpoint], _ = build_url(self.app, rule, self.world, HOSTILE_KNOWN)
        return self.urls[rule.endpoint]

    def token(self, rule) -> str:
        return self.client(rule.endpoint in KNOWN.public_endpoints)[1]


def _methods(rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def _with_marker(walker: Walker, rule, argument: str) -> str:
    """The rule's URL with `argument` set to a marker the hostile value then replaces."""
    converter_object = rule._converters[argument]
    converter = type(converter_object).__name__
    marker = h.INT_MARKER if "Integer" in converter else h.TEXT_MARKER
    if converter == "AnyConverter":  # a closed set of names: route with a real one, then swap it
        marker = sorted(converter_object.items)[0]
    sample = Sample(lambda world: marker, owned=False)
    known = Catalogue(
        {**HOSTILE_KNOWN.samples, argument: sample},
        {
            endpoint: {k: v for k, v in extra.items() if k != argument}
            for endpoint, extra in HOSTILE_KNOWN.endpoint_samples.items()
        },
        HOSTILE_KNOWN.public_endpoints,
    )
    url, _ = build_url(walker.app, rule, walker.world, known)
    return url.replace(str(marker), "{}", 1), "Integer" in converter


def _walk_path_arguments(walker: Walker, rule) -> None:
    for argument in sorted(rule.arguments):
        template, numeric = _with_marker(walker, rule, argument)
        values = h.INT_PATH_VALUES if numeric else h.TEXT_PATH_VALUES
        for value in values:
            for method in _methods(rule):
                data = {"csrf_token": walker.token(rule)} if method == "POST" else None
                walker.send(rule, method, template.format(value), f"<{argument}>", value, data=data)


def _walk_get(walker: Walker, rule) -> None:
    url = walker.url(rule)
    page = walker.send(rule, "GET", url, "plain", "")
    params = set(h.Reads.keys)
    if page.mimetype == "text/html":
        params |= _get_form_fields(page.get_data(as_text=True))
    separator = "&" if "?" in url else "?"
    for name in sorted(params):
        for value in h.VALUES:
            query = h.encode_query({name: value})
            walker.send(rule, "GET", f"{url}{separator}{query}", f"?{name}", value)
    return page


def _get_form_fields(html: str) -> set[str]:
    """Field names of the page's GET forms (filters and searches)."""
    names: set[str] = set()
    for form in html.split("<form")[1:]:
        head = form.split(">", 1)[0].lower()
        if 'method="post"' not in head:
            names |= h.form_fields(form.split("</form>", 1)[0])[0]
    return names


def _walk_post(walker: Walker, rule, page) -> None:
    token = walker.token(rule)
    walker.send(rule, "POST", walker.url(rule), "csrf only", "", data={"csrf_token": token})
    read = set(h.Reads.keys) - {"csrf_token"}
    fields, files = set(read), set()
    if page is not None and page.mimetype == "text/html":
        names, files = h.form_fields(page.get_data(as_text=True))
        fields |= names
    files |= {name for name in read if "file" in name or name == "document"}
    fields -= files
    for value in h.VALUES + h.FORM_ONLY_VALUES:
        body = h.encode_form(
            {"csrf_token": walker.token(rule).encode(), **dict.fromkeys(fields, value)}
        )
        walker.send(
            rule,
            "POST",
            walker.url(rule),
            "every field",
            value,
            data=body,
            content_type="application/x-www-form-urlencoded",
        )
    for name in sorted(files):
        for filename, content in h.FILES:
            data = {"csrf_token": walker.token(rule), name: (io.BytesIO(content), filename)}
            walker.send(
                rule,
                "POST",
                walker.url(rule),
                f"file {name}",
                filename,
                data=data,
                content_type="multipart/form-data",
            )


@pytest.fixture
def walker(app, world):
    insider = world.user("A", "teacher")  # the training samples belong to this person
    insider.set_roles(ALL_ROLES)
    db.session.commit()
    assert insider.has_role(Role.TRUST_ADMIN)
    walker = Walker(app, world, insider)

    class Remember(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            walker.errors.append(record.exc_info[1] if record.exc_info else record.getMessage())

    remember = Remember(logging.ERROR)
    saved = limiter.enabled, app.request_class
    limiter.enabled = False  # the walk signs in wrongly hundreds of times on purpose
    app.request_class = h.RecordingRequest
    app.logger.addHandler(remember)
    try:
        yield walker
    finally:
        app.logger.removeHandler(remember)
        limiter.enabled, app.request_class = saved


def test_no_hostile_input_gives_a_server_error(app, walker):
    started = time.perf_counter()
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)
    for rule in rules:
        _walk_path_arguments(walker, rule)
        page = _walk_get(walker, rule) if "GET" in rule.methods else None
        if "POST" in rule.methods:
            _walk_post(walker, rule, page)
    elapsed = time.perf_counter() - started
    print(
        f"hostile walker: {len(rules)} rules, {walker.requests} requests "
        f"({walker.posts} POSTs, {walker.refused_posts} refused as a bad form) in {elapsed:.1f} s"
    )
    assert not walker.failures, "\n".join(walker.failures)
    assert walker.visited == {rule.endpoint for rule in rules}
    # The token was valid, so POSTs reached the views' own parsing instead of stopping at CSRF.
    assert walker.refused_posts < walker.posts / 10, walker.refused_posts
