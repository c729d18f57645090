"""Oversight rules: training compliance across a school or a trust, reminder planning,
retention and purge, erasure of leavers, and a person's own data. No Flask imports."""
