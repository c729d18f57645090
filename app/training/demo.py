"""Demo records for the training half (idempotent: runs on every `make run`)."""

from app.models import School, User


def seed(schools: list[School], users: list[User]) -> None:
    """Add training demo data for the demo schools (nothing yet)."""
