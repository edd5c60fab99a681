"""Service functions: the programme record's operations, over a database session, for a user.

Each takes keyword-only arguments (`db`, the data, `by` = the acting user, `now`) and enforces who
may see and change what (`access`), so every route and CLI command gets the same rules.
"""
