"""Briefing renderers: Markdown and the self-contained HTML file (see brief.py for the view
they draw, charts.py for the SVG layouts)."""

from .html import render_html
from .markdown import render_markdown

__all__ = ["render_html", "render_markdown"]
