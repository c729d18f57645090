"""Writing a benchmark's figures into its own section of benchmarks/README.md."""

from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def record_section(heading: str, text: str, readme: Path = README) -> None:
    """Replace the section that starts with `heading` (a `## ` line), leaving the others alone;
    append it when the file has no such section yet."""
    current = readme.read_text() if readme.exists() else "# Benchmarks\n"
    marker = heading + "\n"
    if marker in current:
        before, rest = current.split(marker, 1)
        after = rest[rest.find("\n## ") + 1 :] if "\n## " in rest else ""
        current = before + text + ("\n" + after if after else "")
    else:
        current = current.rstrip("\n") + "\n\n" + text
    readme.write_text(current)
