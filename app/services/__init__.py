"""Business rules as plain functions, one package per domain: no Flask imports, unit-tested
without an app.

- `procurement`: scoring, decisions, assessments and their answers, reports, import and export,
  and which decisions are due for review.
- `training`: the knowledge check, progress, certificates, assignments and the training record.
- `oversight`: compliance across a school or trust, reminders, retention, erasure and a
  person's own data.
- `accounts`: staff accounts, invitations, roles, passwords and the staff CSV import.
"""
