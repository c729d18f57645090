"""Procurement checklist schemas and loader (implemented in the procurement issue)."""

from pathlib import Path

from app.content.problems import ContentProblem


def load_checklists(root: Path) -> tuple[dict, list[ContentProblem]]:
    """Load every `<id>.yaml` under `root`; returns (checklists by id, problems)."""
    return {}, []
