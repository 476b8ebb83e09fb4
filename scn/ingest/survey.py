"""Survey exports (KoboToolbox, ODK Central; CSV with ``,`` or ``;``, or XLSX) to long ``survey_responses``, and
the survey codebook (``codebook*.csv|xlsx``).

One long row per response x numeric question; ``rows_read`` counts these cells. ``question`` is the last segment of
the column's group path (``group_cohesion/sc1`` -> ``sc1``); select_multiple option columns (``q/option``, 0/1)
become ``q/option`` and the space-separated summary column is not stored; text-only columns are not stored.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from scn.ingest import readers, schemas
from scn.ingest.model import Parsed, Source, bad_line_rejects, read_table, rejects_from
from scn.ingest.parse import as_text, parse_bool, parse_float, parse_time
from scn.ingest.readers import ROW
from scn.ingest.result import IngestError, printable

META: dict[str, tuple[str, ...]] = {  # canonical -> last path segments, in priority order
    "response_id": ("_uuid", "instanceid", "key", "_id", "uuid"),
    "submitted_at": ("_submission_time", "submissiondate", "end", "today", "start"),
    "weight": ("weight", "_weight", "sampling_weight", "wt"),
    "gender": ("gender", "sex"),
    "age_group": ("age_group", "agegroup", "age_band", "age_bracket"),
    "area_code": ("area_code", "area", "district_code", "neighbourhood_code"),
    "wave": ("wave", "round", "survey_wave"),
    "programme_id": ("programme_id", "program_id"),
}
NOT_QUESTIONS = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
                 "instanceid", "instancename", "key", "submissiondate", "submitterid", "submittername",
                 "attachmentspresent", "attachmentsexpected", "status", "reviewstate", "edits", "formversion",
                 "audit", "version", "uuid", "email", "phone", "name", "caseid", "deprecatedid"}
ODK_MARKERS = {"key", "submissiondate", "meta_instanceid"}
CODEBOOK: dict[str, tuple[str, ...]] = {
    "question": ("name", "item", "variable", "question_name"),
    "construct": ("scale", "dimension", "index"),
    "label": ("text", "question_text", "label_english"),
    "scale_min": ("min", "minimum"),
    "scale_max": ("max", "maximum"),
    "reverse": ("reversed", "reverse_coded", "reverse_scored"),
}


def _paths(columns: list[str], odk: bool) -> list[list[str]]:
    """Group path segments of each column (``/`` always; ``-`` too in ODK Central exports)."""
    s = pd.Series(columns, dtype="string")
    if odk:
        s = s.str.replace("-", "/", regex=False)
    return s.str.strip().str.split("/").tolist()


def _layout(frame: pd.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    """(canonical meta -> column, question column -> question name) for one export."""
    cols = [c for c in frame.columns if c != ROW]
    odk = bool({readers.normalise_name(c) for c in cols} & ODK_MARKERS)
    segs = dict(zip(cols, _paths(cols, odk), strict=True))
    last = {c: s[-1].strip().lower() for c, s in segs.items()}
    meta: dict[str, str] = {}
    for canon, names in META.items():
        hit = next((c for n in names for c in cols if last[c] == n), None)
        if hit is not None:
            meta[canon] = hit
    joined = {c: "/".join(s) for c, s in segs.items()}
    parents = {"/".join(s[:-1]) for s in segs.values() if len(s) > 1}
    questions: dict[str, str] = {}
    for c in cols:  # loop over columns
        if c in meta.values() or last[c].startswith("_") or last[c] in NOT_QUESTIONS or joined[c] in parents:
            continue
        parent = "/".join(segs[c][:-1])
        is_option = parent in set(joined.values())
        questions[c] = f"{segs[c][-2]}/{segs[c][-1]}" if is_option else segs[c][-1]
    return meta, questions


def parse(src: Source) -> Parsed:

    if is_codebook(src.path):
        return parse_codebook(src)

    table = read_table(src)
    frame = table.frame.reset_index(drop=True)
    meta, questions = _layout(frame)
    if "response_id" not in meta:
        raise IngestError(f"{src.name}: missing required column '_uuid' (or _id, meta/instanceID, KEY)")
    numeric = {c: parse_float(frame[c]) for c in questions}
    present = {c: as_text(frame[c]).notna() for c in questions}
    questions = {c: q for c, q in questions.items() if not (present[c].any() and numeric[c][present[c]].isna().all())}
    if not questions:
        raise IngestError(f"{src.name}: no numeric question columns")
    raw_meta = pd.DataFrame({k: frame[v] for k, v in meta.items()}).astype("string")
    typed = pd.DataFrame({ROW: frame[ROW], "response_id": as_text(raw_meta["response_id"]),
                          "submitted_at": parse_time(raw_meta.get("submitted_at", pd.Series(pd.NA, index=frame.index))),
                          "weight": parse_float(raw_meta["weight"]) if "weight" in raw_meta else 1.0})
    if "weight" in raw_meta:
        typed["weight__parsed"] = typed["weight"].notna() | as_text(raw_meta["weight"]).isna()
        typed["weight"] = typed["weight"].fillna(1.0)
    schema = schemas.SURVEY_META.add_columns({"weight__parsed": schemas.col(schemas.flag("not a number"))})
    fails = schemas.failures(typed, schema, raw_meta, {"submitted_at": "not a valid date/time"})
    fails["field"] = fails["field"].replace(meta)
    meta_reason = fails.groupby(ROW).agg({"field": "; ".join, "reason": "; ".join})

    cols = list(questions)
    n, k = len(frame), len(cols)
    rep = np.repeat(np.arange(n), k)
    long = pd.DataFrame({
        ROW: frame[ROW].to_numpy()[rep], "column": np.tile(cols, n), "question": np.tile([questions[c] for c in cols], n),
        "value": np.column_stack([numeric[c].to_numpy() for c in cols]).ravel(),
        "raw_value": np.column_stack([frame[c].astype("string").to_numpy(dtype=object) for c in cols]).ravel(),
    })
    long["raw_value"] = as_text(long["raw_value"].astype("string"))
    cell_bad = long["value"].isna() & long["raw_value"].notna()
    meta_bad = long[ROW].isin(meta_reason.index).to_numpy()
    long["field"] = np.where(meta_bad, long[ROW].map(meta_reason["field"]), long["column"])
    long["reason"] = np.where(meta_bad, long[ROW].map(meta_reason["reason"]), "not a number")
    bad = cell_bad.to_numpy() | meta_bad
    side = raw_meta.iloc[rep[bad]].reset_index(drop=True)
    body = side.assign(question=long["question"][bad].to_numpy(), value=long["raw_value"][bad].to_numpy())
    rejects = pd.DataFrame({ROW: long[ROW][bad].to_numpy(), "field": long["field"][bad].to_numpy(),
                            "reason": long["reason"][bad].to_numpy(),
                            "raw_json": body.to_json(orient="records", lines=True, force_ascii=False).splitlines()
                            if bad.any() else []})
    rejects = pd.concat([rejects, bad_line_rejects(table.bad_rows, keep_raw=True)], ignore_index=True)
    good = long[~bad]
    m = typed.set_index(ROW)
    rm = raw_meta.set_index(frame[ROW])
    at = good[ROW].to_numpy()

    def meta_col(name: str) -> np.ndarray:
        return as_text(rm[name]).reindex(at).to_numpy() if name in rm else np.full(len(at), None)

    out = pd.DataFrame({
        "survey_id": printable(src.path.stem), "response_id": m["response_id"].reindex(at).to_numpy(), "city_id": src.city_id,
        "area_code": meta_col("area_code"), "submitted_at": m["submitted_at"].reindex(at).to_numpy(),
        "weight": m["weight"].reindex(at).to_numpy(), "gender": meta_col("gender"), "age_group": meta_col("age_group"),
        "wave": meta_col("wave"), "programme_id": meta_col("programme_id"), "question": good["question"].to_numpy(),
        "value": good["value"].to_numpy(), "source_file": src.name, "source_row": at.astype("int64"),
    })
    return Parsed({"survey_responses": out}, "survey_responses", rejects)


def parse_codebook(src: Source) -> Parsed:
    """question, construct, label, scale_min, scale_max, reverse (template: scn/templates/survey_codebook.csv)."""

    table = read_table(src)
    raw, origin = readers.canonical_columns(table.frame, CODEBOOK)
    readers.require(src.path, origin, ("question", "construct", "scale_min", "scale_max"), CODEBOOK)
    raw = raw.reset_index(drop=True)
    typed = pd.DataFrame({ROW: raw[ROW], "question": as_text(raw["question"]), "construct": as_text(raw["construct"]),
                          "scale_min": parse_float(raw["scale_min"]), "scale_max": parse_float(raw["scale_max"])})
    typed["scale_max__order"] = ~(typed["scale_max"] <= typed["scale_min"])
    typed["reverse"] = parse_bool(raw["reverse"]) if "reverse" in raw else False
    if "reverse" in raw:
        typed["reverse"] = typed["reverse"].where(typed["reverse"].notna() | as_text(raw["reverse"]).notna(), False)
    fails = schemas.failures(typed, schemas.CODEBOOK, raw, {"scale_min": "not a number", "scale_max": "not a number",
                                                            "reverse": "not a yes/no flag"})
    fails["field"] = fails["field"].replace(origin)
    rejects = pd.concat([rejects_from(raw, fails), bad_line_rejects(table.bad_rows, keep_raw=True)],
                        ignore_index=True)
    ok = ~typed[ROW].isin(fails[ROW])
    t = typed[ok]
    book = pd.DataFrame({"question": t["question"], "construct": t["construct"],
                         "label": as_text(raw["label"])[ok] if "label" in raw else None,
                         "scale_min": t["scale_min"], "scale_max": t["scale_max"], "reverse": t["reverse"].astype(bool)})
    return Parsed({"survey_codebook": book}, "survey_codebook", rejects)


def is_codebook(path: Path) -> bool:
    """Survey codebooks are files whose name contains ``codebook`` (``codebook.csv``, ``survey_codebook.xlsx``)."""
    return "codebook" in path.name.lower()
