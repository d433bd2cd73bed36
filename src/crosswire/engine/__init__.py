"""Engines running the same stages: local (this machine) and spark (a cluster)."""
