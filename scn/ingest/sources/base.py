"""The source interface: what a connector yields (``Page``), what it is (``Connector``), and its errors.

A connector turns a platform's responses into pages. Each page carries the raw response (archived by content hash,
as file ingest archives files), its rows in the canonical shape of file ingest for the source's kind, and the
cursor to persist once those rows are safely in the lake. ``collect`` does the rest (archive, validate,
pseudonymise, deduplicate, write, commit the cursor).

Canonical rows (one dict per row or a DataFrame; values are strings or None, times ISO 8601 in UTC):
- ``social``: ``post_id, created_at, text, lang, lat, lon, place, author, platform, url`` (docs/ingest.md,
  "Social posts"); ``author`` is the raw handle or account id, pseudonymised by ingest, never stored raw.
- ``crime``: the police.uk street-level columns (``Crime ID, Month, Latitude, Longitude, Crime type, LSOA code,
  Falls within``) or the generic crime columns (``id, time, lat, lon, category, hate_flag, source``).
- ``survey``: a KoboToolbox / ODK Central table (one row per submission, one column per question, with the meta
  columns ``_uuid``/``KEY``, ``_submission_time``/``SubmissionDate``...); ``Page.name`` gives the survey id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pandas as pd

    from scn.ingest.sources.config import SourceConfig
    from scn.ingest.sources.http import PoliteClient

SOURCES = ("mastodon", "bluesky", "bluesky-jetstream", "fourchan", "telegram", "reddit", "x", "rss", "kobo", "odk",
           "police-uk")
KINDS = ("social", "survey", "crime")


class SourceError(Exception):
    """A source could not be collected; the message is one line naming the source and the cause. ``status``: the
    HTTP status that stopped it, when it was one (``PoliteClient`` sets it), else None."""

    def __init__(self, source: str, message: str, status: int | None = None) -> None:
        self.source = source
        self.status = status
        super().__init__(f"{source}: {message}")


class AuthError(SourceError):
    """HTTP 401/403: missing or bad credentials, or a resource that is not public. Exit 2; cursor untouched."""


class ConfigError(SourceError):
    """Unusable configuration (config/sources.yml, a flag, a missing setting). Exit 2; nothing fetched."""


@dataclass
class Page:
    """One response of a platform and what it holds.

    ``raw``: the response body exactly as received (archived by sha256). ``content_type``: its media type
    (``application/json``, ``application/atom+xml``...). ``rows``: the canonical rows of the source's kind (see the
    module docstring), or None when ``raw`` is itself a file the family's parser reads (an X API v2 response, a
    police.uk CSV). ``cursor``: the source x city state to persist once these rows are durably in the lake (a
    JSON-able dict; the next run gets it back). ``name``: the file name the family's parser sees (survey: its stem
    is the survey id); default ``<source>-<sha256[:16]>.jsonl``. ``skipped``: items of the response that are not
    rows (deleted, not public, media only), for the report.
    """

    raw: bytes
    content_type: str
    rows: pd.DataFrame | list[dict[str, Any]] | None
    cursor: dict[str, Any]
    name: str | None = None
    skipped: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Connector(Protocol):
    """A source. ``name`` is one of ``SOURCES``; ``kind`` one of ``KINDS`` (the ingest family its rows go to).

    ``pages`` yields the pages that are new since ``cursor`` (None: the first run; ``config.since`` bounds how far
    back a first run goes), in an order such that committing each page's cursor after it is stored never skips
    anything on a later run. It raises ``AuthError`` on 401/403 (the client does), ``ConfigError`` when the
    configuration cannot be used, ``SourceError`` for anything else that stops it (the pages already yielded stay
    committed). HTTP goes through ``http`` only (timeouts, backoff, rate limits, the request budget).
    """

    name: str
    kind: str

    def pages(self, http: PoliteClient, config: SourceConfig, cursor: dict[str, Any] | None) -> Iterator[Page]:
        ...
