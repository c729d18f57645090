"""Small pure helpers every domain shares (dates, hashes, spreadsheet cells): no Flask, no
database, so services and views use the same one."""
