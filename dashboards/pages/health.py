"""Data health (``/health``, staff): latest materializations, failed checks, stalled collection sources,
quarantine counts, the classifier's accuracy per language x labelled source and per city measured on its
reviewed posts, the posts per language x platform with whether a measured figure covers them and the share it
covers (dashboards.components.accuracy), and a link to the Dagster UI (``settings().dagster_url``, default
http://127.0.0.1:3000)."""

from __future__ import annotations

import json

import dash
import pandas as pd
from dash import dcc, html

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
    ran = checks["passed"].notna()  # a check never evaluated (its asset never built) neither passed nor failed
    failed = checks[ran & ~checks["passed"].fillna(True).astype(bool)]
    waiting = checks[~ran]
    names = ", ".join(dict.fromkeys(waiting["asset_key"].astype(str)))
    said = [] if waiting.empty else [html.P(t("checks_never_run", lang, n=len(waiting), names=names),
                                            id="health-checks-never-run", className="note")]
    if failed.empty:
        return html.Div([html.P(t("all_checks_passed", lang, n=int(ran.sum())), id="health-checks-ok"), *said])
    cols = [c for c in ("asset_key", "check_name", "severity", "evaluated_at", "description") if c in failed]
    return html.Div([frame_table(failed[cols], "health-failed-checks", lang), *said])


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


LISTED = 10  # cities named in a warning before "... (+n)": a sheet of mistyped ids must not flood the page
SHOWN = 50  # lines of ingest warnings at most, then "and n more": thousands of files must not flood the page
NAMED = 3  # file names a line of several files gives (the newest)
# per code, the params that make two files' warnings one sentence (one line): the others are summed (SUMMED),
# joined (JOINED) or the newest file's
SAME: dict[str, tuple[str, ...]] = {
    "waiting": ("needs", "city_id"),
    "ambiguous_date_order": ("field", "assumed"),
    "outside_city": ("column",),
    "personal_columns": ("columns", "count"),
    "survey_text_answers": ("columns", "count"),
    "codebook_unknown_surveys": ("values", "count"),
    "timezone_fixed_offset": ("field", "values", "zones", "count"),
    "city_not_known": ("field",),
    "city_ambiguous": ("field",),
}
SUMMED = ("rows", "of", "lines", "phone_cells")  # counts a line of several files adds up
JOINED = ("cities", "columns", "activity_ids", "names")  # lists a line of several files joins, each once, newest first
# codes whose ``rows`` are row numbers of one file (a line of several files names none) and whose ``count`` (of
# rows) a line of several files adds up
ROW_NUMBERS = ("city_not_known", "city_ambiguous")


def _warning_lines(warnings: pd.DataFrame) -> list[dict]:
    """``warnings`` (one row per city x file x code) as lines, newest first: one per city x code x what its
    sentence says (``SAME``), with its ``files`` (names, newest first) and ``params`` (the newest file's, counts
    summed and lists joined over the files)."""
    if "warned_at" in warnings.columns:
        warnings = warnings.sort_values("warned_at", ascending=False, kind="stable", na_position="last")
    lines: dict[tuple, dict] = {}
    read: dict[tuple[str, object], tuple[dict, tuple]] = {}  # (code, params JSON) -> params, their SAME part
    column = {c: warnings[c].astype(object).tolist() if c in warnings.columns else [None] * len(warnings)
              for c in ("city_id", "code", "file", "params", "hate_source")}
    for city, code, file, raw, hate_source in zip(*column.values(), strict=True):
        code, raw = str(code), raw if isinstance(raw, str) else None
        if (code, raw) not in read:  # thousands of files of one partner mostly carry the same params
            params = json.loads(raw) if raw else {}
            read[code, raw] = params, tuple(json.dumps(params.get(k), sort_keys=True) for k in SAME.get(code, ()))
        params, same = read[code, raw]
        city = city if isinstance(city, str) else None
        key = (city or "", code, *same)
        name = str(file).rstrip("/").rsplit("/", 1)[-1]  # Path(file).name, without a Path per row
        line = lines.get(key)
        if line is None:
            lines[key] = {"city_id": city, "code": code, "hate_source": hate_source, "params": dict(params),
                          "files": [name]}
            continue
        line["files"].append(name)
        merged = line["params"]
        if code in ROW_NUMBERS:
            merged["rows"] = []
            merged["count"] = _sum(merged.get("count"), params.get("count"))
            merged["maybe"] = {**(params.get("maybe") or {}), **(merged.get("maybe") or {})}
        for k in SUMMED:
            if k in merged and not (code in ROW_NUMBERS and k == "rows"):
                merged[k] = _sum(merged[k], params.get(k))
        for k in JOINED:
            if isinstance(merged.get(k), list) and k not in SAME.get(code, ()):
                merged[k] = list(dict.fromkeys([*merged[k], *(params.get(k) or [])]))
    return list(lines.values())


def _sum(a: object, b: object) -> object:
    """Two files' counts added up; "?" unless both are whole numbers."""
    ints = all(isinstance(v, int) and not isinstance(v, bool) for v in (a, b))
    return a + b if ints else "?"  # type: ignore[operator]


def _rows_part(params: dict, lang: str) -> str:
    """"; rows 3, 4, 5" of one file's warning ("" for a line of several files: their row numbers are not one list)."""
    rows = params.get("rows")
    if not isinstance(rows, list) or not rows:
        return ""
    return t("warning_rows_part", lang, rows=", ".join(str(r) for r in rows[:LISTED]))


def _files(files: list[str]) -> str:
    """The newest ``NAMED`` distinct names of ``files`` (newest first), "…" when there are more."""
    names = list(dict.fromkeys(files))
    return ", ".join(names[:NAMED]) + (" …" if len(names) > NAMED else "")


def _warning_sentence(w: dict, lang: str) -> str:
    """One line of :func:`_warning_lines` in ``lang``: a single file's sentence names it; several files' say how many
    and name the newest."""
    params, files = w["params"], w["files"]
    many = {"count": i18n.number(len(files), lang), "names": _files(files)} if len(files) > 1 else None
    name = files[0] if many is None else t("warning_files", lang, **many)
    if w["code"] == "no_hate_flag":
        source = w.get("hate_source")
        return t("warning_no_hate_flag", lang, file=name, city=w["city_id"],
                 source=source if isinstance(source, str) and source else t("warning_nowhere_yet", lang))
    if w["code"] == "other_vintage":
        return t("warning_other_vintage", lang, file=name, rows=params.get("rows", "?"), of=params.get("of", "?"),
                 example=params.get("example", ""))
    if w["code"] == "personal_columns":
        return t("warning_personal_columns", lang, file=name, count=params.get("count", "?"),
                 columns=", ".join(map(str, params.get("columns") or [])), phone_cells=params.get("phone_cells", 0))
    if w["code"] == "survey_text_answers":
        return t("warning_survey_text_answers", lang, file=name, count=params.get("count", "?"),
                 columns=", ".join(map(str, params.get("columns") or [])))
    if w["code"] == "codebook_unknown_surveys":  # said while no export is of those surveys (ingest_warnings)
        surveys = [str(v) for v in params.get("surveys") or []]
        return t("warning_codebook_unknown_surveys", lang, file=name, count=params.get("count", "?"),
                 values=", ".join(map(str, params.get("values") or [])),
                 surveys=", ".join(surveys) if surveys else t("warning_no_surveys_yet", lang))
    if w["code"] == "ambiguous_date_order":
        return t("warning_ambiguous_date_order", lang, file=name, field=params.get("field", "?"),
                 assumed=params.get("assumed", "?"))
    if w["code"] == "timezone_fixed_offset":
        return t("warning_timezone_fixed_offset", lang, file=name, count=params.get("count", "?"),
                 field=params.get("field", "timezone"),
                 examples=", ".join(f"{v} \u2192 {z}" for v, z in zip(params.get("values") or [],
                                                                     params.get("zones") or [], strict=False)))
    if w["code"] == "waiting":
        city = params.get("city_id") or w.get("city_id") or "?"
        needs = params.get("needs", "city")
        return (t(f"warning_waiting_{needs}", lang, file=name, city=city) if many is None
                else t(f"warning_waiting_{needs}_files", lang, city=city, **many))
    if w["code"] == "rows_waiting":
        cities = [str(c) for c in params.get("cities") or []]
        listed = ", ".join(cities[:LISTED]) + (f" … (+{len(cities) - LISTED})" if len(cities) > LISTED else "")
        rows = params.get("rows", "?")
        return (t("warning_rows_waiting", lang, file=name, rows=rows, cities=listed) if many is None
                else t("warning_rows_waiting_files", lang, rows=rows, cities=listed, **many))
    if w["code"] == "duplicates_differ":
        return t("warning_duplicates_differ", lang, file=name, rows=params.get("rows", "?"),
                 columns=", ".join(map(str, params.get("columns") or [])))
    if w["code"] == "activity_not_found":
        ids = [str(i) for i in params.get("activity_ids") or []]
        listed = ", ".join(ids[:LISTED]) + (f" … (+{len(ids) - LISTED})" if len(ids) > LISTED else "")
        return t("warning_activity_not_found", lang, file=name, rows=params.get("rows", "?"), ids=listed)
    if w["code"] == "city_not_known":
        names = [str(n) for n in params.get("names") or []]
        said = t("warning_city_not_known", lang, file=name, count=params.get("count", "?"),
                 field=params.get("field", "?"), names=", ".join(names[:LISTED]), rows=_rows_part(params, lang))
        maybe = list((params.get("maybe") or {}).items())[:LISTED]  # near misses -> the member city they may be
        if maybe:
            said += " — " + t("warning_city_maybe", lang, pairs=", ".join(f"{n} → {c}" for n, c in maybe))
        return said
    if w["code"] == "city_ambiguous":  # a name two places bear, no country given: no member city counted
        return t("warning_city_ambiguous", lang, file=name, count=params.get("count", "?"),
                 field=params.get("field", "?"), names=", ".join(str(n) for n in (params.get("names") or [])[:LISTED]),
                 rows=_rows_part(params, lang))
    if w["code"] == "outside_city":
        return t("warning_outside_city", lang, file=name, lines=params.get("lines", "?"), city=w["city_id"],
                 column=params.get("column", ""))
    return f"{name}: {w['code']}"


def _number(value: object) -> str:
    """A scale bound as written in a codebook: 1, not 1.0."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _off_scale_sentences(lang: str) -> list[str]:
    """Survey answers outside their item's scale, left out of the indices (``survey_excluded_answers``, a dbt mart:
    counts per survey x file x question, never a respondent's row): one sentence per file x question, most first.
    Declared non-answers (the codebook's missing_codes) are no warning."""
    off = data.table("survey_excluded_answers")
    if "out_of_range" not in off.columns:
        return []
    off = off[off["out_of_range"].fillna(0) > 0].sort_values(["out_of_range", "source_file", "question"],
                                                             ascending=[False, True, True], kind="stable")
    return [t("warning_survey_off_scale", lang, file=r.source_file, count=i18n.number(int(r.out_of_range), lang),
              question=r.question, low=_number(r.scale_min), high=_number(r.scale_max),
              values=r.out_of_range_values or "")
            for r in off.itertuples(index=False)]


def _text_answer_sentences(lang: str) -> tuple[list[str], set[tuple[str, str]]]:
    """Codebook questions whose answers a file held as text and were not stored (``survey_text_answers``, a dbt
    mart: the same rows whichever came first, the export or the codebook): one sentence per file x question of
    the latest export of each survey (a file ``superseded_by`` a later export of the form is said no more); and
    the (city, file) pairs it names, whose ``survey_text_answers`` ingest warnings it says again or supersedes."""
    text = data.table("survey_text_answers")
    if "question" not in text.columns:
        return [], set()
    text = text.sort_values(["source_file", "question"], kind="stable")
    named = set(zip(text["city_id"].fillna("").astype(str), text["source_file"].astype(str), strict=True))
    if "superseded_by" in text.columns:
        text = text[text["superseded_by"].isna()]
    return [t("warning_survey_text_question", lang, file=r.source_file, question=r.question, column=r.column_name)
            for r in text.itertuples(index=False)], named


def _ingest_warnings(lang: str):
    """What ingested files lacked (``ingest_warnings``): a police.uk file without hate flag says where the city's
    hate crime comes from; codes of another boundary vintage. One line per city x code x sentence however many
    files say it (:func:`_warning_lines`), newest first, at most ``SHOWN`` lines; then the survey answers off their
    item's scale (:func:`_off_scale_sentences`) and the codebook questions answered in text
    (:func:`_text_answer_sentences`)."""
    warnings = data.table("ingest_warnings")
    text_answers, named = _text_answer_sentences(lang)
    if named and "code" in warnings.columns:  # said per question below (an ingest warning exists only when the
        # codebook came first)
        key = (warnings["city_id"].fillna("").astype(str) + "\x00"
               + warnings["file"].astype(str).str.rstrip("/").str.rsplit("/", n=1).str[-1])
        warnings = warnings[~(warnings["code"].eq("survey_text_answers")
                              & key.isin([f"{city}\x00{file}" for city, file in named]))]
    off_scale = _off_scale_sentences(lang)
    survey = off_scale + text_answers
    if "code" not in warnings.columns and not survey:
        return unavailable(lang)
    if (warnings.empty or "code" not in warnings.columns) and not survey:
        return html.P(t("no_ingest_warnings", lang), id="health-warnings-none")
    lines = _warning_lines(warnings) if "code" in warnings.columns else []
    items = [html.Li(_warning_sentence(w, lang)) for w in lines[:SHOWN]]
    items += [html.Li(sentence, className="health-survey-off-scale") for sentence in off_scale[:SHOWN]]
    items += [html.Li(sentence, className="health-survey-text-answers") for sentence in text_answers[:SHOWN]]
    if len(lines) > SHOWN:
        rest = lines[SHOWN:]
        items.append(html.Li(t("warning_more", lang, lines=i18n.number(len(rest), lang),
                               files=i18n.number(sum(len(w["files"]) for w in rest), lang)),
                             id="health-warnings-more"))
    return html.Ul(items, id="health-warnings")


def _keyword_selected(evaluation: pd.DataFrame, lang: str) -> html.P | None:
    """The note that the card's figures are measured on keyword-selected posts (None without card rows)."""
    note = accuracy.keyword_selected(evaluation, lang) if len(evaluation) else None
    return html.P(note, id="health-keyword-selected", className="note") if note else None


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
    share = None
    if len(coverage):  # per language x platform, with whether a held-out figure of that data covers it
        coverage, share = accuracy.coverage(coverage, evaluation, lang)
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
                else html.P(t("no_quarantine", lang) if "quarantine_summary" in tables else t("not_available", lang)),
                html.P(dcc.Link(t("staff_quarantine_files", lang), href="/staff/quarantine",
                                id="health-quarantine-files"))),
        section(t("accuracy_by_source", lang), html.P(t("accuracy_by_source_note", lang), className="note"),
                _keyword_selected(evaluation, lang),
                _with_language(accuracy.by_source(evaluation, lang), "health-classifier", lang) if len(evaluation)
                else unavailable(lang), meaning("macro_f1", lang), id="health-accuracy"),
        section(t("review_accuracy_cities", lang),
                _with_language(accuracy.by_city(pd.Series(sorted(data.city_ids()), dtype=object),
                                                data.table("review_accuracy"), lang), "health-review-accuracy", lang),
                meaning("precision_recall", lang), meaning("kappa", lang), id="health-review"),
        section(t("coverage", lang), html.P(t("measured_share_all", lang, share=share), id="health-measured-share",
                                           className="note") if share is not None else None,
                _with_language(coverage, "health-coverage", lang) if len(coverage) else unavailable(lang)),
        section(t("snapshot_tables", lang), html.Ul([html.Li(f"{k}: {i18n.number(v, lang)}")
                                                     for k, v in sorted(tables.items())],
                                                    id="health-tables") if tables else unavailable(lang)),
    ])
