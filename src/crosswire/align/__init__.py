"""Claim alignment and conflicts: which claims of a story's articles say the same thing, how
many independent sources back each, where they disagree (typed conflicts with both sides'
words) and what each article adds, omits and alters.

``align_story`` is the entry point (called by ``engine/stories.py`` for every touched story);
``units`` gathers each claim's facts, ``similarity`` scores and groups claims, ``conflicts``
finds the typed conflicts and the differences that are not conflicts, ``story`` assembles them.
"""

from .story import align_story, source_families

__all__ = ["align_story", "source_families"]
