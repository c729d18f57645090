"""Encrypting the few secrets the app must store and read back (a school's OpenID Connect
client secret), with Fernet keys from the DATA_ENCRYPTION_KEY setting.

The setting holds one or more Fernet keys separated by commas: the first encrypts, every one
decrypts, so a key is rotated by putting the new one first and re-saving the secrets. The key
is its own setting, never derived from SECRET_KEY: rotating the session key must not make the
stored secrets unreadable, and a leaked SECRET_KEY must not reveal them.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class EncryptionUnavailable(RuntimeError):
    """No key is configured, or a stored value cannot be read with the keys configured."""


def _fernet(keys: str) -> MultiFernet:
    parts = [part.strip() for part in keys.split(",") if part.strip()]
    if not parts:
        raise EncryptionUnavailable("DATA_ENCRYPTION_KEY is not set")
    try:
        return MultiFernet([Fernet(part) for part in parts])
    except ValueError as error:
        raise EncryptionUnavailable(
            "DATA_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64-encoded bytes each), "
            "separated by commas"
        ) from error


def check_keys(keys: str) -> None:
    """Raise EncryptionUnavailable when `keys` is set but is not a list of Fernet keys."""
    _fernet(keys)


def encrypt(text: str, keys: str) -> str:
    return _fernet(keys).encrypt(text.encode()).decode("ascii")


def decrypt(token: str, keys: str) -> str:
    try:
        return _fernet(keys).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as error:
        raise EncryptionUnavailable(
            "the stored value cannot be decrypted with DATA_ENCRYPTION_KEY (was the key changed?)"
        ) from error
