"""How content problems are collected and reported: `file: key.path: message`."""

from dataclasses import dataclass
from pathlib import Path
from typing import IO

import click


@dataclass(frozen=True, order=True)
class ContentProblem:
    file: str
    key_path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key_path}: {self.message}"


class ContentError(click.ClickException):
    """Raised at start-up when content is invalid; carries every problem found.

    It is a click exception so that under `flask ...` (`flask content check` included: Flask builds
    the app before it runs any command) the list is printed as plain lines and the command exits
    1, rather than ending in a traceback. Anywhere else it is an ordinary exception.
    """

    exit_code = 1

    def __init__(self, problems: list[ContentProblem]) -> None:
        self.problems = sorted(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"Invalid content ({len(self.problems)} problems):\n{lines}")

    def show(self, file: IO | None = None) -> None:
        for problem in self.problems:
            click.echo(str(problem), file=file, err=True)
        click.echo(f"{len(self.problems)} problem(s) found.", file=file, err=True)


def display_path(path: Path, root: Path) -> str:
    """Path shown in messages: relative to the content root's parent when possible."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)
