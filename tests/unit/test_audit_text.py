"""Audit events in words: people and objects by name, a sentence per action, and a readable
fallback for actions (or details) the describer does not know."""

from app.models import AuditEvent
from app.services.oversight.audit_text import Names, describe, roles_text

NAMES = Names(
    by_kind={
        "user": {1: "Sam Teacher", 2: "Ana Lee"},
        "invitation": {5: "Pat New (pat@school.example)"},
        "school": {3: "Hillside Primary"},
        "assessment": {8: "Reading Stars (Books Ltd)"},
        "policy": {4: "Data protection policy"},
    },
    modules={"why-data-protection-matters": "Why data protection matters in school"},
)


def _event(action, object_type=None, object_id=None, **detail):
    return AuditEvent(action=action, object_type=object_type, object_id=object_id, detail=detail)


def test_a_role_change_names_the_person_and_both_sets_of_roles():
    event = _event("roles_changed", "user", "1", before=["teacher"], after=["dpo", "teacher"])
    assert describe(event, NAMES) == "Changed roles of Sam Teacher (teacher → teacher, DPO)"


def test_sentences_name_people_objects_and_modules():
    cases = [
        (_event("invitation_sent", "invitation", "5", roles="dpo teacher"),
         "Invited Pat New (pat@school.example) as teacher, DPO"),
        (_event("assignment_created", "assignment", "9", module_id="why-data-protection-matters",
                role="teacher", due_date="2025-09-30"),
         "Assigned Why data protection matters in school to everyone who is a teacher, "
         "due by 30 September 2025"),
        (_event("assignment_created", "assignment", "9", module_id="gone-module", user_id=2),
         "Assigned gone-module to Ana Lee"),
        (_event("exemption_added", "user", "2", module_id="why-data-protection-matters"),
         "Exempted Ana Lee from Why data protection matters in school"),
        (_event("staff_imported", "school", "3", invited=12, rejected=1),
         "Invited staff from a CSV file into Hillside Primary: 12 invitations sent, 1 row "
         "rejected"),
        (_event("assessment_decided", "assessment", "8", outcome="conditional", rating="Amber"),
         "Recorded the decision on Reading Stars (Books Ltd): Approve with conditions "
         "(rated Amber)"),
        (_event("settings_changed", "school", "3", reminders="off",
                delete_audit_after_months=24),
         "Changed the school settings: reminders off; keep deactivated accounts; delete audit "
         "entries after 24 months"),
        (_event("policy_acknowledged", "policy", "4", version=2),
         "Acknowledged Data protection policy, version 2"),
        (_event("invitation_resent", "invitation", "5", replaces=4),
         "Sent a new invitation link to Pat New (pat@school.example)"),
    ]  # fmt: skip
    for event, expected in cases:
        assert describe(event, NAMES) == expected


def test_objects_gone_since_and_unknown_actions_still_read_well():
    deactivated = _event("user_deactivated", "user", "77")
    assert describe(deactivated, NAMES) == "Deactivated the account of user 77 (since deleted)"
    unknown = _event("something_new", "user", "1", colour="green", size=3)
    assert describe(unknown, NAMES) == "Sam Teacher; colour: green; size: 3"
    odd_detail = _event("roles_changed", "user", "1", before=5, after=None)
    assert describe(odd_detail, NAMES) == "Sam Teacher; after: None; before: 5"


def test_roles_text_orders_roles_as_the_role_list_does():
    assert roles_text(["school_admin", "dpo", "teacher"]) == "teacher, DPO, school admin"
    assert roles_text("trust_admin") == "trust admin"
    assert roles_text([]) == "no role"
