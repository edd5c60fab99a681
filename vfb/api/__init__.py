"""The HTTP API and web pages: turns requests into service calls and results into JSON or HTML."""

from vfb.api.app import create_app

__all__ = ["create_app"]
