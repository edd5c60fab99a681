"""Reviewing footage: moments marked on a clip, the joint review with the carer, highlight reels."""
