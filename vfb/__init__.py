"""vfb: tooling for video feedback programmes (NICE QS133 statement 3, NICE NG26)."""

__version__ = "0.1.0"
