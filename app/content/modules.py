"""Training module schemas and loader (implemented in the training engine issue)."""

from pathlib import Path

from app.content.problems import ContentProblem


def load_modules(root: Path) -> tuple[dict, list[ContentProblem]]:
    """Load every module folder under `root`; returns (modules by id, problems)."""
    return {}, []
