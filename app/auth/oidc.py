"""The OpenID Connect protocol, with Authlib: discovery from the issuer's
/.well-known/openid-configuration, the authorization request (code flow, PKCE S256, state,
nonce), the code exchange, and the ID token's checks. The rules about whose email it is and
which account it opens are in app/services/accounts/sso.py; the pages in sso_views.py.

The ID token is accepted only when:
- it is signed with an asymmetric algorithm the provider publishes, by a key in the provider's
  JWKS (fetched from its `jwks_uri`; an unknown key id fetches the set again, at most once a
  minute);
- `iss` is the configured issuer exactly, and so is the discovery document's `issuer`;
- `aud` is this school's client id alone (a token for any other client, or for this one and
  others, is refused), and `azp`, when present, is the client id too;
- `exp` is in the future and `iat` (and `nbf`, when present) not in the future, each within
  OIDC_CLOCK_SKEW_SECONDS, and `iat` no older than ten minutes;
- `nonce` is the one this sign-in sent, and `sub` is present.
Times are real time, not app.clock: the provider's clock is the real one.

Discovery documents and key sets are cached in the process for an hour: a cache of public,
immutable-enough data, so hosts stay interchangeable.
"""

import time
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
)
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from joserfc.jwt import Token

from app.models.sso import SsoConnection, SsoProvider
from app.services.accounts.sso import GOOGLE_ISSUER, MICROSOFT_ISSUER, SsoRefused
from app.services.accounts.sso_settings import issuer_problem
from app.util.i18n import _, lazy_gettext

SCOPES = "openid email profile"
# Asymmetric only: a token signed with the client secret (HS256) or unsigned is never accepted.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
                      "ES512", "EdDSA")  # fmt: skip
CACHE_SECONDS = 3600
JWKS_REFETCH_SECONDS = 60
MAX_TOKEN_AGE_SECONDS = 600
MAX_ID_TOKEN_LENGTH = 16_384


class ProviderUnavailable(Exception):
    """The provider could not be reached, or answered with something that is not OpenID
    Connect. The message is for the person; the detail for the audit log."""

    def __init__(self, message: str, detail: str) -> None:
        super().__init__(detail)
        self.message = message
        self.detail = detail


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    algorithms: tuple[str, ...]
    auth_methods: tuple[str, ...]
    prompts: tuple[str, ...] | None  # None: the provider does not say


_metadata_cache: dict[str, tuple[float, ProviderMetadata]] = {}
_jwks_cache: dict[str, tuple[float, dict]] = {}


def remember_metadata(metadata: ProviderMetadata, jwks: dict | None = None) -> None:
    """Put a provider's metadata (and key set) in the cache, as discovery would."""
    _metadata_cache[metadata.issuer] = (time.monotonic(), metadata)
    if jwks is not None:
        _jwks_cache[metadata.jwks_uri] = (time.monotonic(), jwks)


def forget_cached_providers() -> None:
    _metadata_cache.clear()
    _jwks_cache.clear()


def _unreachable(connection_name: str, detail: str) -> ProviderUnavailable:
    return ProviderUnavailable(
        _(
            "We could not reach %(provider)s to sign you in. Try again in a few minutes; "
            "if it keeps happening, tell your school admin.",
            provider=connection_name,
        ),
        detail,
    )


def _get_json(url: str, *, timeout: float, name: str) -> dict:
    try:
        response = requests.get(url, timeout=timeout, headers={"Accept": "application/json"})
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as error:
        raise _unreachable(name, f"{url}: {type(error).__name__}") from error
    if not isinstance(data, dict):
        raise _unreachable(name, f"{url}: not a JSON object")
    return data


def discover(
    connection: SsoConnection, *, timeout: float, allow_http_loopback: bool
) -> ProviderMetadata:
    """The provider's metadata, from the cache or its discovery document."""
    issuer = connection.issuer
    cached = _metadata_cache.get(issuer)
    if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    name = connection.provider_name
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    data = _get_json(url, timeout=timeout, name=name)
    if data.get("issuer") != issuer:
        raise _unreachable(name, f"discovery names issuer {str(data.get('issuer'))[:200]!r}")
    endpoints = {}
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        value = data.get(key)
        if not isinstance(value, str) or issuer_problem(
            value, allow_http_loopback=allow_http_loopback
        ):
            raise _unreachable(name, f"discovery has no usable {key}")
        endpoints[key] = value

    def strings(key: str) -> tuple[str, ...] | None:
        value = data.get(key)
        return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else None

    metadata = ProviderMetadata(
        issuer=issuer,
        algorithms=strings("id_token_signing_alg_values_supported") or ("RS256",),
        auth_methods=strings("token_endpoint_auth_methods_supported") or ("client_secret_basic",),
        prompts=strings("prompt_values_supported"),
        **endpoints,
    )
    remember_metadata(metadata)
    return metadata


def authorization_url(
    connection: SsoConnection,
    metadata: ProviderMetadata,
    *,
    redirect_uri: str,
    state: str,
    nonce: str,
    code_verifier: str,
    login_hint: str | None,
) -> str:
    """Where to send the browser: the provider's sign-in, for the code flow with PKCE."""
    client = OAuth2Session(
        client_id=connection.client_id,
        scope=SCOPES,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )
    extra: dict[str, str] = {}
    if login_hint:
        extra["login_hint"] = login_hint
    real_issuer = connection.issuer.startswith((MICROSOFT_ISSUER.split("{")[0], GOOGLE_ISSUER))
    if (metadata.prompts and "select_account" in metadata.prompts) or real_issuer:
        # School computers are shared: let the person pick their own account.
        extra["prompt"] = "select_account"
    if connection.provider == SsoProvider.GOOGLE:
        domains = connection.domain_list
        extra["hd"] = domains[0] if len(domains) == 1 else "*"
    url, _ = client.create_authorization_url(
        metadata.authorization_endpoint,
        state=state,
        nonce=nonce,
        code_verifier=code_verifier,
        **extra,
    )
    return url


def _auth_method(metadata: ProviderMetadata) -> str:
    for method in ("client_secret_basic", "client_secret_post"):
        if method in metadata.auth_methods:
            return method
    return "client_secret_basic"


def redeem_code(
    connection: SsoConnection,
    metadata: ProviderMetadata,
    *,
    client_secret: str,
    code: str,
    code_verifier: str,
    nonce: str,
    redirect_uri: str,
    timeout: float,
    leeway: int,
) -> dict[str, Any]:
    """Exchange the code for tokens and return the checked ID token's claims."""
    client = OAuth2Session(
        client_id=connection.client_id,
        client_secret=client_secret,
        redirect_uri=redirect_uri,
        token_endpoint_auth_method=_auth_method(metadata),
        default_timeout=timeout,
    )
    try:
        token = client.fetch_token(
            metadata.token_endpoint,
            grant_type="authorization_code",
            code=code,
            code_verifier=code_verifier,
        )
    except OAuthError as error:
        raise SsoRefused(
            f"token_refused:{str(error.error)[:40]}",
            _(
                "%(provider)s did not accept this sign-in. Start again from the sign-in page.",
                provider=connection.provider_name,
            ),
        ) from error
    except (requests.RequestException, ValueError) as error:
        detail = f"token endpoint: {type(error).__name__}"
        raise _unreachable(connection.provider_name, detail) from error
    id_token = token.get("id_token")
    if not isinstance(id_token, str) or not 0 < len(id_token) <= MAX_ID_TOKEN_LENGTH:
        raise SsoRefused(
            "id_token_missing",
            _("%(provider)s sent no ID token.", provider=connection.provider_name),
        )
    return check_id_token(
        id_token,
        metadata,
        client_id=connection.client_id,
        nonce=nonce,
        access_token=token.get("access_token"),
        leeway=leeway,
        timeout=timeout,
        name=connection.provider_name,
    )


def _key_set(metadata: ProviderMetadata, *, timeout: float, name: str, fresh: bool) -> KeySet:
    cached = _jwks_cache.get(metadata.jwks_uri)
    age = time.monotonic() - cached[0] if cached else float("inf")
    if cached is None or age >= CACHE_SECONDS or (fresh and age >= JWKS_REFETCH_SECONDS):
        data = _get_json(metadata.jwks_uri, timeout=timeout, name=name)
        _jwks_cache[metadata.jwks_uri] = (time.monotonic(), data)
    else:
        data = cached[1]
    try:
        return KeySet.import_key_set(data)  # type: ignore[arg-type]  # a JWKS dict, as Authlib takes
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise _unreachable(name, f"jwks: {type(error).__name__}") from error


REFUSED = lazy_gettext(
    "The sign-in could not be checked, so it was refused. Start again from the sign-in page."
)


def _decode(id_token: str, metadata: ProviderMetadata, *, timeout: float, name: str) -> Token:
    algorithms = [alg for alg in metadata.algorithms if alg in SIGNING_ALGORITHMS]
    registry = JWSRegistry(algorithms=algorithms or ["RS256"], strict_check_header=False)
    for fresh in (False, True):
        keys = _key_set(metadata, timeout=timeout, name=name, fresh=fresh)
        try:
            return jwt.decode(id_token, key=keys, registry=registry)
        except InvalidKeyIdError:
            if fresh:
                raise SsoRefused("unknown_signing_key", REFUSED) from None
        except BadSignatureError:
            raise SsoRefused("bad_signature", REFUSED) from None
        except (JoseError, ValueError, TypeError) as error:
            raise SsoRefused(f"malformed_token:{type(error).__name__}", REFUSED) from None
    raise SsoRefused("unknown_signing_key", REFUSED)  # not reached: the loop returns or raises


def check_id_token(
    id_token: str,
    metadata: ProviderMetadata,
    *,
    client_id: str,
    nonce: str,
    access_token: object,
    leeway: int,
    timeout: float,
    name: str,
) -> dict[str, Any]:
    """The ID token's claims once every check in the module docstring has passed."""
    decoded = _decode(id_token, metadata, timeout=timeout, name=name)
    options = {
        "iss": {"essential": True, "value": metadata.issuer},
        "aud": {"essential": True, "value": client_id},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
        "nonce": {"essential": True, "value": nonce},
    }
    params = {"nonce": nonce, "client_id": client_id}
    if isinstance(access_token, str):
        params["access_token"] = access_token
    claims = CodeIDToken(decoded.claims, decoded.header, options, params)
    now = int(time.time())
    try:
        claims.validate(now=now, leeway=leeway)
    except ExpiredTokenError:
        raise SsoRefused("token_expired", REFUSED) from None
    except ClaimError as error:
        raise SsoRefused(f"wrong_{error.claim}"[:60], REFUSED) from None
    except (JoseError, ValueError, TypeError) as error:
        raise SsoRefused(f"malformed_token:{type(error).__name__}", REFUSED) from None
    audience = claims["aud"]
    if audience != client_id and audience != [client_id]:
        raise SsoRefused("wrong_aud", REFUSED)  # another audience beside ours is not trusted
    if claims["iat"] < now - MAX_TOKEN_AGE_SECONDS - leeway:
        raise SsoRefused("token_too_old", REFUSED)
    return dict(claims)
