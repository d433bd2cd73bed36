"""The web application (``crosswire serve``): see app.py for the routes, security.py for
the security model, jobs.py for background ingest."""

from .app import create_app

__all__ = ["create_app"]
