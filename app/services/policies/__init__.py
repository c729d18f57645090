"""School policies: publishing versions (Markdown or a checked PDF, in `publishing` and
`files`) and staff acknowledging them (`acknowledgements`: who has read which version, what
each person still has to read, the school's overview and CSV rows). No Flask imports."""
