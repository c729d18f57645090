"""Account rules: staff accounts, invitations and roles, passwords and their hashes, and the
staff CSV import. No Flask imports."""
