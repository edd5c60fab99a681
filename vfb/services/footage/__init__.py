"""Footage: importing and recording clips, trimming, watching, and deleting a programme's
footage."""
