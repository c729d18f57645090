"""What the route walker needs to know about each domain's URLs.

Each module in this package defines:
- `SAMPLES`: URL argument name -> `Sample(make, owned)`. `make(world)` returns a value for that
  argument that belongs to school A (creating rows if needed); `owned=True` means the value names
  a school-owned object, so a user of school B must get a 404 for it.
- `ENDPOINT_SAMPLES` (optional): endpoint -> {argument: Sample}, for an argument whose sample
  differs on one endpoint.
- `PUBLIC_ENDPOINTS` (optional): endpoints that anonymous users may open.
The walker fails on any URL argument that no module describes.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import url_for


@dataclass(frozen=True)
class Sample:
    make: Callable[[Any], Any]
    owned: bool = True


@dataclass(frozen=True)
class Catalogue:
    samples: dict
    endpoint_samples: dict
    public_endpoints: frozenset


def catalogue() -> Catalogue:
    """Everything the modules of this package say about URL arguments and public pages."""
    samples: dict = {}
    endpoint_samples: dict = {}
    public: set = set()
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        samples.update(getattr(module, "SAMPLES", {}))
        for endpoint, extra in getattr(module, "ENDPOINT_SAMPLES", {}).items():
            endpoint_samples.setdefault(endpoint, {}).update(extra)
        public |= set(getattr(module, "PUBLIC_ENDPOINTS", set()))
    return Catalogue(samples, endpoint_samples, frozenset(public))


def build_url(app, rule, world, known: Catalogue) -> tuple[str, bool]:
    """A URL for `rule` naming school A's objects, and whether any argument is school-owned."""
    values, owned = {}, False
    for argument in sorted(rule.arguments):
        sample = known.endpoint_samples.get(rule.endpoint, {}).get(argument) or known.samples.get(
            argument
        )
        if sample is None:
            pytest.fail(
                f"{rule.endpoint} ({rule.rule}) has argument <{argument}> that no module in "
                "tests/walker/ describes: add a Sample for it"
            )
        values[argument] = sample.make(world)
        owned = owned or sample.owned
    with app.test_request_context():
        return url_for(rule.endpoint, **values), owned
