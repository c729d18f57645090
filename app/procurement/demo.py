"""Demo records for the procurement half (idempotent: runs on every `make run`)."""

from app.models import School, User


def seed(schools: list[School], users: list[User]) -> None:
    """Add procurement demo data for the demo schools (nothing yet)."""
