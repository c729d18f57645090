"""The one canonical-JSON SHA-256 used for snapshot hashes, input hashes, content hashes and
cache keys. Changing it would change every stored hash, so it stays exactly this."""

import hashlib
import json


def canonical_json(value: object) -> str:
    """Sorted keys, no spaces; values JSON cannot hold (dates) become their str()."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def sha256_json(value: object) -> str:
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()
