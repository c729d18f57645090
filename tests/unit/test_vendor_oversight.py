"""The one review rule (due within the window, lapsed after the valid-until date), the reminder
stages (30, 7, 1 days before) built on it, and the erasure text scrub."""

from datetime import date, timedelta

from app.services.oversight.erasure import FORMER_STAFF, _pattern, _scrub
from app.services.procurement.reviews import (
    REMINDER_STAGES,
    REVIEW_WINDOW_DAYS,
    ProductState,
    ReviewState,
    review_stage,
    review_state,
    reviews_due,
)

TODAY = date(2025, 3, 10)


def _in(days: int) -> date:
    return TODAY + timedelta(days=days)


def test_review_state_is_due_inside_the_window_and_lapsed_after_the_date():
    assert review_state(None, TODAY) is None
    assert review_state(_in(REVIEW_WINDOW_DAYS + 1), TODAY) is None
    assert review_state(_in(REVIEW_WINDOW_DAYS), TODAY) == ReviewState.DUE
    assert review_state(TODAY, TODAY) == ReviewState.DUE  # still valid on the day itself
    assert review_state(_in(-1), TODAY) == ReviewState.LAPSED
    assert ReviewState.LAPSED.label == "Lapsed" and ReviewState.DUE.label == "Review due"


def test_every_reminder_stage_falls_inside_the_review_window():
    for days in range(-3, REVIEW_WINDOW_DAYS + 40):
        if review_stage(_in(days), TODAY) is not None:
            assert review_state(_in(days), TODAY) is not None, days
    assert max(REMINDER_STAGES) <= REVIEW_WINDOW_DAYS


def test_reviews_due_lists_due_and_lapsed_products_soonest_first():
    products = [
        ProductState(i, 1, name, "Supplier", valid_until=until)
        for i, (name, until) in enumerate(
            [("Far", _in(REVIEW_WINDOW_DAYS + 5)), ("Soon", _in(3)), ("Gone", _in(-2)),
             ("Never", None), ("Edge", _in(REVIEW_WINDOW_DAYS))]
        )
    ]  # fmt: skip
    assert [p.product for p in reviews_due(products, TODAY)] == ["Gone", "Soon", "Edge"]


def test_review_stage_is_the_tightest_threshold_reached():
    assert review_stage(None, TODAY) is None
    assert review_stage(TODAY + timedelta(days=31), TODAY) is None
    assert review_stage(TODAY + timedelta(days=30), TODAY) == 30
    assert review_stage(TODAY + timedelta(days=7), TODAY) == 7
    assert review_stage(TODAY + timedelta(days=1), TODAY) == 1
    assert review_stage(TODAY - timedelta(days=3), TODAY) == 1


def test_scrub_replaces_whole_names_and_emails_in_nested_json_only():
    pattern = _pattern(["Al Smith", "al.smith@school.org"])
    value = {"by": "al smith", "to": ["AL.SMITH@school.org"], "note": "Hal Smithers", 3: None}
    assert _scrub(value, pattern) == {
        "by": FORMER_STAFF, "to": [FORMER_STAFF], "note": "Hal Smithers", 3: None,
    }  # fmt: skip
