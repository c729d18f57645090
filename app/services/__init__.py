"""Business rules as plain functions: no Flask imports, unit-tested without an app."""
