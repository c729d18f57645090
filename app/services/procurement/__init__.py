"""Procurement rules: the scoring engine, assessments and their answers, decisions and their
frozen snapshots, the report view-model, import and export, and reviews due. No Flask imports."""
