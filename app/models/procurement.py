"""Procurement records: vendors, assessments, answers, decisions."""
