"""ODK Central: a form's submissions through its OData feed, for the survey family.

API (docs.getodk.org/central-api-odata-endpoints): ``GET {server}/v1/projects/{projectId}/forms/{xmlFormId}.svc/
Submissions`` answers ``{"@odata.context", "value": [...], "@odata.nextLink"?}``; each submission is nested by
group (``{"__id": "uuid:..", "meta": {"instanceID": ..}, "__system": {"submissionDate", "submitterId",
"submitterName", "reviewState", ...}, "<group>": {"<question>": ..}}``). ``$top`` pages the feed and
``@odata.nextLink`` (with ``$skiptoken``) is followed to the end; ``$filter=__system/submissionDate ge <date>`` and
``$orderby=__system/submissionDate`` make a run ask only for what is new. The cursor keeps, per form, the latest
submission date stored and the instance ids at exactly that date (so equal timestamps are neither skipped nor taken
twice). Authentication: HTTP Basic with ``SCN_ODK_EMAIL`` / ``SCN_ODK_PASSWORD`` (or ``odk.email`` /
``odk.password`` in the secrets file), as ODK Central's OData clients (Excel, Power BI, ruODK) do.

Settings: ``instance`` (server URL), ``forms`` as ``<projectId>/<xmlFormId>``. Rows are flattened the way Central's
CSV export names columns (``group-question``, ``meta-instanceID``, ``KEY``, ``SubmissionDate``); other ``__system``
fields (submitter name and id, device) are dropped; geopoints (GeoJSON) and repeat-group links are not questions.
The survey id is the xmlFormId. An edited submission keeps its instance id's key (``deprecatedID``) and is not taken
again.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

from scn.ingest.sources.base import ConfigError, Page, SourceError
from scn.ingest.sources.config import SourceConfig, secret
from scn.ingest.sources.http import PoliteClient, next_page

SYSTEM_KEPT = {"__id": "KEY", "__system-submissionDate": "SubmissionDate"}


def submission_rows(values: list[dict]) -> Any:
    """OData submissions -> one row per submission with Central's CSV column names."""
    import pandas as pd

    flat = pd.json_normalize(values, sep="-")
    geo = {c[: -len("-coordinates")] for c in flat.columns if c.endswith("-coordinates")}
    drop = [c for c in flat.columns
            if "@odata" in c or (c.startswith("__system-") and c not in SYSTEM_KEPT)
            or any(c.startswith(g + "-") for g in geo)]
    return flat.drop(columns=drop).rename(columns=SYSTEM_KEPT)


class Odk:
    name = "odk"
    kind = "survey"

    def _forms(self, config: SourceConfig) -> list[tuple[str, str]]:
        forms = []
        for f in config.forms:
            project, _, form = str(f).partition("/")
            if not project.isdigit() or not form:
                raise ConfigError(self.name, f"form '{f}' is not <projectId>/<xmlFormId>")
            forms.append((project, form))
        if not forms:
            raise ConfigError(self.name, "nothing to collect: give `forms:` as <projectId>/<xmlFormId>")
        return forms

    def pages(self, http: PoliteClient, config: SourceConfig, cursor: dict | None) -> Iterator[Page]:
        base = (config.instance or "").rstrip("/")
        if urlsplit(base).scheme not in ("http", "https") or not urlsplit(base).netloc:
            raise ConfigError(self.name, "no server: give `instance:` (the ODK Central URL)")
        forms = self._forms(config)
        email, password = secret(self.name, "email"), secret(self.name, "password")
        if not (email and password):
            raise ConfigError(self.name, "no credentials: set SCN_ODK_EMAIL and SCN_ODK_PASSWORD (or odk.email "
                              "and odk.password in the secrets file)")
        http.session.auth = (email, password)
        state: dict[str, Any] = {"forms": {}, **(cursor or {})}
        for project, form in forms:
            key = f"{project}/{form}"
            mark = state["forms"].get(key) or {}
            since = mark.get("date") or (config.since.strftime("%Y-%m-%dT%H:%M:%S.000Z") if config.since else None)
            params: dict[str, Any] | None = {"$top": config.page_size, "$orderby": "__system/submissionDate"}
            if since:
                params["$filter"] = f"__system/submissionDate ge {since}"
            first = f"{base}/v1/projects/{project}/forms/{quote(form)}.svc/Submissions"
            url: str | None = first
            while url:
                resp, doc = http.get_json(url, f"form {key}", dict, params=params)
                values = doc.get("value")
                if not isinstance(values, list):
                    raise SourceError(self.name, f"form {key}: the answer is not an OData feed")
                seen = set(mark.get("ids", [])) if mark.get("date") else set()
                new = [v for v in values if not (v.get("__system", {}).get("submissionDate") == mark.get("date")
                                                 and v.get("__id") in seen)]
                if values:
                    last = max(v.get("__system", {}).get("submissionDate") or "" for v in values)
                    ids = [v.get("__id") for v in values if v.get("__system", {}).get("submissionDate") == last]
                    if last == mark.get("date"):
                        ids = sorted(seen | set(ids))
                    mark = {"date": last, "ids": ids}
                    state = {**state, "forms": {**state["forms"], key: mark}}
                if new or doc.get("@odata.nextLink"):
                    yield Page(resp.content, resp.headers.get("Content-Type", "application/json"),
                               submission_rows(new) if new else [], state, name=f"{form}.json")
                url, params = next_page(self.name, first, doc.get("@odata.nextLink")), None
