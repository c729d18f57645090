#!/usr/bin/env python3
"""Stop early, with one clear message, when a system package the app needs is missing.

`make run` runs `check_prerequisites.py run`; `make test` runs `check_prerequisites.py test`
(which also needs what the tests need). The packages come from system-packages.txt, the one
list that .ci/run installs and README shows. Standard library only: it runs before the
virtual environment exists, in well under a second.
"""

from __future__ import annotations

import ctypes.util
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES_FILE = ROOT / "system-packages.txt"
MIN_PYTHON = (3, 11)
MIN_NODE = 18
CHROMIUM_PATHS = ("/usr/bin/chromium",)


@dataclass(frozen=True)
class Package:
    needed_for: str
    debian: str
    brew: str
    check: str
    purpose: str


def read_packages(path: Path | None = None) -> list[Package]:
    packages = []
    for line in (path or PACKAGES_FILE).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        needed_for, debian, brew, check, purpose = line.split(maxsplit=4)
        packages.append(Package(needed_for, debian, brew, check, purpose))
    return packages


def is_present(check: str) -> bool:
    kind, _, name = check.partition(":")
    if kind == "lib":
        return ctypes.util.find_library(name) is not None or _brew_lib(name)
    if kind == "exe":
        if name == "chromium":
            return any(Path(p).exists() for p in CHROMIUM_PATHS) or bool(shutil.which(name))
        return shutil.which(name) is not None
    if kind == "font":
        if not shutil.which("fc-list"):
            return False
        found = subprocess.run(  # noqa: S603 (fixed arguments)
            ["fc-list", f":family={name}", "family"],  # noqa: S607
            capture_output=True, text=True, check=False, timeout=10,
        )  # fmt: skip
        return bool(found.stdout.strip())
    raise ValueError(f"unknown check {check!r} in {PACKAGES_FILE.name}")


def _brew_lib(name: str) -> bool:
    """Homebrew's libraries are not on macOS's default search path."""
    if platform.system() != "Darwin":
        return False
    return any(
        Path(prefix, "lib", f"lib{name}.dylib").exists()
        for prefix in ("/opt/homebrew", "/usr/local")
    )


def tool_problems() -> list[str]:
    problems = []
    if sys.version_info < MIN_PYTHON:
        wanted = ".".join(map(str, MIN_PYTHON))
        problems.append(f"Python {wanted} or newer (this is {platform.python_version()})")
    try:
        import ensurepip  # noqa: F401
        import venv  # noqa: F401
    except ImportError:
        problems.append("Python's venv module (Debian/Ubuntu: sudo apt-get install python3-venv)")
    node = shutil.which("node")
    if not node or not shutil.which("npm"):
        problems.append(
            f"Node.js {MIN_NODE} or newer with npm (https://nodejs.org, or your package manager)"
        )
    else:
        version = subprocess.run(  # noqa: S603 (the node found on PATH, fixed arguments)
            [node, "--version"], capture_output=True, text=True, check=False
        ).stdout
        major = int(version.strip().lstrip("v").split(".")[0] or 0)
        if major < MIN_NODE:
            problems.append(f"Node.js {MIN_NODE} or newer (this is {version.strip()})")
    return problems


def main(argv: list[str]) -> int:
    target = argv[1] if len(argv) > 1 else "run"
    wanted = {"run": {"run"}, "test": {"run", "test"}}[target]
    missing = [p for p in read_packages() if p.needed_for in wanted and not is_present(p.check)]
    tools = tool_problems()
    if not missing and not tools:
        return 0
    lines = [f"Missing system prerequisites for `make {target}`:"]
    lines += [f"  - {problem}" for problem in tools]
    lines += [f"  - {p.debian}: {p.purpose}" for p in missing]
    if missing:
        debian = " ".join(dict.fromkeys(p.debian for p in missing))
        lines += [
            "Install them with:",
            f"  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y {debian}",
        ]
        formulae = " ".join(
            dict.fromkeys(p.brew for p in missing if not p.brew.startswith("cask:"))
        )
        casks = " ".join(dict.fromkeys(p.brew[5:] for p in missing if p.brew.startswith("cask:")))
        if formulae:
            lines.append(f"  macOS:          brew install {formulae}")
        if casks:
            lines.append(f"  macOS:          brew install --cask {casks}")
    print("\n".join(lines), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
