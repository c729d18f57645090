"""Single sign-on end to end against a real OpenID Connect provider: the `oidc-provider`
package run by Node on 127.0.0.1 (tests/oidc/provider.mjs), its login and consent pages walked
with an HTTP client, and the app answering the callback, exchanging the code over the loopback
and checking the ID token. Clients of the provider that misbehave give tokens with the wrong
audience, issuer or nonce, expired or future ones, and one with a forged signature.

Node.js is a stated prerequisite: without it these tests fail with a message, never skip.
"""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from app.models import AuditEvent, Invitation, OutboxEmail, User, db
from app.models.base import utcnow
from app.models.sso import SsoIdentity
from app.services.accounts import mfa
from tests.factories import TEST_PASSWORD, csrf_token, make_user, sign_in_client
from tests.oidc.harness import start_provider
from tests.sso_helpers import APP_BASE_URL, connect, provider_round_trip, sign_in_with_provider


@pytest.fixture(scope="module")
def local_provider():
    provider = start_provider(f"{APP_BASE_URL}/sign-in/sso/callback")
    yield provider
    provider.stop()


def _refusals() -> list[dict]:
    stmt = select(AuditEvent).where(AuditEvent.action == "sso_sign_in_refused")
    return [event.detail for event in db.session.execute(stmt.order_by(AuditEvent.id)).scalars()]


def _signed_in_as(client) -> str | None:
    """The email of the account the client's session belongs to, from the account page."""
    response = client.get("/account")
    if response.status_code != 200:
        return None
    page = response.get_data(as_text=True)
    return page.split('Email</dt><dd class="govuk-summary-list__value">')[1].split("<")[0]


def _refused(response, reason: str, status: int = 403) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:600]
    assert _refusals()[-1]["reason"] == reason
    return response.get_data(as_text=True)


# --- the happy path --------------------------------------------------------------------


def test_staff_sign_in_with_the_provider_and_land_where_they_were_going(
    app, world, client, local_provider
):
    connection = connect(world.school_a, local_provider)
    teacher = world.user("A", "teacher")
    start = client.get(f"/sign-in/school/{connection.slug}/start?next=/training/")
    request = parse_qs(urlsplit(start.headers["Location"]).query)
    # The authorization request: code flow, PKCE S256, a state and a nonce, our callback.
    assert request["response_type"] == ["code"]
    assert request["code_challenge_method"] == ["S256"] and len(request["code_challenge"][0]) == 43
    assert len(request["state"][0]) >= 43 and len(request["nonce"][0]) >= 43
    assert request["redirect_uri"] == [f"{APP_BASE_URL}/sign-in/sso/callback"]
    assert request["scope"] == ["openid email profile"]
    client.get("/sign-in")  # forget nothing: the state stays in this browser's session
    response = sign_in_with_provider(client, connection, "teacher-a", "?next=/training/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/training/"
    assert _signed_in_as(client) == teacher.email
    with client.session_transaction() as session:  # stands in for a password re-check
        assert isinstance(session.get("provider_sign_in_at"), int)
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "sign_in")
    ).scalar_one()
    assert event.actor_id == teacher.id and event.detail == {"via": "Local IdP"}
    identity = db.session.execute(select(SsoIdentity)).scalar_one()
    assert (identity.user_id, identity.subject) == (teacher.id, "teacher-a")


def test_an_outside_address_is_never_a_redirect_target(app, world, client, local_provider):
    connection = connect(world.school_a, local_provider)
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example"):
        response = sign_in_with_provider(client, connection, "teacher-a", f"?next={target}")
        assert response.status_code == 302
        assert response.headers["Location"] == "/", target


def test_a_linked_person_whose_address_changed_still_opens_their_account(
    app, world, client, local_provider
):
    connection = connect(world.school_a, local_provider)
    teacher = world.user("A", "teacher")
    db.session.add(SsoIdentity(user_id=teacher.id, issuer=local_provider.issuer,
                               subject="renamed-teacher-a", created_at=utcnow()))  # fmt: skip
    db.session.commit()
    assert sign_in_with_provider(client, connection, "renamed-teacher-a").status_code == 302
    assert _signed_in_as(client) == teacher.email


# --- the ID token's checks -------------------------------------------------------------


@pytest.mark.parametrize(
    ("client_id", "reason"),
    [
        ("wrong-audience", "wrong_aud"),
        ("expired", "token_expired"),
        ("issued-in-future", "wrong_iat"),
        ("not-yet-valid", "wrong_nbf"),
        ("wrong-issuer", "wrong_iss"),
        ("wrong-nonce", "wrong_nonce"),
        ("forged-signature", "bad_signature"),
    ],
)
def test_a_token_that_breaks_a_rule_signs_nobody_in(
    app, world, client, local_provider, client_id, reason
):
    connection = connect(world.school_a, local_provider, client_id=client_id)
    page = _refused(sign_in_with_provider(client, connection, "teacher-a"), reason)
    assert "could not be checked" in page
    assert _signed_in_as(client) is None
    assert world.user("A", "teacher").last_sign_in_at is None


def test_a_state_works_once_and_only_in_the_browser_that_started(
    app, world, client, local_provider
):
    connection = connect(world.school_a, local_provider)
    callback = provider_round_trip(client, connection, "teacher-a")
    before = client.get_cookie("session").value
    assert client.get(callback).status_code == 302
    # The same callback again with the cookie from before it (a replay): refused.
    replayer = app.test_client()
    replayer.set_cookie("session", before)
    _refused(replayer.get(callback), "state_replayed", 400)
    # The same callback in the same browser after success: its session holds no state now.
    _refused(client.get(callback), "state_mismatch", 400)
    # Another browser's callback (login CSRF): refused, and nobody is signed in there.
    stranger = app.test_client()
    stranger_callback = provider_round_trip(app.test_client(), connection, "teacher-a")
    _refused(stranger.get(stranger_callback), "state_mismatch", 400)
    assert _signed_in_as(stranger) is None


def test_a_sign_in_that_takes_too_long_is_refused(app, world, client, local_provider, monkeypatch):
    connection = connect(world.school_a, local_provider)
    callback = provider_round_trip(client, connection, "teacher-a")
    later = utcnow() + timedelta(minutes=app.config["OIDC_SIGN_IN_MAX_MINUTES"], seconds=5)
    monkeypatch.setattr("app.clock.now", lambda: later)
    _refused(client.get(callback), "state_expired", 400)


def test_a_cancelled_sign_in_is_explained(app, world, client, local_provider):
    connection = connect(world.school_a, local_provider)
    start = client.get(f"/sign-in/school/{connection.slug}/start")
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    page = _refused(
        client.get(f"/sign-in/sso/callback?error=access_denied&state={state}"),
        "provider_error:access_denied",
        400,
    )
    assert "you may have cancelled" in page


# --- whose email, which account --------------------------------------------------------


def test_an_unverified_email_is_refused(app, world, client, local_provider):
    make_user(world.school_a, "unverified@a.example", ["teacher"])
    db.session.commit()
    connection = connect(world.school_a, local_provider)
    page = _refused(sign_in_with_provider(client, connection, "unverified"), "email_not_verified")
    assert "has not confirmed that unverified@a.example is your address" in page


def test_an_email_outside_the_schools_domains_is_refused(app, world, client, local_provider):
    make_user(world.school_a, "someone@elsewhere.example", ["teacher"])
    db.session.commit()
    connection = connect(world.school_a, local_provider)
    page = _refused(sign_in_with_provider(client, connection, "outside-domain"),
                    "domain_not_allowed")  # fmt: skip
    assert "addresses ending @a.example only, so someone@elsewhere.example" in page


def test_a_user_of_another_school_is_refused_even_when_accounts_are_made(
    app, world, client, local_provider
):
    # School A accepts b.example addresses, but teacher@b.example's account is school B's.
    connection = connect(world.school_a, local_provider, domains="a.example b.example",
                         create_accounts=True)  # fmt: skip
    users_before = db.session.execute(select(func.count()).select_from(User)).scalar_one()
    page = _refused(sign_in_with_provider(client, connection, "school-b-teacher"), "other_school")
    assert "belongs to another school" in page
    assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == users_before
    assert db.session.execute(select(SsoIdentity)).first() is None


def test_an_unknown_person_is_refused_unless_the_school_makes_accounts(
    app, world, client, local_provider
):
    connection = connect(world.school_a, local_provider)
    page = _refused(sign_in_with_provider(client, connection, "newcomer"), "no_account")
    assert "There is no account for new.teacher@a.example at School A" in page
    assert (
        db.session.execute(select(User).where(User.email == "new.teacher@a.example")).first()
        is None
    )

    connection = connect(world.school_a, local_provider, create_accounts=True,
                         default_role="business_manager")  # fmt: skip
    response = sign_in_with_provider(app.test_client(), connection, "newcomer")
    assert response.status_code == 302
    user = db.session.execute(
        select(User).where(User.email == "new.teacher@a.example")
    ).scalar_one()
    assert (user.school_id, user.roles, user.display_name) == (
        world.school_a.id,
        {"business_manager"},
        "Nia Newcomer",
    )
    assert user.password_hash is None
    actions = db.session.execute(select(AuditEvent.action).where(AuditEvent.actor_id == user.id))
    assert {"sso_account_created", "sign_in"} <= set(actions.scalars())


def test_an_open_invitation_is_accepted_with_its_roles(app, world, client, local_provider):
    now = utcnow()
    invitation = Invitation(school_id=world.school_a.id, email="invitee@a.example",
                            display_name="Ivy From The Invite", roles="dpo teacher",
                            token_hash="x" * 64, created_at=now, expires_at=now)  # fmt: skip
    db.session.add(invitation)
    db.session.commit()
    connection = connect(world.school_a, local_provider)  # no accounts made for strangers
    assert sign_in_with_provider(client, connection, "invitee").status_code == 302
    user = db.session.execute(select(User).where(User.email == "invitee@a.example")).scalar_one()
    assert user.roles == {"dpo", "teacher"} and user.display_name == "Ivy From The Invite"
    db.session.refresh(invitation)
    assert invitation.accepted_at is not None


def test_an_address_given_to_someone_new_does_not_open_the_old_account(
    app, world, client, local_provider
):
    connection = connect(world.school_a, local_provider)
    assert sign_in_with_provider(client, connection, "teacher-a").status_code == 302
    page = _refused(sign_in_with_provider(app.test_client(), connection, "address-reused"),
                    "linked_to_another_person")  # fmt: skip
    assert "linked to a different Local IdP account" in page


def test_a_deactivated_account_is_refused(app, world, client, local_provider):
    teacher = world.user("A", "teacher")
    teacher.active = False
    db.session.commit()
    connection = connect(world.school_a, local_provider)
    _refused(sign_in_with_provider(client, connection, "teacher-a"), "account_deactivated")


def test_microsoft_rules_tenant_and_verified_domain(app, world, local_provider):
    connection = connect(world.school_a, local_provider, kind="microsoft")
    # Entra sends no email_verified for work accounts: xms_edov vouches for the domain.
    assert sign_in_with_provider(app.test_client(), connection, "ms-edov").status_code == 302
    make_user(world.school_a, "guest@a.example", ["teacher"])
    db.session.commit()
    _refused(sign_in_with_provider(app.test_client(), connection, "ms-guest"), "email_not_verified")
    _refused(sign_in_with_provider(app.test_client(), connection, "ms-other-tenant"),
             "wrong_tenant")  # fmt: skip


def test_google_rules_workspace_accounts_only(app, world, local_provider):
    connection = connect(world.school_a, local_provider, kind="google")
    _refused(sign_in_with_provider(app.test_client(), connection, "consumer-google"),
             "not_workspace_account")  # fmt: skip
    assert sign_in_with_provider(app.test_client(), connection, "teacher-a").status_code == 302


# --- two-step sign-in ------------------------------------------------------------------


def _with_two_step(user) -> None:
    mfa.begin_enrolment(user)
    user.mfa_enabled_at = utcnow()
    db.session.commit()


def test_the_authenticator_code_is_still_asked_unless_the_provider_enforces_mfa(
    app, world, local_provider
):
    teacher = world.user("A", "teacher")
    _with_two_step(teacher)
    connection = connect(world.school_a, local_provider)
    client = app.test_client()
    response = sign_in_with_provider(client, connection, "teacher-a")
    assert response.headers["Location"] == "/sign-in/two-step"
    assert _signed_in_as(client) is None
    token = csrf_token(client, "/sign-in/two-step")
    import pyotp

    code = pyotp.TOTP(teacher.totp_secret).now()
    answer = client.post("/sign-in/two-step", data={"code": code, "csrf_token": token})
    assert answer.status_code == 302 and _signed_in_as(client) == teacher.email
    last = (
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "sign_in").order_by(AuditEvent.id.desc())
        )
        .scalars()
        .first()
    )
    assert last.detail == {"second_step": "authenticator app", "via": "Local IdP"}

    connection = connect(world.school_a, local_provider, idp_enforces_mfa=True)
    client = app.test_client()
    assert sign_in_with_provider(client, connection, "teacher-a").headers["Location"] == "/"
    assert _signed_in_as(client) == teacher.email
    last = (
        db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "sign_in").order_by(AuditEvent.id.desc())
        )
        .scalars()
        .first()
    )
    assert last.detail == {"second_step": "identity provider", "via": "Local IdP"}


def test_a_school_that_requires_two_step_counts_the_providers_mfa(app, world, local_provider):
    from app.models.oversight import SchoolSettings

    db.session.add(SchoolSettings(school_id=world.school_a.id, require_mfa=True))
    db.session.commit()
    dpo = world.user("A", "dpo")
    connection = connect(world.school_a, local_provider, domains="a.example")
    db.session.add(SsoIdentity(user_id=dpo.id, issuer=local_provider.issuer,
                               subject="teacher-a", created_at=utcnow()))  # fmt: skip
    db.session.commit()
    client = app.test_client()
    sign_in_with_provider(client, connection, "teacher-a")
    assert client.get("/training/").headers.get("Location") == "/account/two-step"

    connection = connect(world.school_a, local_provider, idp_enforces_mfa=True)
    client = app.test_client()
    sign_in_with_provider(client, connection, "teacher-a")
    assert client.get("/training/").status_code == 200


# --- passwords off ---------------------------------------------------------------------


def test_password_sign_in_off_refuses_the_password_form_and_reset(
    app, world, client, local_provider
):
    teacher = world.user("A", "teacher")
    connect(world.school_a, local_provider, password_sign_in=False)
    token = csrf_token(client, "/sign-in")
    response = client.post(
        "/sign-in", data={"email": teacher.email, "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "School A signs in with Local IdP, not a password" in page
    assert f'href="/sign-in/school/school-{world.school_a.id}"' in page
    assert _signed_in_as(client) is None
    # A wrong password gets the usual answer: the refusal tells nothing without the password.
    wrong = client.post(
        "/sign-in", data={"email": teacher.email, "password": "not-it-at-all", "csrf_token": token}
    )
    assert wrong.status_code == 200 and "Enter a correct email address" in wrong.get_data(True)
    # Another school's staff still sign in with their password.
    other = app.test_client()
    other_token = csrf_token(other, "/sign-in")
    b_teacher = world.user("B", "teacher")
    assert other.post("/sign-in", data={"email": b_teacher.email, "password": TEST_PASSWORD,
                                        "csrf_token": other_token}).status_code == 302  # fmt: skip

    # Reset: the same page as ever, but the email says why and where to sign in instead.
    token = csrf_token(client, "/reset-password")
    client.post("/reset-password", data={"email": teacher.email, "csrf_token": token})
    email = (
        db.session.execute(select(OutboxEmail).order_by(OutboxEmail.id.desc())).scalars().first()
    )
    assert email.recipient == teacher.email
    assert "does not use passwords" in email.body
    assert f"http://localhost/sign-in/school/school-{world.school_a.id}" in email.body
    assert "/reset-password/" not in email.body
    from app.auth.tokens import new_reset_token

    with app.test_request_context():
        link = new_reset_token(teacher.id, teacher.session_epoch)
    assert client.get(f"/reset-password/{link}").status_code == 403
    # Staff still sign in with the provider.
    connection = connect(world.school_a, local_provider, password_sign_in=False)
    assert sign_in_with_provider(client, connection, "teacher-a").status_code == 302


def test_an_invitation_to_a_school_without_passwords_joins_through_the_provider(
    app, world, client, local_provider
):
    from app.auth.tokens import new_invitation_token

    with app.test_request_context():
        token, token_hash = new_invitation_token()
    now = utcnow()
    later = now.replace(year=now.year + 1)
    db.session.add(Invitation(school_id=world.school_a.id, email="invitee@a.example",
                              display_name="Ivy", roles="teacher", token_hash=token_hash,
                              created_at=now, expires_at=later))  # fmt: skip
    db.session.commit()
    connect(world.school_a, local_provider, password_sign_in=False)
    page = client.get(f"/join/{token}").get_data(as_text=True)
    assert "Join with Local IdP" in page and 'name="password"' not in page


# --- the connection: trying it, secrets, an unreachable provider, throttling -------------


def test_an_admin_tries_a_connection_before_switching_it_on(app, world, local_provider):
    connection = connect(world.school_a, local_provider, enabled=False)
    assert app.test_client().get(f"/sign-in/school/{connection.slug}/start").status_code == 404
    admin = world.user("A", "school_admin")
    client = sign_in_client(app, admin)
    callback = provider_round_trip(client, connection, "admin-a", "?test=1")
    response = client.get(callback)
    assert response.headers["Location"] == f"/admin/schools/{world.school_a.id}/sign-in"
    assert _signed_in_as(client) == admin.email  # still the same session
    identity = db.session.execute(select(SsoIdentity)).scalar_one()
    assert identity.user_id == admin.id
    # Coming back as someone else is refused.
    callback = provider_round_trip(client, connection, "teacher-a", "?test=1")
    _refused(client.get(callback), "tested_as_someone_else")


def test_the_client_secret_can_come_from_the_environment(
    app, world, client, local_provider, monkeypatch
):
    connection = connect(world.school_a, local_provider, store_secret=False, slug="oak-primary")
    page = _unavailable(sign_in_with_provider(client, connection, "teacher-a"))
    assert "not fully set up on this server" in page
    monkeypatch.setenv("OIDC_OAK_PRIMARY_CLIENT_SECRET", local_provider.secret("school-app"))
    assert sign_in_with_provider(app.test_client(), connection, "teacher-a").status_code == 302


def _unavailable(response) -> str:
    assert response.status_code == 502, response.get_data(as_text=True)[:600]
    return response.get_data(as_text=True)


def test_an_unreachable_provider_is_explained(app, world, client, local_provider):
    connection = connect(world.school_a, local_provider)
    connection.issuer = "http://127.0.0.1:9"  # nothing listens on the discard port
    db.session.commit()
    page = _unavailable(client.get(f"/sign-in/school/{connection.slug}/start"))
    assert "We could not reach Local IdP" in page
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "sso_provider_unavailable")
    ).scalar_one()
    assert event.school_id == world.school_a.id


def test_failed_callbacks_are_rate_limited(app, world, local_provider, monkeypatch):
    monkeypatch.setitem(app.config, "SSO_CALLBACK_LIMIT_PER_IP", "3 per minute")
    client = app.test_client()
    statuses = [client.get("/sign-in/sso/callback?state=x&code=y").status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_without_node_the_tests_fail_saying_why(monkeypatch):
    monkeypatch.setattr("tests.oidc.harness.shutil.which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match="Node.js is needed"):
        start_provider(f"{APP_BASE_URL}/sign-in/sso/callback")


def test_a_wrong_client_secret_or_a_connection_switched_off_meanwhile_is_refused(
    app, world, client, local_provider
):
    from app.util.encryption import encrypt

    connection = connect(world.school_a, local_provider)
    connection.client_secret_encrypted = encrypt(
        "not-the-secret", app.config["DATA_ENCRYPTION_KEY"]
    )
    db.session.commit()
    _refused(sign_in_with_provider(client, connection, "teacher-a"), "token_refused:invalid_client")

    connection = connect(world.school_a, local_provider)
    callback = provider_round_trip(client, connection, "teacher-a")
    connection.enabled = False
    db.session.commit()
    _refused(client.get(callback), "connection_off")
