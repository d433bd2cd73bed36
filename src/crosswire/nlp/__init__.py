"""Article understanding: entities, quotes and speakers, numbers, time, events, claims.

``NlpPipeline`` (pipeline.py) parses once and runs the extractors in order over the parse.
"""

from .pipeline import EXTRACTORS, NlpPipeline, pipeline_version

__all__ = ["EXTRACTORS", "NlpPipeline", "pipeline_version"]
