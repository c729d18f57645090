"""How content problems are collected and reported: `file: key.path: message`."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class ContentProblem:
    file: str
    key_path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key_path}: {self.message}"


class ContentError(RuntimeError):
    """Raised at start-up when content is invalid; carries every problem found."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        self.problems = sorted(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"Invalid content ({len(self.problems)} problems):\n{lines}")


def display_path(path: Path, root: Path) -> str:
    """Path shown in messages: relative to the content root's parent when possible."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def pydantic_problems(file: str, error: Exception, prefix: str = "") -> list[ContentProblem]:
    """Turn a pydantic ValidationError into one ContentProblem per error."""
    from pydantic import ValidationError

    if not isinstance(error, ValidationError):
        return [ContentProblem(file, prefix or "(file)", str(error))]
    problems = []
    for item in error.errors():
        parts = [prefix] if prefix else []
        parts += [str(part) for part in item["loc"]]
        key_path = ".".join(parts) or "(file)"
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown key (not allowed here)"
        problems.append(ContentProblem(file, key_path, message))
    return problems
