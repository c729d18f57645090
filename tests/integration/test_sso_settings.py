"""Single sign-on around the protocol (test client, no provider needed): the admin's settings
page, finding a school's sign-in by email, the school's sign-in page, the sign-in page's link,
the break-glass command, and erasure removing the link to the provider."""

import re

from sqlalchemy import select

from app.models import AuditEvent, User, db
from app.models.base import utcnow
from app.models.sso import SsoConnection, SsoIdentity
from app.util.encryption import decrypt
from tests.walker.sso import TENANT, connection_for

SECRET = "a-client-secret-from-the-app-registration"


def _form(**changes) -> dict:
    data = {
        "provider": "microsoft",
        "tenant_id": TENANT.upper(),
        "issuer": "",
        "provider_name": "",
        "client_id": "11112222-3333-4444-5555-666677778888",
        "client_secret": SECRET,
        "allowed_domains": "@A.example, trust.example",
        "slug": "oak-primary",
        "enabled": "on",
        "password_sign_in": "on",
        "create_accounts": "off",
        "default_role": "teacher",
        "idp_enforces_mfa": "off",
    }
    data.update(changes)
    return data


def _post(client, csrf, school_id, **changes):
    url = f"/admin/schools/{school_id}/sign-in"
    return client.post(url, data={**_form(**changes), "csrf_token": csrf(client, url)})


def test_an_admin_connects_microsoft_and_the_secret_is_stored_encrypted(
    app, world, signed_in, csrf
):
    admin = world.user("A", "school_admin")
    client = signed_in(admin)
    page = client.get(f"/admin/schools/{world.school_a.id}/sign-in").get_data(as_text=True)
    assert "http://localhost/sign-in/sso/callback" in page  # the redirect URI to register
    assert "xms_edov" in page
    response = _post(client, csrf, world.school_a.id)
    assert response.status_code == 302, response.get_data(as_text=True)
    connection = db.session.execute(select(SsoConnection)).scalar_one()
    assert connection.issuer == f"https://login.microsoftonline.com/{TENANT}/v2.0"
    assert connection.tenant_id == TENANT and connection.provider_name == "Microsoft"
    assert connection.domain_list == ["a.example", "trust.example"]
    assert SECRET not in connection.client_secret_encrypted
    assert decrypt(connection.client_secret_encrypted, app.config["DATA_ENCRYPTION_KEY"]) == SECRET
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "sso_settings_changed")
    ).scalar_one()
    assert "client_secret" in event.detail["changed"]
    assert SECRET not in str(event.detail)
    page = client.get(f"/admin/schools/{world.school_a.id}/sign-in").get_data(as_text=True)
    assert SECRET not in page and "Stored encrypted" in page
    assert "http://localhost/sign-in/school/oak-primary" in page
    # Saving again with the secret left empty keeps it.
    assert _post(client, csrf, world.school_a.id, client_secret="").status_code == 302
    db.session.refresh(connection)
    assert decrypt(connection.client_secret_encrypted, app.config["DATA_ENCRYPTION_KEY"]) == SECRET


def test_the_settings_refuse_what_would_not_work(app, world, signed_in, csrf):
    client = signed_in(world.user("A", "school_admin"))
    response = _post(
        client, csrf, world.school_a.id,
        tenant_id="common", allowed_domains="not a domain", slug="X", client_secret="",
        client_id="",
    )  # fmt: skip
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for message in (
        "Enter the directory (tenant) ID",
        "not is not an email domain",
        "The sign-in address must be 3 to 40 lower-case letters",
        "Enter the client ID",
        "Enter the client secret (or set it on the server) before turning sign-in on",
    ):
        assert message in page, message
    assert db.session.execute(select(SsoConnection)).first() is None
    # Accounts made at first sign-in never get an admin role.
    response = _post(client, csrf, world.school_a.id, default_role="school_admin")
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    # Another provider needs an https issuer.
    response = _post(client, csrf, world.school_a.id, provider="other", provider_name="Okta",
                     issuer="http://idp.example.org")  # fmt: skip
    assert "The issuer must start with https://" in response.get_data(as_text=True)


def test_passwords_go_off_only_once_the_admin_has_signed_in_with_the_provider(
    app, world, signed_in, csrf
):
    admin = world.user("A", "school_admin")
    client = signed_in(admin)
    response = _post(client, csrf, world.school_a.id, password_sign_in="off")
    assert "Sign in with your provider yourself first" in response.get_data(as_text=True)
    issuer = f"https://login.microsoftonline.com/{TENANT}/v2.0"
    db.session.add(SsoIdentity(user_id=admin.id, issuer=issuer, subject="admin-oid",
                               created_at=utcnow()))  # fmt: skip
    db.session.commit()
    assert _post(client, csrf, world.school_a.id, password_sign_in="off").status_code == 302
    assert db.session.execute(select(SsoConnection.password_sign_in)).scalar_one() is False


def test_another_schools_settings_are_not_found(app, world, signed_in, csrf):
    client = signed_in(world.user("B", "school_admin"))
    assert client.get(f"/admin/schools/{world.school_a.id}/sign-in").status_code == 404
    assert _post(client, csrf, world.school_a.id).status_code == 404
    teacher = signed_in(world.user("A", "teacher"))
    assert teacher.get(f"/admin/schools/{world.school_a.id}/sign-in").status_code == 403
    # A trust admin manages every school of the trust.
    trust_admin = signed_in(world.user("A", "trust_admin"))
    assert trust_admin.get(f"/admin/schools/{world.school_a2.id}/sign-in").status_code == 200


def test_a_sign_in_address_is_one_schools(app, world, signed_in, csrf):
    connection_for(world.school_a, slug="oak-primary")
    client = signed_in(world.user("A2", "school_admin"))
    response = _post(client, csrf, world.school_a2.id, slug="oak-primary")
    assert "Another school uses this sign-in address" in response.get_data(as_text=True)


def test_without_an_encryption_key_the_secret_must_come_from_the_environment(
    app, world, signed_in, csrf, monkeypatch
):
    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_KEY", "")
    client = signed_in(world.user("A", "school_admin"))
    page = _post(client, csrf, world.school_a.id).get_data(as_text=True)
    assert "set OIDC_OAK_PRIMARY_CLIENT_SECRET instead" in page
    monkeypatch.setenv("OIDC_OAK_PRIMARY_CLIENT_SECRET", SECRET)
    assert _post(client, csrf, world.school_a.id, client_secret="").status_code == 302
    assert db.session.execute(select(SsoConnection.client_secret_encrypted)).scalar_one() is None


def test_staff_find_their_schools_sign_in_by_email(app, world, client, csrf):
    connection = connection_for(world.school_a)
    token = csrf(client, "/sign-in/school")
    response = client.post("/sign-in/school?next=/training/",
                           data={"email": "Teacher@A.example", "csrf_token": token})  # fmt: skip
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sign-in/school/{connection.slug}?next=/training/"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sign in with Microsoft" in page
    assert f"/sign-in/school/{connection.slug}/start?next=/training/" in page
    # The address typed is passed on to Microsoft as a hint.
    start = client.get(f"/sign-in/school/{connection.slug}/start")
    assert "login_hint=teacher%40a.example" in start.headers["Location"]
    assert "prompt=select_account" in start.headers["Location"]
    # An address no school has connected.
    response = client.post("/sign-in/school", data={"email": "x@nowhere.example",
                                                    "csrf_token": token})  # fmt: skip
    assert response.status_code == 400
    assert "No school has connected Microsoft or Google sign-in for addresses ending " \
        "@nowhere.example" in response.get_data(as_text=True)  # fmt: skip


def test_a_switched_off_connection_is_not_offered(app, world, client, csrf):
    connection = connection_for(world.school_a, enabled=False)
    assert client.get(f"/sign-in/school/{connection.slug}").status_code == 404
    assert client.get(f"/sign-in/school/{connection.slug}/start").status_code == 404
    token = csrf(client, "/sign-in/school")
    response = client.post("/sign-in/school", data={"email": "t@a.example", "csrf_token": token})
    assert response.status_code == 400


def test_the_sign_in_page_offers_the_school_account(app, client):
    page = client.get("/sign-in?next=/training/").get_data(as_text=True)
    assert 'href="/sign-in/school?next=/training/"' in page


def test_flask_sso_allow_passwords_is_the_break_glass(app, world, runner):
    connection = connection_for(world.school_a, slug="oak-primary")
    connection.password_sign_in = False
    db.session.commit()
    listing = runner.invoke(args=["sso", "list"])
    assert re.search(r"oak-primary\s+Microsoft\s+on\s+passwords off\s+School A", listing.output)
    result = runner.invoke(args=["sso", "allow-passwords", "oak-primary"])
    assert result.exit_code == 0 and "Password sign-in is on again for School A" in result.output
    db.session.refresh(connection)
    assert connection.password_sign_in is True
    assert (
        db.session.execute(
            select(AuditEvent.action).where(AuditEvent.school_id == world.school_a.id)
        ).scalar_one()
        == "sso_passwords_allowed_by_cli"
    )
    assert runner.invoke(args=["sso", "allow-passwords", "no-such-school"]).exit_code == 1


def test_erasure_removes_the_link_to_the_provider(app, world, signed_in, csrf):
    teacher = world.user("A", "teacher")
    db.session.add(SsoIdentity(user_id=teacher.id, issuer="https://idp.example", subject="s1",
                               created_at=utcnow()))  # fmt: skip
    db.session.commit()
    from app.services.oversight.erasure import erase_user

    erase_user(db.session, teacher, acting_user=world.user("A", "school_admin"), now=utcnow())
    db.session.commit()
    assert db.session.execute(select(SsoIdentity)).first() is None
    assert db.session.get(User, teacher.id) is not None


def test_an_account_without_a_password_rechecks_with_a_recent_provider_sign_in(
    app, world, signed_in, csrf
):
    import time

    from app.services.accounts import mfa

    teacher = world.user("A", "teacher")
    teacher.password_hash = None
    mfa.begin_enrolment(teacher)
    teacher.mfa_enabled_at = utcnow()
    db.session.commit()
    client = signed_in(teacher)
    page = client.get("/account/two-step").get_data(as_text=True)
    assert 'name="password"' not in page and "stands in for it" in page
    for seconds_ago, status in ((30, 200), (601, 400)):
        with client.session_transaction() as session:
            session["provider_sign_in_at"] = int(time.time()) - seconds_ago
        token = csrf(client, "/account/two-step")
        response = client.post("/account/two-step/recovery-codes", data={"csrf_token": token})
        assert response.status_code == status, seconds_ago
    assert "sign in again with your school account" in response.get_data(as_text=True)


def test_production_refuses_http_issuers_and_a_malformed_encryption_key(monkeypatch, tmp_path):
    import pytest

    from app import create_app

    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test-only")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://privacy.trust.example")
    database = f"sqlite:///{tmp_path / 'p.db'}"
    with pytest.raises(RuntimeError, match="OIDC_ALLOW_HTTP_LOOPBACK is for tests"):
        create_app("production", SQLALCHEMY_DATABASE_URI=database, OIDC_ALLOW_HTTP_LOOPBACK=True)
    with pytest.raises(RuntimeError, match="must be Fernet keys"):
        create_app("production", SQLALCHEMY_DATABASE_URI=database, DATA_ENCRYPTION_KEY="short")
    assert (
        create_app("production", SQLALCHEMY_DATABASE_URI=database).config[
            "OIDC_ALLOW_HTTP_LOOPBACK"
        ]
        is False
    )


def test_schools_sharing_a_domain_are_offered_to_choose_from(app, world, client, csrf):
    connection_for(world.school_a, slug="school-a")
    second = connection_for(world.school_a2, slug="school-a2")
    second.allowed_domains = " a.example trust.example "
    db.session.commit()
    token = csrf(client, "/sign-in/school")
    response = client.post("/sign-in/school", data={"email": "t@a.example", "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choose your school" in page
    assert 'href="/sign-in/school/school-a"' in page and 'href="/sign-in/school/school-a2"' in page
