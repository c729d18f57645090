"""A scoring result and a snapshot are stored in English; the pages say their words from what
is stored. Without an app (English) the helpers give back exactly what the engine wrote, and
anything they do not know (checklist content, an older snapshot's words) as stored."""

import pytest

from app.services.procurement.reports import report_view, source_text
from app.services.procurement.scoring import (
    ANSWER_WORDS,
    LIMIT_REASONS,
    answer_words,
    limit_reason,
)

VALUES = {"reason": "A reason (with 50% in it).", "section": "Data “sharing”", "score": "12.5",
          "floor": "40", "coverage": "0", "minimum": "80", "tier": "high risk"}  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "sentence"),
    [(kind, sentence) for kind, sentences in LIMIT_REASONS.items() for sentence in sentences],
)
def test_each_limit_sentence_is_read_back_from_its_stored_english(kind, sentence):
    stored = sentence % {name: VALUES[name] for name in VALUES if f"%({name})s" in sentence}
    assert limit_reason({"kind": kind, "reason": stored}) == stored
    assert "%(" not in stored and "%%" not in stored


def test_a_reason_or_an_answer_the_engine_did_not_write_is_shown_as_stored():
    assert limit_reason({"kind": "cap", "reason": "Data kept for 7 years."}) == (
        "Data kept for 7 years."
    )
    assert limit_reason({"kind": "section_floor", "reason": "Worded otherwise."}) == (
        "Worded otherwise."
    )
    assert limit_reason({"kind": "retired_kind", "reason": "Old."}) == "Old."
    assert answer_words("Processor only") == "Processor only"
    assert {answer_words(word) for word in ANSWER_WORDS} == set(ANSWER_WORDS)


def _snapshot(**extra) -> dict:
    return {
        "result": {"questions": [], "sections": [], "limits": [], "points_lost": [],
                   "evidence_gaps": [], "thresholds": {}},
        "sections": [],
        "assessment": {"status": "decided"},
    } | extra  # fmt: skip


def test_an_older_snapshots_labels_without_ids_are_shown_as_stored():
    view = report_view(
        _snapshot(
            children=[{"clause": "Standard 1", "label": "Met", "questions": ["Q01"]}],
            previous={"label": "Approved (typed)", "band": "green"},
            provenance={"Q01": {"label": "From the supplier"}},
            profile=[{"id": "P01", "text": "Who?", "answer": "Pupils"}],
        )
    )
    assert view["children"][0]["label"] == "Met"
    assert view["snapshot"]["previous"]["label"] == "Approved (typed)"
    assert view["provenance"]["Q01"]["label"] == "From the supplier"
    assert view["snapshot"]["profile"][0]["answer"] == "Pupils"
    assert view["sources"] == [("From the supplier", 1)]
    assert source_text({"kind": "school-verified", "label": "School-verified"}) == (
        "School-verified"
    )
