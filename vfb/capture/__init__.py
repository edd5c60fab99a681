"""Capture: recording in the browser and from the command line, importing files, trimming clips.

Domain code only (no FastAPI, no database). Empty until the capture issue lands; the programme
record it attaches clips to is in `vfb.models` and `vfb.services`.
"""
