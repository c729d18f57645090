"""Compliance rules for one assigned module: due, due soon, overdue, complete, expiring soon,
expired (refresher overdue) and exempt; completion rates."""

from datetime import UTC, date, datetime, timedelta

from app.services.training.assignments import (
    Assigned,
    Compliance,
    completion_rate,
    compliance_state,
)

NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def assigned(due: date | None = None, months: int | None = None) -> Assigned:
    return Assigned("why-data-protection-matters", due, months)


def state(rule: Assigned, issued=None, expires=None, **kwargs):
    return compliance_state(rule, issued, expires, NOW, **kwargs)


def test_not_done_is_due_then_due_soon_then_overdue():
    assert state(assigned(TODAY + timedelta(days=30))).status == Compliance.DUE
    assert state(assigned(None)).status == Compliance.DUE
    assert state(assigned(TODAY + timedelta(days=14))).status == Compliance.DUE_SOON
    assert state(assigned(TODAY)).status == Compliance.DUE_SOON
    overdue = state(assigned(TODAY - timedelta(days=1)))
    assert overdue.status == Compliance.OVERDUE
    assert overdue.due_date == TODAY - timedelta(days=1)


def test_a_valid_completion_is_complete_whatever_the_due_date():
    issued = NOW - timedelta(days=10)
    result = state(assigned(TODAY - timedelta(days=5)), issued, issued + timedelta(days=365))
    assert result.status == Compliance.COMPLETE
    assert result.refresh_at == issued + timedelta(days=365)


def test_completion_expiring_within_30_days_then_expired_and_due_again():
    issued = NOW - timedelta(days=340)
    expires = issued + timedelta(days=365)  # 25 days from now
    expiring = state(assigned(), issued, expires)
    assert expiring.status == Compliance.EXPIRING
    assert expiring.due_date == expires.date()
    lapsed = compliance_state(assigned(), issued, expires, expires)
    assert lapsed.status == Compliance.EXPIRED
    assert lapsed.due_date == expires.date()


def test_n_month_refresher_rule_expires_a_completion_sooner():
    issued = datetime(2024, 9, 1, tzinfo=UTC)
    expires = datetime(2025, 9, 1, tzinfo=UTC)  # 12-month certificate
    assert state(assigned(), issued, expires).status == Compliance.COMPLETE
    six_monthly = state(assigned(months=6), issued, expires)
    assert six_monthly.status == Compliance.EXPIRED
    assert six_monthly.refresh_at == datetime(2025, 3, 1, tzinfo=UTC)


def test_exempt_wins_over_everything():
    assert state(assigned(TODAY - timedelta(days=9)), exempt=True).status == Compliance.EXEMPT


def test_completion_rate_rounds_down_and_handles_nobody():
    assert completion_rate(0, 0) is None
    assert completion_rate(2, 3) == 66
    assert completion_rate(999, 1000) == 99
    assert completion_rate(5, 5) == 100


def test_a_reassignment_after_a_major_change_no_longer_counts_the_superseded_certificate():
    issued = NOW - timedelta(days=100)
    reassigned = Assigned("why-data-protection-matters", TODAY + timedelta(days=20), None, NOW)
    result = state(reassigned, issued, issued + timedelta(days=365))
    assert (result.status, result.due_date) == (Compliance.DUE, TODAY + timedelta(days=20))
    retaken = NOW + timedelta(hours=1)
    done = compliance_state(reassigned, retaken, retaken + timedelta(days=365), retaken)
    assert done.status == Compliance.COMPLETE
