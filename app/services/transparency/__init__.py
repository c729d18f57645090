"""Transparency rules (no Flask imports): what a school publishes to families, families'
objections and requests, the record of processing activities (Art 30(1)) and the DPIA draft.

`decisions` is the only module here that reads the procurement tables, so a change to how
decisions are recorded is adapted in one place."""
