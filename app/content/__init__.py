"""Training modules and procurement checklists, loaded from files, validated and kept read-only."""
