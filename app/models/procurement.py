"""Procurement records: vendors, assessments, answers, decisions (built in the procurement issue)."""
