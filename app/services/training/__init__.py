"""Training rules: the knowledge check, progress through a module, certificates, assignments and
the record of lessons read and attempts made. No Flask imports."""
