"""The audit trail's rules, free of the web and the database: how a row is hashed into the chain
and how a chain is checked."""
