"""The cross-source stage: a run's ParsedArticles -> Stories, as typed steps over one story.

| step | module | takes -> gives |
|---|---|---|
| features | features.py | ParsedArticle -> Features (document vector, names, MinHash) |
| placement | placement.py, cluster.py | Features + the stored window -> Placement (stories) |
| lineage | lineage.py | pairs of a story's articles -> Derivation edges, families |
| story | build.py | StoryJob -> Story (families, title, entities, claims, summary) |
| entities | entities.py | members' entities -> story entities |
| alignment | alignment.py, units.py, similarity.py, conflicts.py, confidence.py | claims -> AlignedClaims, conflicts (scored) |
| summary | summary.py | Story + members -> cited summary sentences |

``stage.py`` runs the steps over a store. The engines are adapters: the local engine and its
worker processes (engine/local.py, engine/workers.py) and Spark (engine/spark_stories.py) pass
in the embedder and the job mapper; none keeps its own copy of a step.
"""

from .build import StoryMapper, make_stories, make_story
from .records import Features, Placement, StoryJob
from .stage import build_stories, place_articles

__all__ = ["Features", "Placement", "StoryJob", "StoryMapper", "build_stories", "make_stories",
           "make_story", "place_articles"]
