"""The DPIA draft's rules, without an app: the likelihood and severity grid, risks from the limits
that fired, residual risk after a decision, and the ICO's steps in order."""

from app.services.transparency.dpia import build_dpia, overall_risk
from app.services.transparency.requests import RequestCounts


def test_overall_risk_grid():
    assert overall_risk("Remote", "Minimal") == "Low"
    assert overall_risk("Remote", "Significant") == "Low"
    assert overall_risk("Possible", "Significant") == "Medium"
    assert overall_risk("Remote", "Severe") == "Medium"
    assert overall_risk("Probable", "Minimal") == "Medium"
    assert overall_risk("Possible", "Severe") == "High"
    assert overall_risk("Probable", "Severe") == "High"


def _snapshot(limits, decision=None):
    return {
        "school": "Oak School",
        "vendor": {
            "name": "Acme",
            "product": "Quizzer",
            "purpose": "Quizzes",
            "pupils_covered": 90,
        },
        "checklist": {"id": "c", "version": "1.0.0", "title": "Checklist"},
        "assessment": {"id": 7, "started_on": "2026-11-01", "status": "decided"},
        "profile": [{"id": "P03", "text": "Data?", "answer": "Health or medical information"}],
        "result": {
            "risk_tier_label": "High",
            "band_label": "Amber",
            "band_index": 1,
            "score": 70.0,
            "answered_coverage": 100.0,
            "evidence_coverage": 50.0,
            "sections": [{"section_id": "retention", "title": "Retention", "score": 50.0}],
            "questions": [
                {
                    "question_id": "Q5",
                    "status": "answered",
                    "answer_label": "Unknown",
                    "remediation": "Get the no-sale clause signed.",
                }
            ],
            "limits": limits,
        },
        "decision": decision,
    }


CAP = {
    "kind": "cap",
    "question_id": "Q5",
    "question_text": "Do you sell pupil data?",
    "answer_label": "Unknown",
    "reason": "Must confirm in writing.",
}


def _draft(snapshot):
    return build_dpia(
        snapshot,
        profile={"P03": ["health"]},
        notice=None,
        requests=RequestCounts(3, 1, 2),
        generated_on="1 December 2026",
        assessment_id=7,
    )


def test_steps_in_the_icos_order_with_the_facts():
    draft = _draft(_snapshot([CAP]))
    assert [s.heading.split(":")[0] for s in draft.sections] == [
        "Step 1",
        "Step 2",
        "Step 3",
        "Step 4",
        "Step 5",
        "Step 6",
        "Residual risk",
        "DPO advice",
        "Step 7",
    ]
    risks = draft.sections[4].table.rows
    assert risks[0][0].startswith("Q5: Do you sell pupil data? Answer: Unknown.")
    assert risks[0][1:] == ("Possible", "Significant", "Medium")
    assert risks[1][0].startswith("Special category")  # health data in the profile
    measures = draft.sections[5].table.rows
    assert measures[0][1] == "Get the no-sale clause signed."
    consultation = dict(draft.sections[2].facts)
    assert consultation["Families' requests about this product"] == (
        "3 (1 open; an alternative offered in 2)"
    )


def test_a_conditional_decision_lowers_the_residual_risk_and_lists_its_conditions():
    decision = {
        "outcome": "conditional",
        "label": "Approve with conditions",
        "reason": "Clause to follow",
        "signed_off_by": "D. Protection",
        "decided_on": "2026-11-20",
        "valid_until": "2027-02-01",
        "conditions": [{"text": "Sign the clause", "owner": "SBM", "due_on": "2027-01-10"}],
    }
    draft = _draft(_snapshot([CAP], decision))
    measures = draft.sections[5].table.rows
    assert measures[0][2:4] == ("Reduced", "Low")
    assert measures[-1][1].startswith("Sign the clause (owner: SBM, due 10 January 2027)")
    assert dict(draft.sections[6].facts)["Highest residual risk after the measures"] == "Medium"
    assert "1 February 2027" in draft.sections[8].table.rows[-1][1]


def test_a_knockout_without_a_decision_leaves_a_high_residual_risk():
    knockout = CAP | {"kind": "knockout"}
    draft = _draft(_snapshot([knockout]))
    assert draft.sections[4].table.rows[0][1:] == ("Probable", "Severe", "High")
    assert "the ICO must be consulted" in draft.sections[6].notes[0]
    assert draft.status.startswith("No decision recorded yet")
