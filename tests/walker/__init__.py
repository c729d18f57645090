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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Sample:
    make: Callable[[Any], Any]
    owned: bool = True
