"""Single sign-on rules without an app: whose email a provider's claims vouch for (Microsoft,
Google, another provider), the settings' domains, issuers and addresses, and the encryption of
stored client secrets."""

import pytest
from cryptography.fernet import Fernet

from app.models import School, User
from app.models.sso import SsoConnection
from app.services.accounts.sso import SsoRefused, second_step_needed, verified_email
from app.services.accounts.sso_settings import (
    issuer_problem,
    parse_domains,
    secret_variable,
    suggested_slug,
)
from app.util.encryption import EncryptionUnavailable, check_keys, decrypt, encrypt

TENANT = "6a1f3c2e-9b4d-4e8a-a1b2-c3d4e5f60718"


def _connection(provider: str, **values) -> SsoConnection:
    connection = SsoConnection(
        provider=provider, provider_name=provider.title(), allowed_domains=" oak.sch.uk ",
        tenant_id=TENANT if provider == "microsoft" else None, **values,
    )  # fmt: skip
    connection.school = School(name="Oak Primary")
    return connection


def _reason(connection, claims) -> str:
    with pytest.raises(SsoRefused) as refused:
        verified_email(connection, claims)
    return refused.value.reason


def test_another_provider_needs_email_verified_true():
    connection = _connection("other")
    assert verified_email(connection, {"email": "Ana@Oak.sch.uk", "email_verified": True}) == (
        "ana@oak.sch.uk"
    )
    for verified in (False, "true", 1, None):
        claims = {"email": "ana@oak.sch.uk", "email_verified": verified}
        assert _reason(connection, claims) == "email_not_verified", verified
    assert _reason(connection, {"email_verified": True}) == "email_missing"
    assert _reason(connection, {"email": "x" * 250 + "@oak.sch.uk", "email_verified": True}) == (
        "email_missing"
    )


def test_the_address_must_be_in_the_schools_domains():
    connection = _connection("other")
    claims = {"email": "ana@oak.sch.uk.evil.example", "email_verified": True}
    assert _reason(connection, claims) == "domain_not_allowed"
    claims = {"email": "ana@sub.oak.sch.uk", "email_verified": True}
    assert _reason(connection, claims) == "domain_not_allowed"  # subdomains are listed on their own


def test_microsoft_needs_the_tenant_and_a_verified_domain():
    connection = _connection("microsoft")
    edov = {"email": "ana@oak.sch.uk", "xms_edov": True, "tid": TENANT}
    assert verified_email(connection, edov) == "ana@oak.sch.uk"
    assert verified_email(connection, {**edov, "xms_edov": None, "email_verified": True})
    assert _reason(connection, {**edov, "xms_edov": False}) == "email_not_verified"
    assert _reason(connection, {**edov, "xms_edov": "1"}) == "email_not_verified"
    assert _reason(connection, {**edov, "tid": "another-tenant"}) == "wrong_tenant"
    assert _reason(connection, {k: v for k, v in edov.items() if k != "tid"}) == "wrong_tenant"
    # preferred_username (the UPN) is never taken for the address.
    assert _reason(connection, {"preferred_username": "ana@oak.sch.uk", "tid": TENANT}) == (
        "email_missing"
    )


def test_google_needs_a_workspace_account_of_the_school():
    connection = _connection("google")
    claims = {"email": "ana@oak.sch.uk", "email_verified": True, "hd": "oak.sch.uk"}
    assert verified_email(connection, claims) == "ana@oak.sch.uk"
    assert _reason(connection, {**claims, "hd": None}) == "not_workspace_account"
    assert _reason(connection, {**claims, "hd": "other.example"}) == "not_workspace_account"
    assert _reason(connection, {**claims, "email_verified": False}) == "email_not_verified"


def test_the_code_is_asked_after_the_provider_only_when_it_does_not_enforce_mfa():
    user = User(mfa_enabled_at=None)
    assert not second_step_needed(_connection("other", idp_enforces_mfa=False), user)
    from app.models.base import utcnow

    user.mfa_enabled_at = utcnow()
    assert second_step_needed(_connection("other", idp_enforces_mfa=False), user)
    assert not second_step_needed(_connection("other", idp_enforces_mfa=True), user)


def test_domains_are_read_as_people_type_them():
    assert parse_domains("@Oak.sch.uk, trust.org.uk\noak.sch.uk.") == (
        ["oak.sch.uk", "trust.org.uk"],
        [],
    )
    domains, problems = parse_domains("oak.sch.uk not_a_domain localhost")
    assert domains == ["oak.sch.uk"] and len(problems) == 2
    assert parse_domains("  ")[1] == ["Enter at least one email domain, like school.sch.uk"]
    assert parse_domains(" ".join(f"s{n}.example" for n in range(25)))[1] == [
        "Enter 20 email domains or fewer"
    ]


def test_issuers_are_https_and_http_only_on_the_loopback_when_allowed():
    assert issuer_problem("https://idp.example.org", allow_http_loopback=False) is None
    assert issuer_problem("https://idp.example.org/tenant/", allow_http_loopback=False) is None
    assert issuer_problem("http://idp.example.org", allow_http_loopback=True)
    assert issuer_problem("http://127.0.0.1:8080", allow_http_loopback=False)
    assert issuer_problem("http://127.0.0.1:8080", allow_http_loopback=True) is None
    assert issuer_problem("http://localhost:9000", allow_http_loopback=True) is None
    assert issuer_problem("http://127.0.0.1.evil.example", allow_http_loopback=True)
    assert issuer_problem("javascript:alert(1)", allow_http_loopback=True)
    assert issuer_problem("https://idp.example.org?x=1", allow_http_loopback=False)


def test_sign_in_addresses_and_secret_variables():
    assert suggested_slug("St Mary's C of E Primary School") == "st-mary-s-c-of-e-primary-school"
    assert suggested_slug("!!") == "school"
    assert len(suggested_slug("A" * 100)) == 40
    assert secret_variable("oak-primary") == "OIDC_OAK_PRIMARY_CLIENT_SECRET"


def test_secrets_are_encrypted_with_the_configured_keys_and_keys_rotate():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = encrypt("client secret", old)
    assert "client secret" not in token
    assert decrypt(token, f"{new},{old}") == "client secret"  # the old key still decrypts
    assert decrypt(encrypt("client secret", f"{new},{old}"), new) == "client secret"
    with pytest.raises(EncryptionUnavailable):
        decrypt(token, new)
    with pytest.raises(EncryptionUnavailable):
        encrypt("x", "")
    with pytest.raises(EncryptionUnavailable):
        check_keys("not-a-fernet-key")
