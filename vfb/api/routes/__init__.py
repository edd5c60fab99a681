"""One router per kind of record; each route only translates HTTP to a service call."""
