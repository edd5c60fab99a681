"""A field laptop's side of working with a team server: sending footage to it (`sending`)."""
