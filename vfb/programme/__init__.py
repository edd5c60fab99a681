"""Rules of the programme record: what a valid child, programme, session and consent look like."""
