"""Oversight rules: training compliance across a school or a trust, what a school sets for its
staff (assignments, exemptions, settings), reminder planning, retention and purge, erasure of
leavers, and a person's own data. No Flask imports."""
