"""The governors' report summary of where the answers came from (school, supplier, copied)."""

from app.services.procurement.reports import answer_sources


def test_answer_sources_count_the_schools_own_first_then_the_suppliers_by_review():
    provenance = {
        "Q01": {"kind": "school-verified", "label": "School-verified"},
        "Q02": {"kind": "school-overridden", "label": "School-overridden"},
        "Q03": {"kind": "school-verified", "label": "School-verified"},
        "Q04": {"kind": "school", "label": "School's answer", "copied_from": "Oakfield, 1 Dec"},
    }
    assert answer_sources(provenance, 10) == [
        ("School's answer", 7),  # six never in the provenance, one copied
        ("School-verified", 2),
        ("School-overridden", 1),
        ("Copied from another school's assessment", 1),
    ]
    assert answer_sources({}, 5) == [("School's answer", 5)]
