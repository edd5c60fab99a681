"""What the services stand on: the footage store, the media worker, derived fields, paging
and optimistic locking."""
