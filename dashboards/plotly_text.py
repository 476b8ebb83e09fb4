"""Words from the data (a partner's area names, survey constructs and waves, the registry's city names) as Plotly
text. Plotly draws a pseudo-HTML subset in hover labels, tick labels, legends and annotations (``<b>``, ``<i>``,
``<br>``, ``<a href=...>``, ...), so an area named ``<a href="https://...">`` was drawn as a link. Given as
entities (``&lt;``, ``&gt;``, ``&amp;``), which Plotly shows as the characters, such a name is shown as written
(tests/dashboards/test_maps_offline.py checks it in Chromium with the app's own Plotly). Not for text MapLibre
draws on a map (plain text: entities would show) nor for Dash components (which escape by themselves)."""

from __future__ import annotations

import html

import pandas as pd


def plotly_text(value: object) -> str:
    """One word or name from the data as Plotly text."""
    return html.escape(str(value), quote=False)


def plotly_texts(values: pd.Series) -> pd.Series:
    """A column of words or names from the data as Plotly text, vectorised (``plotly_text`` of each value; missing
    values stay missing)."""
    s = values.astype("string")
    return s.str.replace("&", "&amp;", regex=False).str.replace("<", "&lt;", regex=False) \
        .str.replace(">", "&gt;", regex=False)
