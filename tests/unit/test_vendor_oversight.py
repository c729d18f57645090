"""Vendor review stages (30, 7, 1 days before a decision lapses) and the erasure text scrub."""

from datetime import date, timedelta

from app.services.oversight.erasure import FORMER_STAFF, _pattern, _scrub
from app.services.procurement.reviews import review_stage

TODAY = date(2025, 3, 10)


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
