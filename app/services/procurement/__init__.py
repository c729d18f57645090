"""Procurement rules, no Flask imports: the scoring engine (scoring), assessments and their
answers (assessments), saving a section without losing anyone's work (section_saves), the
vendor register and each product's state (register, reviews: the one rule for reviews due and
overdue conditions), the decision rules as data (decisions), two-person sign-off (sign_off),
conditions tracked to done (conditions), frozen snapshots and the report view-model (snapshots,
reports), and import and export (transfer, import_messages)."""
