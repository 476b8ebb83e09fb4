"""Per-city collection settings: one declarative file (``config/sources.yml``, or ``$SCN_SOURCES_FILE``),
validated with pydantic; a bad key is reported as ``<file>: cities.<city>.<source>.<key>: <problem>``.

Layout::

    sources:            # per-source defaults (any SourceConfig field), e.g. retention and budget
      mastodon: {retention_days: 365, max_requests: 200}
    cities:
      london:
        mastodon: {instance: https://mastodon.social, tags: [london], timelines: [local]}
        bluesky: {keywords: {en: [london]}}

Credentials never go in this file: ``secret(source, name)`` reads ``SCN_<SOURCE>_<NAME>`` (scn.settings) or the
secrets file (``$SCN_SOURCE_SECRETS``, default ``<home>/secrets/sources.yml``: ``{x: {bearer_token: ...}}``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scn.ingest.sources.base import SOURCES, ConfigError
from scn.settings import paths, settings

REPO_CONFIG = Path(__file__).resolve().parents[3] / "config" / "sources.yml"


class SourceConfig(BaseModel):
    """What to collect from one source for one city. Fields a source does not use are ignored by it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = ""
    city_id: str = ""
    enabled: bool = True
    instance: str | None = Field(None, description="base URL (Mastodon instance, API host, survey server)")
    tags: list[str] = Field(default_factory=list, description="hashtags, without '#'")
    keywords: dict[str, list[str]] = Field(default_factory=dict, description="language ('any' for all) -> terms")
    accounts: list[str] = Field(default_factory=list, description="accounts whose public posts are collected")
    channels: list[str] = Field(default_factory=list, description="public channels (Telegram)")
    boards: list[str] = Field(default_factory=list, description="boards (4chan-style)")
    subreddits: list[str] = Field(default_factory=list)
    feeds: list[str] = Field(default_factory=list, description="RSS/Atom feed URLs")
    timelines: list[str] = Field(default_factory=list, description="Mastodon: public, local")
    forms: list[str] = Field(default_factory=list, description="survey forms (Kobo asset uid, ODK project/form)")
    bbox: tuple[float, float, float, float] | None = Field(None, description="west, south, east, north")
    since: datetime | None = Field(None, description="how far back a first run goes")
    schedule: str = Field("0 * * * *", description="cron schedule of the Dagster collection")
    max_requests: int = Field(200, ge=1, description="request budget of one run")
    page_size: int = Field(40, ge=1, le=1000)
    retention_days: int = Field(0, ge=0, description="collected rows older than this are removed (0: keep)")
    options: dict[str, Any] = Field(default_factory=dict, description="connector-specific settings")

    @field_validator("keywords", mode="before")
    @classmethod
    def _list_is_any(cls, v: object) -> object:
        return {"any": v} if isinstance(v, list) else v

    @field_validator("tags", mode="before")
    @classmethod
    def _no_hash(cls, v: object) -> object:
        return [str(t).lstrip("#") for t in v] if isinstance(v, list) else v

    @field_validator("since", mode="after")
    @classmethod
    def _utc(cls, v: datetime | None) -> datetime | None:
        return v.replace(tzinfo=UTC) if v is not None and v.tzinfo is None else v

    def all_keywords(self) -> list[tuple[str, str]]:
        """(language or 'any', term) pairs."""
        return [(lang, term) for lang, terms in self.keywords.items() for term in terms]


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: dict[str, dict[str, Any]] = Field(default_factory=dict)
    cities: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)


def sources_file() -> Path:
    return settings().sources_file or REPO_CONFIG


def _problem(where: str, err: ValidationError) -> str:
    first = err.errors()[0]
    loc = ".".join(str(p) for p in (where, *first["loc"]) if p != "")
    return f"{loc}: {first['msg'].lower()}"


def load_file(path: Path | None = None) -> SourcesFile:
    """The whole file, every entry validated; ``ConfigError`` (source ``config``) naming the first bad key."""
    import yaml

    path = path or sources_file()
    if not path.exists():
        return SourcesFile()
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        parsed = SourcesFile.model_validate(doc)
    except yaml.YAMLError as exc:
        raise ConfigError("config", f"{path.name}: not valid YAML ({str(exc).splitlines()[0]})") from exc
    except ValidationError as exc:
        raise ConfigError("config", f"{path.name}: {_problem('', exc)}") from exc
    for name in [*parsed.sources, *(s for c in parsed.cities.values() for s in c)]:
        if name not in SOURCES:
            raise ConfigError("config", f"{path.name}: unknown source '{name}' (one of {', '.join(SOURCES)})")
    for city, entries in parsed.cities.items():
        for name, entry in entries.items():
            _build(path, name, city, parsed.sources.get(name, {}), entry or {})
    return parsed


def _build(path: Path, source: str, city: str, defaults: dict, entry: dict, **flags: Any) -> SourceConfig:
    merged = {**(defaults or {}), **(entry or {}), **{k: v for k, v in flags.items() if v not in (None, [], ())}}
    try:
        return SourceConfig.model_validate({**merged, "source": source, "city_id": city})
    except ValidationError as exc:
        where = f"cities.{city}.{source}" if entry else f"sources.{source}"
        raise ConfigError(source, f"{path.name}: {_problem(where, exc)}") from exc


def source_config(source: str, city_id: str, path: Path | None = None, **flags: Any) -> SourceConfig:
    """The settings of ``source`` for ``city_id``: the file's defaults, its city entry, then ``flags`` (CLI:
    ``instance``, ``tags``, ``since``). A city without an entry is usable when the flags say enough."""
    path = path or sources_file()
    doc = load_file(path)
    entry = doc.cities.get(city_id, {}).get(source)
    cfg = _build(path, source, city_id, doc.sources.get(source, {}), entry or {}, **flags)
    return cfg


def entries(path: Path | None = None) -> list[tuple[str, str]]:
    """(source, city) of every enabled entry of the sources file whose city is a member of the network: a city that
    left it (its registry ``left_year``, ``scn.ingest.cities_known.former_members``) is no longer collected, its
    entries kept for a rejoining; sorted by city, then source."""
    from scn.ingest.cities_known import former_members

    doc = load_file(path)
    former = former_members() if doc.cities else set()
    return [(name, city) for city, items in sorted(doc.cities.items()) if city not in former
            for name, entry in sorted(items.items()) if (entry or {}).get("enabled", True)]


def configured(path: Path | None = None) -> dict[str, list[str]]:
    """source -> the member cities that have an enabled entry for it (what the Dagster partitions hold; ``entries``:
    a city that left the network is not collected)."""
    out: dict[str, list[str]] = {s: [] for s in SOURCES}
    for name, city in entries(path):
        out[name].append(city)
    return out


def secret(source: str, name: str) -> str | None:
    """A credential: ``SCN_<SOURCE>_<NAME>`` (a settings field) or ``<source>.<name>`` in the secrets file. Never
    logged, never stored in the lake."""
    value = getattr(settings(), f"{source.replace('-', '_')}_{name}", None)
    if value:
        return str(value)
    import yaml

    file = settings().source_secrets or paths().secrets / "sources.yml"
    if file.is_file():
        try:
            doc = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(source, f"{file.name}: not valid YAML") from exc
        value = (doc.get(source) or {}).get(name) if isinstance(doc, dict) else None
        return str(value) if value not in (None, "") else None
    return None


def now() -> datetime:
    return datetime.now(UTC)
