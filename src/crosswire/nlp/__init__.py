"""Article understanding: entities, quotes and speakers, numbers, time, events, claims.

``NlpPipeline`` (pipeline.py) parses once and runs the extractors in order over the parse.
"""

from .pipeline import EXTRACTORS, NlpPipeline

__all__ = ["EXTRACTORS", "NlpPipeline"]
