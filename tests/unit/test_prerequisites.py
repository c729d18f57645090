"""The prerequisite check: one list of system packages, named with the command to install
them when missing, and the same list in README and in CI."""

import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location(
    "check_prerequisites", ROOT / "scripts" / "check_prerequisites.py"
)
check = importlib.util.module_from_spec(spec)
sys.modules["check_prerequisites"] = check  # dataclasses look their module up there
spec.loader.exec_module(check)


def test_a_missing_library_is_named_with_the_install_commands(tmp_path, monkeypatch, capsys):
    listing = tmp_path / "system-packages.txt"
    listing.write_text(
        "run  libnot-here0  not-here  lib:definitely-not-a-library-42  a library nobody has\n"
        "test  fake-browser  cask:fake-browser  exe:definitely-not-a-command-42  a browser\n"
    )
    monkeypatch.setattr(check, "PACKAGES_FILE", listing)
    assert check.main(["check", "run"]) == 1
    message = capsys.readouterr().err
    assert "libnot-here0: a library nobody has" in message
    assert "sudo apt-get install -y libnot-here0" in message
    assert "brew install not-here" in message
    assert "fake-browser" not in message  # only `make test` needs it
    assert check.main(["check", "test"]) == 1
    message = capsys.readouterr().err
    assert "apt-get install -y libnot-here0 fake-browser" in message
    assert "brew install --cask fake-browser" in message


def test_readme_and_ci_use_the_same_list():
    packages = [p for p in check.read_packages() if p.needed_for != "optional"]
    readme = (ROOT / "README.md").read_text()
    prerequisites = readme[readme.index("### Prerequisites") :].split("\n### ")[0]
    for package in check.read_packages():
        assert f"`{package.debian}`" in prerequisites, package.debian
    ci = (ROOT / ".ci" / "run").read_text()
    assert "system-packages.txt" in ci
    assert packages and all(re.fullmatch(r"[a-z0-9.+-]+", p.debian) for p in packages)
