"""Procurement rules: the scoring engine, assessments and their answers, the vendor register and
each product's state, decisions and their frozen snapshots, the report view-model, import and
export, and the one rule for reviews due. No Flask imports."""
