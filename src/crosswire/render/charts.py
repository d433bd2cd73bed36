"""Chart layouts for briefings: the derivation graph, the timeline and number dot plots.

Takes a :class:`~crosswire.brief.Briefing` and gives plain geometry (coordinates, path data
made only of numbers, labels as text); the Jinja templates draw it as inline SVG, escaping
every label. Laying out on the server keeps the pages free of JavaScript and the HTML
briefing self-contained.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from ..brief import Briefing, NumberGroup, relation
from ..common import interval

# Node and spacing sizes of the derivation graph, in SVG user units (= CSS px at 100%).
NODE_W, NODE_H, COL_GAP, ROW_GAP, PAD = 184, 46, 64, 14, 12


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    label: str
    full_label: str
    sub: str
    x: float
    y: float
    group: int


@dataclass(frozen=True, slots=True)
class Link:
    path: str  # SVG path data: numbers and path commands only
    kind: str
    title: str


@dataclass(frozen=True, slots=True)
class Graph:
    width: float
    height: float
    node_w: float
    node_h: float
    nodes: tuple[Node, ...]
    links: tuple[Link, ...]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def derivation_graph(briefing: Briefing) -> Graph | None:
    """Sources as boxes in layers (an article sits one layer right of the deepest article it
    derives from), arrows parent -> child; sources with no derivation edge fill a grid below."""
    if not briefing.sources:
        return None
    linked = {e.parent for e in briefing.edges} | {e.child for e in briefing.edges}
    depth = {s.id: 0 for s in briefing.sources if s.id in linked}
    # Longest-path layering; at most len(depth) rounds, so a cycle in bad input cannot hang.
    for _ in range(len(depth)):
        changed = False
        for e in briefing.edges:
            if depth[e.child] < depth[e.parent] + 1 <= len(depth):
                depth[e.child] = depth[e.parent] + 1
                changed = True
        if not changed:
            break
    columns: dict[int, list[str]] = {}
    for s in briefing.sources:  # sources come ordered by publication date
        if s.id in depth:
            columns.setdefault(depth[s.id], []).append(s.id)
    by_id = {s.id: s for s in briefing.sources}
    for ids in columns.values():
        ids.sort(key=lambda a: (by_id[a].group, by_id[a].published or ""))
    positions: dict[str, tuple[float, float]] = {}
    for col, ids in columns.items():
        for row, aid in enumerate(ids):
            positions[aid] = (PAD + col * (NODE_W + COL_GAP), PAD + row * (NODE_H + ROW_GAP))
    layered_h = max((len(ids) for ids in columns.values()), default=0) * (NODE_H + ROW_GAP)
    per_row = max(3, len(columns))
    loose = [s.id for s in briefing.sources if s.id not in depth]
    top = PAD + layered_h + (ROW_GAP if layered_h else 0)
    for i, aid in enumerate(loose):
        positions[aid] = (PAD + (i % per_row) * (NODE_W + COL_GAP),
                          top + (i // per_row) * (NODE_H + ROW_GAP))
    nodes = tuple(
        Node(s.id, _clip(s.label, 24), s.label, s.published or "date unknown", x, y, s.group)
        for s in briefing.sources for x, y in [positions[s.id]])
    links = []
    for e in briefing.edges:
        (px, py), (cx, cy) = positions[e.parent], positions[e.child]
        x0, y0 = px + NODE_W, py + NODE_H / 2
        x1, y1 = cx - 6, cy + NODE_H / 2  # stop short so the arrow head shows
        bend = max(24.0, (x1 - x0) / 2)
        links.append(Link(f"M{x0:.1f},{y0:.1f} C{x0 + bend:.1f},{y0:.1f} {x1 - bend:.1f},{y1:.1f}"
                          f" {x1:.1f},{y1:.1f}", e.kind,
                          f"{by_id[e.child].label}: {relation(e.kind)} {by_id[e.parent].label}"
                          f" (score {e.score:.2f})"))
    width = max(x for x, _ in positions.values()) + NODE_W + PAD
    height = max(y for _, y in positions.values()) + NODE_H + PAD
    return Graph(width, height, NODE_W, NODE_H, nodes, tuple(links))


# --------------------------------------------------------------------------- timeline

TL_W, TL_LEFT, TL_RIGHT, TL_LANE, TL_TOP, TL_BREAK = 760, 90, 24, 26, 16, 28
# A gap longer than this between dated things breaks the axis: a story about this week that
# mentions an event two years ago gets two readable stretches, not a crushed one.
TL_GAP_DAYS = 45
# Dates ending this long before the first report are background (an accord of 2019 in a story
# of this week): their stretch of axis is never wider than the story's own, and is labelled.
TL_BACKGROUND_DAYS = 30


@dataclass(frozen=True, slots=True)
class Mark:
    number: int  # entry number in the timeline table
    x: float  # the day's centre, or the start of a longer range
    x2: float  # end of a longer range (== x for one day)
    y: float
    title: str

    @property
    def is_range(self) -> bool:
        return self.x2 > self.x


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Timeline:
    width: float
    height: float
    axis_y: float
    segments: tuple[tuple[float, float], ...]  # stretches of axis; breaks between them
    years: tuple[Tick, ...]  # the year(s) of each stretch, under its day ticks
    marks: tuple[Mark, ...]
    published: tuple[Mark, ...]  # one per source with a publication date
    published_y: float
    ticks: tuple[Tick, ...]


@dataclass(frozen=True, slots=True)
class _Stretch:
    lo: date
    hi: date
    x0: float = 0.0
    x1: float = 0.0

    @property
    def days(self) -> int:
        return (self.hi - self.lo).days + 1


def timeline_chart(briefing: Briefing) -> Timeline | None:
    """Events on a time axis (a date of month or week precision is a bar over its range), in
    lanes so no two overlap, with the sources' publication dates on a row below. Long empty
    gaps are cut out of the axis."""
    if not briefing.timeline:
        return None
    pubs = [(s, b) for s in briefing.sources if (b := interval(s.published))]
    ranges = sorted([(t.start, t.end) for t in briefing.timeline] + [b for _, b in pubs])
    stretches: list[list[date]] = []
    for lo, hi in ranges:
        if stretches and (lo - stretches[-1][1]).days <= TL_GAP_DAYS:
            stretches[-1][1] = max(stretches[-1][1], hi)
        else:
            stretches.append([lo, hi])
    padded = [(lo - timedelta(days=1), hi + timedelta(days=1)) if (hi - lo).days < 2 else (lo, hi)
              for lo, hi in stretches]
    # Each stretch gets width by the square root of its length: a two-day burst stays
    # readable beside a season. A background stretch gets no more than the narrowest stretch
    # of the news itself, so a year-long date in the past never squeezes the story.
    weights = [((hi - lo).days + 1) ** 0.5 for lo, hi in padded]
    news_from = (min(b[0] for _, b in pubs) if pubs else max(t.end for t in briefing.timeline)) \
        - timedelta(days=TL_BACKGROUND_DAYS)
    background = [hi < news_from for _, hi in padded]
    news = [w for w, old in zip(weights, background) if not old]
    if news:
        weights = [min(w, min(news)) if old else w for w, old in zip(weights, background)]
    avail = TL_W - TL_LEFT - TL_RIGHT - TL_BREAK * (len(padded) - 1)
    laid: list[_Stretch] = []
    x = float(TL_LEFT)
    for (lo, hi), w in zip(padded, weights):
        width = avail * w / sum(weights)
        laid.append(_Stretch(lo, hi, x, x + width))
        x += width + TL_BREAK

    def x_of(d: date, end: bool = False, centre: bool = False) -> float:
        seg = next((g for g in laid if g.lo <= d <= g.hi), laid[-1])
        offset = 1.0 if end else 0.5 if centre else 0.0
        return seg.x0 + ((d - seg.lo).days + offset) * (seg.x1 - seg.x0) / seg.days

    def placed(start: date, end: date) -> tuple[float, float]:
        if start == end:
            return x_of(start, centre=True), x_of(start, centre=True)
        return x_of(start), x_of(end, end=True)

    lanes: list[float] = []  # right edge of the last mark in each lane
    marks = []
    for number, entry in enumerate(briefing.timeline, start=1):
        x, x2 = placed(entry.start, entry.end)
        left = x if x2 > x else x - 10  # a day's marker is centred on it, ~20 units wide
        lane = next((i for i, right in enumerate(lanes) if right + 4 < left), None)
        if lane is None:
            lanes.append(0.0)
            lane = len(lanes) - 1
        lanes[lane] = max(x2, left + 20)
        marks.append(Mark(number, x, x2, TL_TOP + lane * TL_LANE,
                          f"{number}. {entry.date}: {entry.summary}"))
    axis_y = TL_TOP + len(lanes) * TL_LANE + 8
    published_y = axis_y + 54
    published = tuple(Mark(i, *placed(*b), published_y, f"{s.label} published {s.published}")
                      for i, (s, b) in enumerate(pubs, start=1))
    ticks = tuple(t for g in laid for t in _ticks(g, lambda d: x_of(d, centre=True)))
    years = tuple(Tick(g.x0, ("background " if old and news else "")
                       + (str(g.lo.year) if g.lo.year == g.hi.year else f"{g.lo.year}-{g.hi.year}"))
                  for g, old in zip(laid, background))
    return Timeline(TL_W, published_y + 28, axis_y, tuple((g.x0, g.x1) for g in laid), years,
                    tuple(marks), published, published_y, ticks)


def _ticks(g: _Stretch, x_of: Callable[[date], float]) -> list[Tick]:
    """Day, week, month or year ticks for one stretch, thinned to one per ~70 units."""
    days = g.days
    out: list[Tick] = []
    if days <= 60:
        d, step = g.lo, 1 if days <= 8 else 7
        if step == 7:
            d += timedelta(days=(7 - d.weekday()) % 7)  # Mondays
        while d <= g.hi:
            out.append(Tick(x_of(d), d.strftime("%d %b")))
            d += timedelta(days=step)
    elif days <= 3 * 366:
        d = date(g.lo.year, g.lo.month, 1)
        while d <= g.hi:
            if d >= g.lo:
                out.append(Tick(x_of(d), d.strftime("%b %Y")))
            d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    else:
        out = [Tick(x_of(date(y, 1, 1)), str(y)) for y in range(g.lo.year + 1, g.hi.year + 1)]
    room = max(1, int((g.x1 - g.x0) // 70) + 1)
    return out[::-(-len(out) // room)]


# --------------------------------------------------------------------------- numbers

NP_W, NP_LEFT, NP_RIGHT = 560, 16, 40


@dataclass(frozen=True, slots=True)
class Dot:
    x: float
    label: str
    label_y: float  # above the axis, or below when the previous label would overlap
    title: str


@dataclass(frozen=True, slots=True)
class DotPlot:
    width: float
    height: float
    axis_y: float
    left: float
    right: float
    dots: tuple[Dot, ...]
    zero_label: str
    max_label: str


def number_plot(group: NumberGroup, fmt: Callable[[float], str]) -> DotPlot | None:
    """The values of one counted thing on a scale from zero, when they differ (``fmt``
    formats a value for a label)."""
    if group.spread is None or len(group.values) < 2:
        return None
    top = group.high * 1.1
    scale = (NP_W - NP_LEFT - NP_RIGHT) / top
    axis_y = 30.0
    dots: list[Dot] = []
    last_above = -1e9
    previous = None
    for v in sorted(group.values, key=lambda v: v.value):
        x = NP_LEFT + v.value * scale
        label = "" if v.value == previous else fmt(v.value)  # one label per value
        previous = v.value
        above = x - last_above > 7 * max(len(label), 4)  # ~7 units per label character
        if above and label:
            last_above = x
        dots.append(Dot(x, label, axis_y - 12 if above else axis_y + 20,
                        v.text + (f" ({v.claimant})" if v.claimant else "")
                        + "; " + ", ".join(c.label for c in v.cites)))
    return DotPlot(NP_W, 60, axis_y, NP_LEFT, NP_W - NP_RIGHT, tuple(dots), "0", fmt(top))
