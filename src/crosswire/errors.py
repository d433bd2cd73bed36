"""One error hierarchy. A stage raises its own subclass; the engine turns it into a
``Skipped`` record for that item so the batch goes on."""

from __future__ import annotations


class CrosswireError(Exception):
    """Base of every error crosswire raises on purpose. ``str(err)`` is shown to users, so
    it says what went wrong and, where possible, what to do."""

    stage = "crosswire"


class ConfigError(CrosswireError):
    stage = "config"


class IngestError(CrosswireError):
    stage = "ingest"


class FetchError(IngestError):
    stage = "fetch"


class CleanError(CrosswireError):
    stage = "clean"


class NlpError(CrosswireError):
    stage = "nlp"


class StoreError(CrosswireError):
    stage = "store"


class AnalysisError(CrosswireError):
    """Cross-source stages: provenance, clustering, alignment."""

    stage = "analysis"


class SchemaError(CrosswireError):
    stage = "output"


class BriefError(CrosswireError):
    """Briefings and the web UI: an unknown or ambiguous story, a bad render request."""

    stage = "brief"
