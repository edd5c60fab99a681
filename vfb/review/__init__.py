"""Review: moments on a clip's timeline, coding schemes, joint review with the carer, reels.

Domain code only (no FastAPI, no database). Empty until the review issue lands; the session
fields a shared review records (`reviewed_with_carer`, `review_highlights`) already exist.
"""
