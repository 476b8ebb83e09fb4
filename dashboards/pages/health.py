"""Data health (``/health``, staff): latest materializations, failed checks, stalled collection sources,
quarantine counts, the classifier's accuracy per language x labelled source and per city measured on its
reviewed posts (dashboards.components.accuracy), and a link to the Dagster UI (``settings().dagster_url``, default
http://127.0.0.1:3000)."""

from __future__ import annotations

import json
from pathlib import Path

import dash
import pandas as pd
from dash import html

from dashboards import auth, data, i18n
from dashboards.components import accuracy, frame_table, section, snapshot_notice, unavailable
from dashboards.components.shell import meaning
from dashboards.i18n import normalise, t
from scn.settings import settings

dash.register_page(__name__, path="/health", access="staff")


def dagster_url() -> str:
    return settings().dagster_url


def _failed_checks(lang: str):
    checks = data.table("check_results")
    if checks.empty:
        return unavailable(lang)
    failed = checks[~checks["passed"].fillna(False).astype(bool)]
    if failed.empty:
        return html.P(t("all_checks_passed", lang, n=len(checks)), id="health-checks-ok")
    cols = [c for c in ("asset_key", "check_name", "severity", "evaluated_at", "description") if c in failed]
    return frame_table(failed[cols], "health-failed-checks", lang)


def _stalled_sources(lang: str):
    """Configured (source, city) pairs not collected on schedule (``collection_health``: stalled or never)."""
    health = data.table("collection_health")
    if "status" not in health.columns:
        return unavailable(lang)
    if health.empty:
        return html.P(t("no_sources_configured", lang), id="health-sources-none")
    stalled = health[health["status"].ne("ok")]
    if stalled.empty:
        return html.P(t("all_sources_fresh", lang, n=len(health)), id="health-sources-ok")
    words = {c: t(f"collect_status_{c}", lang) for c in ("stalled", "never", "ok")}
    shown = stalled.assign(status=stalled["status"].map(words).fillna(stalled["status"]))
    cols = ["source", "city_id", "last_collected_at", "expected_every_hours", "status"]
    return frame_table(shown[[c for c in cols if c in shown]], "health-stalled-sources", lang)


def _with_language(frame: pd.DataFrame, id: str, lang: str):
    """A table whose ``lang`` codes are shown as language names in ``lang`` (the codes stay as data)."""
    if "lang" not in frame.columns:
        return frame_table(frame, id, lang)
    named = frame.assign(lang_name=i18n.languages(frame["lang"].where(frame["lang"].ne("–")), lang))
    return frame_table(named[["lang_name", *frame.columns]], id, lang, data_only=("lang",))


def _ingest_warnings(lang: str):
    """What ingested files lacked (``ingest_warnings``): a police.uk file without hate flag says where the city's
    hate crime comes from; codes of another boundary vintage."""
    warnings = data.table("ingest_warnings")
    if "code" not in warnings.columns:
        return unavailable(lang)
    if warnings.empty:
        return html.P(t("no_ingest_warnings", lang), id="health-warnings-none")
    items = []
    for w in warnings.to_dict("records"):  # one line per file and warning: a handful
        params = json.loads(w["params"]) if isinstance(w.get("params"), str) else {}
        name = Path(str(w["file"])).name
        if w["code"] == "no_hate_flag":
            source = w.get("hate_source")
            items.append(t("warning_no_hate_flag", lang, file=name, city=w["city_id"],
                           source=source if isinstance(source, str) and source else t("warning_nowhere_yet", lang)))
        elif w["code"] == "other_vintage":
            items.append(t("warning_other_vintage", lang, file=name, rows=params.get("rows", "?"),
                           of=params.get("of", "?"), example=params.get("example", "")))
        elif w["code"] == "personal_columns":
            items.append(t("warning_personal_columns", lang, file=name, count=params.get("count", "?"),
                           columns=", ".join(map(str, params.get("columns") or [])),
                           phone_cells=params.get("phone_cells", 0)))
        elif w["code"] == "ambiguous_date_order":
            items.append(t("warning_ambiguous_date_order", lang, file=name, field=params.get("field", "?"),
                           assumed=params.get("assumed", "?")))
        elif w["code"] == "timezone_fixed_offset":
            items.append(t("warning_timezone_fixed_offset", lang, file=name, count=params.get("count", "?"),
                           field=params.get("field", "timezone"),
                           examples=", ".join(f"{v} \u2192 {z}" for v, z in zip(params.get("values") or [],
                                                                              params.get("zones") or [],
                                                                              strict=False))))
        elif w["code"] == "waiting":
            items.append(t(f"warning_waiting_{params.get('needs', 'city')}", lang, file=name,
                           city=params.get("city_id") or w.get("city_id") or "?"))
        elif w["code"] == "duplicates_differ":
            items.append(t("warning_duplicates_differ", lang, file=name, rows=params.get("rows", "?"),
                           columns=", ".join(map(str, params.get("columns") or []))))
        elif w["code"] == "outside_city":
            items.append(t("warning_outside_city", lang, file=name, lines=params.get("lines", "?"), city=w["city_id"],
                           column=params.get("column", "")))
        else:
            items.append(f"{name}: {w['code']}")
    return html.Ul([html.Li(i) for i in items], id="health-warnings")


def layout(lang: str | None = "en", **_query: object) -> html.Div:
    lang = normalise(lang)
    auth.require_page(__name__)
    assets = data.table("asset_health")
    quarantine = data.table("quarantine_summary")
    evaluation = data.table("classifier_eval")
    coverage = data.table("classifier_coverage")
    info = data.snapshot_info()
    if len(assets) and "last_materialized_at" in assets.columns:
        assets = assets.sort_values("last_materialized_at", ascending=False)
    if len(coverage):
        counts = [c for c in ("posts", "assessed", "lexicon", "not_assessed") if c in coverage.columns]
        coverage = coverage.groupby("lang", as_index=False)[counts].sum()
    tables = info.get("tables", {})
    return html.Div([
        html.H2(t("health", lang)),
        snapshot_notice(lang),
        html.P(html.A(t("dagster_link", lang), href=dagster_url(), id="health-dagster", target="_blank")),
        section(t("failed_checks", lang), _failed_checks(lang)),
        section(t("stalled_sources", lang), _stalled_sources(lang), id="health-stalled"),
        section(t("assets", lang), frame_table(assets, "health-assets", lang) if len(assets) else unavailable(lang)),
        section(t("ingest_warnings", lang), _ingest_warnings(lang), id="health-ingest-warnings"),
        section(t("quarantine", lang), frame_table(quarantine, "health-quarantine", lang) if len(quarantine)
                else html.P(t("no_quarantine", lang) if "quarantine_summary" in tables else t("not_available", lang))),
        section(t("accuracy_by_source", lang), html.P(t("accuracy_by_source_note", lang), className="note"),
                _with_language(accuracy.by_source(evaluation, lang), "health-classifier", lang) if len(evaluation)
                else unavailable(lang), meaning("macro_f1", lang), id="health-accuracy"),
        section(t("review_accuracy_cities", lang),
                _with_language(accuracy.by_city(pd.Series(sorted(data.city_ids()), dtype=object),
                                                data.table("review_accuracy"), lang), "health-review-accuracy", lang),
                meaning("precision_recall", lang), meaning("kappa", lang), id="health-review"),
        section(t("coverage", lang), _with_language(coverage, "health-coverage", lang) if len(coverage)
                else unavailable(lang)),
        section(t("snapshot_tables", lang), html.Ul([html.Li(f"{k}: {i18n.number(v, lang)}")
                                                     for k, v in sorted(tables.items())],
                                                    id="health-tables") if tables else unavailable(lang)),
    ])
