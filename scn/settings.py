"""The platform's settings: one typed object, read from the environment in this module and nowhere else.

Every setting keeps its historical ``SCN_*`` name and default (docs/CONTRACTS.md lists them). Code asks
``settings()``; Dagster assets receive the same values through the resources in ``assets/resources.py``.
Nothing writes the environment: a process that needs other values (a test, the dashboards serving another
home) uses ``override(...)``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from threading import Lock
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

KINDS = ("social", "survey", "programme", "crime", "boundaries", "cities", "area-attributes", "crime-counts")


class Settings(BaseSettings):
    """Every knob of the platform, typed. Field ``x`` is read from ``SCN_X`` unless an alias says otherwise."""

    model_config = SettingsConfigDict(env_prefix="SCN_", frozen=True, extra="ignore", populate_by_name=True)

    home: Path = Field(Path(".scn"), description="state root (SCN_HOME)")
    archive: Path | None = Field(None, description="originals of ingested files (default <home>/archive)")
    h3_res: int = Field(8, ge=0, le=15, description="H3 resolution of cells (about 0.7 km2 at 8)")
    suppress_below: int = Field(5, ge=1, description="counts below this are suppressed outside staff")
    min_group: int = Field(10, ge=1, description="smallest survey group shown (dbt var min_group)")
    as_of: date | None = Field(None, description="the day programme activities are held or planned against, an "
                               "ISO date (dbt var as_of); unset: today")
    freshness_hours: int = Field(26, ge=1, description="ingest tables older than this fail freshness checks")
    max_concurrent: int = Field(2, ge=1, description="parallel steps of daemon-launched runs")
    executor: Literal["in_process", "multiprocess", "celery", "k8s"] = Field(
        "multiprocess", description="executor of daemon-launched runs; celery: steps on Celery workers "
        "(dagster-celery, deploy/celery); k8s: a pod per step (dagster-k8s, deploy/k8s)")
    celery_broker: str = Field("redis://127.0.0.1:6379/0", description="Celery broker of the celery executor")
    celery_backend: str = Field("", description="Celery result backend (empty: the broker)")
    retries: int = Field(3, ge=0, description="retries of a step after a transient failure")
    retry_delay: float = Field(2.0, ge=0, description="first retry delay, seconds (exponential backoff)")
    dagster_yaml: Path | None = Field(None, description="Dagster instance config (default: the repo's)")
    pg_url: str = Field("", description="PostgreSQL URL of the production Dagster instance")
    dagster_url: str = Field("http://127.0.0.1:3000", description="Dagster UI linked from the health page")
    secret_key: str | None = Field(None, description="dashboard session key (default: secrets/flask.key)")
    pseudonym_key: str | None = Field(None, description="HMAC key of author pseudonyms (default: secrets/)")
    ingest_max_line_bytes: int = Field(64 << 20, ge=1, description="longest line a reader accepts")
    classifier: str | None = Field(None, description="speech model spec (file, directory or per-language)")
    classifier_eval: str | None = Field(None, description="labelled file measuring a plugged-in model")
    lexicons: str | None = Field(None, description="lexicon directory, or 'none'")
    alert_log: Path | None = Field(None, description="alert log file (default <home>/alerts.log)")
    alert_webhook: str | None = Field(None, description="URL alerts are POSTed to")
    post_retention_days: int = Field(0, ge=0, description="redact post text older than this (0: keep)")
    cookie_secure: bool = Field(False, description="dashboard session cookie sent over HTTPS only (behind TLS)")
    login_limit_user: str = Field("10 per 15 minutes", description="failed dashboard log-ins allowed per user name "
                                  "and client (a browser the user signed in from before, else the client address)")
    login_limit_user_all: str = Field("50 per 15 minutes", description="failed dashboard log-ins allowed per user "
                                      "name from all clients together but the browsers the user signed in from")
    login_limit_client: str = Field("30 per 15 minutes", description="failed dashboard log-ins allowed per client "
                                    "address")
    session_hours: float = Field(12.0, gt=0, le=744, description="a dashboard session ends this many hours after "
                                 "its log-in (sign in again)")
    trusted_proxies: int = Field(0, ge=0, le=8, description="reverse proxies in front of the dashboards whose "
                                 "X-Forwarded-For hops name the client (0: the connection's address)")
    upload_max_mb: int = Field(100, ge=1, description="largest upload on the staff upload page, MB")  # issue 22
    ingest_workers: int = Field(0, ge=0, le=64, description="processes that parse inbox files side by side while one "
                                "loads them (0: one per core, at most 4; 1: parse in the ingesting process)")
    ingest_settle_seconds: float = Field(2.0, ge=0, le=3600, description="an inbox file changed less than this "
                                         "long ago is waited for (still being uploaded?), then taken if unchanged")
    ingest_max_post_chars: int = Field(100_000, ge=1, description="longest post text accepted; longer: quarantined")
    ingest_max_polygon_vertices: int = Field(250_000, ge=4, description="most vertices of one boundary area; more: "
                                             "quarantined")
    ingest_xlsx_max_bytes: int = Field(1 << 30, ge=1, description="largest uncompressed size of an XLSX workbook "
                                       "(all its parts, as declared in the archive), bytes; more: quarantined")
    ingest_xlsx_max_member_bytes: int = Field(512 << 20, ge=1, description="largest uncompressed part of an XLSX "
                                              "workbook (one sheet), bytes; more: quarantined")
    ingest_xlsx_max_ratio: int = Field(250, ge=1, description="highest compression ratio of a part of an XLSX "
                                       "workbook over 1 MiB; more: quarantined (a zip bomb)")
    ingest_xlsx_max_cells: int = Field(50_000_000, ge=1, description="most cells a sheet of an XLSX workbook may "
                                       "declare (its dimension, rows x columns); more: quarantined")
    ingest_json_max_bytes: int = Field(256 << 20, ge=1, description="largest whole JSON document (an X API "
                                       "response, a Telegram export), bytes; more: quarantined unread")
    ingest_table_max_bytes: int = Field(1 << 30, ge=1, description="largest CSV, TSV or JSON Lines file (read "
                                        "into one frame), bytes; more: quarantined unread")
    ingest_table_max_cells: int = Field(200_000_000, ge=1, description="most cells (rows x columns; JSON Lines: "
                                        "objects x keys) of a CSV, TSV or JSON Lines file; more: quarantined")

    sources_file: Path | None = Field(None, description="per-city collection settings (default config/sources.yml)")
    source_secrets: Path | None = Field(None, description="collection credentials file (default secrets/sources.yml)")
    x_bearer_token: str | None = Field(None, description="X API v2 bearer token (scn collect x)")
    reddit_client_id: str | None = Field(None, description="Reddit app client id (scn collect reddit)")
    reddit_client_secret: str | None = Field(None, description="Reddit app client secret")
    mastodon_access_token: str | None = Field(None, description="Mastodon token, for instances that require one")
    bluesky_access_token: str | None = Field(None, description="Bluesky access JWT, for AppViews that require one")
    kobo_token: str | None = Field(None, description="KoboToolbox API token (scn collect kobo)")
    odk_email: str | None = Field(None, description="ODK Central user (scn collect odk)")
    odk_password: str | None = Field(None, description="ODK Central password")
    telegram_api_id: str | None = Field(None, description="Telegram API id (Telethon option)")
    telegram_api_hash: str | None = Field(None, description="Telegram API hash (Telethon option)")
    telegram_session: str | None = Field(None, description="Telethon StringSession of the operator's logged-in "
                                         "account (Telethon option)")
    # alert inbox and notifications to cities' subscribers (issue 21, docs/alerts.md)
    smtp_host: str | None = Field(None, description="SMTP server alert e-mails go through (unset: no e-mail)")
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP server port")
    smtp_from: str = Field("scn-alerts@localhost", description="sender address of alert e-mails")
    smtp_tls: Literal["none", "starttls", "ssl"] = Field("none", description="SMTP transport security")
    smtp_user: str | None = Field(None, description="SMTP log-in user (unset: no log-in)")
    smtp_password: str | None = Field(None, description="SMTP log-in password")
    alert_expire_days: int = Field(28, ge=1, description="an alert older than this, still open, shows as expired")
    alert_webhook_allow_private: bool = Field(False, description="alert webhooks may point at loopback, link-local "
                                              "or private addresses (scn.alerts.webhooks)")
    dashboard_url: str = Field("http://127.0.0.1:8050", description="dashboards address linked from notifications")

    # base map of the dashboards' maps (issue 21, docs/dashboards.md "Maps offline"): offline by default
    basemap_tiles: Path | None = Field(None, description="MBTiles or PMTiles raster file (e.g. an OpenStreetMap "
                                       "extract) served by the app at /_basemap/tiles/{z}/{x}/{y} under the maps")
    basemap_url: str | None = Field(None, description="XYZ raster tile URL template drawn under the maps (the "
                                    "browser fetches it: the only base map request that leaves the machine)")
    basemap_attribution: str = Field("", description="attribution of the operator's tiles, shown under the maps")

    @field_validator("home", mode="after")
    @classmethod
    def _absolute(cls, v: Path) -> Path:
        v = v.resolve()
        if bad := unsafe_in_home(str(v)):
            raise ValueError(f"{v}: a home path may not hold {bad!r}: Dagster reads its instance config as a glob "
                             "pattern and opens its SQLite files by URL, and dbt names the warehouse from a URL; "
                             "there it would match, or open, another folder's files; choose a folder without it")
        return v

    @field_validator("archive", "dagster_yaml", "alert_log", "sources_file", "source_secrets", mode="after")
    @classmethod
    def _absolute_or_none(cls, v: Path | None) -> Path | None:
        return v.resolve() if v else None

    @field_validator("classifier", "classifier_eval", "lexicons", "secret_key", "pseudonym_key",
                     "alert_webhook", "x_bearer_token", "reddit_client_id", "reddit_client_secret",
                     "mastodon_access_token", "bluesky_access_token", "kobo_token", "odk_email", "odk_password",
                     "telegram_api_id", "telegram_api_hash", "telegram_session", "smtp_host", "smtp_user",
                     "smtp_password", mode="before")
    @classmethod
    def _blank_is_unset(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("as_of", mode="before")
    @classmethod
    def _iso_date(cls, v: object) -> object:
        if isinstance(v, str):
            if not v.strip():
                return None
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v.strip()):
                raise ValueError(f"{v!r}: SCN_AS_OF must be an ISO date (YYYY-MM-DD)")
            return v.strip()
        return v

    @field_validator("post_retention_days", mode="before")
    @classmethod
    def _blank_is_zero(cls, v: object) -> object:
        return 0 if isinstance(v, str) and not v.strip() else v

    @property
    def paths(self) -> Paths:
        return Paths(self.home, self.archive or self.home / "archive")

    @property
    def pg_url_psycopg2(self) -> str:
        """``pg_url`` naming the psycopg2 driver dagster-postgres is built for (SQLAlchemy 2.1 maps a bare
        ``postgresql://`` to psycopg 3, which cannot send dagster's NOTIFY with bound parameters)."""
        if self.pg_url.startswith(("postgresql://", "postgres://")):
            return "postgresql+psycopg2://" + self.pg_url.split("://", 1)[1]
        return self.pg_url


@dataclass(frozen=True)
class Paths:
    """Resolved locations of the platform's state."""

    home: Path
    archive: Path

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def lake(self) -> Path:
        return self.home / "lake"

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def serving(self) -> Path:
        return self.home / "serving"

    @property
    def serving_current(self) -> Path:
        return self.serving / "current"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @property
    def secrets(self) -> Path:
        return self.home / "secrets"

    def table(self, name: str) -> Path:
        """Folder of a lake table (one Parquet part per ingested file)."""
        return self.lake / name

    def ensure(self) -> Paths:
        """Create the state folders, owner-only (0700): under a default umask they would be world-readable."""
        for p in (self.home, self.inbox, self.lake, self.serving, self.dagster_home, self.secrets, self.archive):
            p.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self.home.stat().st_uid == os.getuid():
            self.home.chmod(0o700)  # everything under it (warehouse, snapshots) is then private to the owner
        return self


_lock = Lock()
_cache: tuple[tuple, Settings] | None = None
_overrides: list[dict] = []


def _environment() -> tuple:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("SCN_")))


def unsafe_in_home(path: str) -> str | None:
    """What in ``path`` a home folder cannot hold, or None. Glob wildcards ``[ * ?``: Dagster's processes read
    ``$DAGSTER_HOME/dagster.yaml`` as a glob pattern (``[1]`` in the path matched nothing and they ran on default
    storage, without the instance's run limits; ``*`` merged other folders' configs). A backslash: DuckDB's
    patterns take it as a folder separator, and nothing escapes it. What a URL does not keep: ``?`` starts Dagster's
    ``sqlite:///<path>`` query, ``%hh`` is decoded to another path, ``#`` cut dbt-duckdb's catalog name. Spaces,
    quotes, braces and other punctuation are kept (the test suite's demo world lives in such a folder)."""
    if m := re.search(r"[\[*?#\\]|%[0-9A-Fa-f]{2}", path):
        return m.group(0)
    return None


def settings() -> Settings:
    """The settings in force: the environment (re-read only when an ``SCN_*`` variable changed), then any
    ``override`` in force on top (validated once per combination, not on every call: pages call this often)."""
    global _cache
    env = _environment()
    key = (env, tuple(tuple(sorted((k, repr(v)) for k, v in o.items())) for o in _overrides))
    with _lock:
        if _cache is None or _cache[0] != key:
            base = Settings()
            if _overrides:
                merged = base.model_dump()
                for o in _overrides:
                    merged.update(o)
                base = Settings.model_validate(merged)
            _cache = (key, base)
        return _cache[1]


@contextmanager
def override(**values: object) -> Iterator[Settings]:
    """Use other values for the duration (``with override(home=tmp): ...``), without touching the environment."""
    _overrides.append(values)
    try:
        yield settings()
    finally:
        _overrides.remove(values)


def use(**values: object) -> Settings:
    """Set values for the rest of this process (a server started for one home); values that do not validate are
    refused (ValidationError) and leave the settings as they were."""
    _overrides.append(values)
    try:
        return settings()
    except ValidationError:
        _overrides.remove(values)
        raise


def saved_overrides() -> list[dict]:
    """The ``use``/``override`` values in force, to hand back to ``restore_overrides`` (tests: one test's values
    must not leak into the next)."""
    return list(_overrides)


def restore_overrides(saved: list[dict]) -> None:
    """Put back the values ``saved_overrides`` returned."""
    _overrides[:] = saved


def paths() -> Paths:
    """Paths of the settings in force."""
    return settings().paths


def as_of() -> date:
    """The day programme activities are held or planned against (``SCN_AS_OF``, else today): dbt's var ``as_of``
    when set (assets/transforms/project.py ``dbt_vars``), and the day `scn run` compares with the warehouse's
    next planned activity (assets/transforms/state.py)."""
    return settings().as_of or date.today()


def h3_resolution() -> int:
    """Default H3 resolution for cells (``SCN_H3_RES``, default 8: about 0.7 km2)."""
    return settings().h3_res


def suppress_below() -> int:
    """Counts below this are suppressed on anything shown or exported outside staff (``SCN_SUPPRESS_BELOW``)."""
    return settings().suppress_below


# the settings every computed and published table depends on (cells, survey groups, suppression): a change to one
# recomputes every city (`scn run` compares them with those of the last complete run, ``output_settings``)
OUTPUT_SETTINGS = ("h3_res", "min_group", "suppress_below")


def output_settings() -> dict[str, object]:
    """The ``OUTPUT_SETTINGS`` in force, by name."""
    s = settings()
    return {name: getattr(s, name) for name in OUTPUT_SETTINGS}
