"""Survey exports (KoboToolbox, ODK Central; CSV with ``,`` or ``;``, or XLSX) to long ``survey_responses``, and
the survey codebook (``codebook*.csv|xlsx``).

One long row per response x numeric question; ``rows_read`` counts these cells. ``question`` is the last segment of
the column's group path (``group_cohesion/sc1`` -> ``sc1``); select_multiple option columns (``q/option``, 0/1)
become ``q/option`` and the space-separated summary column is not stored; text-only columns are not stored (a
labels export's "Strongly agree"): their names, never their values, go to ``survey_text_columns`` (city, survey,
file, column_name, question), so a codebook ingested later still learns which of its questions lost their answers;
a file refused for having no numeric question left keeps those names too (``Parsed.refusal``), nothing else.
A codebook row's ``survey_id`` naming no survey export the lake holds (a form's title where its id is meant) is
the ``codebook_unknown_surveys`` warning; ids compare as :func:`survey_key`.

Never stored, whatever their values (the ``personal_columns`` warning names them): geopoint parts (ODK Central's
``-Latitude``/``-Longitude``/``-Altitude``/``-Accuracy``, Kobo's ``_<q>_latitude``... ``_<q>_precision``, columns
named lat/lon/gps/coordinates) and columns whose name says a personal identifier (``PERSONAL_WORDS``: phone, e-mail,
name, address, passport, national id...). A cell of a question that looks like a phone number (``+254712345678``,
``0712 345 678``) is quarantined with its value withheld.

``survey_id``: the file name without extension and without what an export adds to it (KoboToolbox's
``_-_all_versions_-_labels_-_2025-03-03-10-22-33``, KoBoCAT's ``_2025_03_03_10_22_33``, a browser's `` (1)``), so
the exports of one form share one id (:func:`survey_id`). A response whose id is platform-unique (a UUID: Kobo
``_uuid``, ``meta/instanceID``, ODK ``instanceID``/``KEY``) already in the lake for the city keeps the survey id and
response id it was stored with, and the file's other responses join the survey id most of those have
(:func:`_resolve_ids`): an export, a later export and a collected page of one form never store a submission twice.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from scn import lake
from scn.ingest import readers, schemas
from scn.ingest.model import Parsed, Source, bad_line_rejects, read_table, rejects_from
from scn.ingest.parse import as_text, date_order_warnings, parse_bool, parse_float, parse_time
from scn.ingest.readers import ROW
from scn.ingest.result import IngestError, printable
from scn.scratch import scratch

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
# personal identifiers: a column whose name holds one of these words, alone or as two or three adjacent words run
# together (``respondent_phone``, ``phoneNumber``, ``e-mail``, ``first_name``, ``date_of_birth``, ``home address``,
# a Kobo label header "What is your phone number?") is never stored, whatever its values
PERSONAL_WORDS = {"phone", "phones", "telephone", "phonenumber", "phoneno", "mobilenumber", "mobileno", "cellphone",
                  "cellnumber", "contactnumber", "contactno", "telno", "msisdn", "email", "emails",
                  "emailaddress", "surname", "surnames", "firstname", "lastname", "fullname",
                  "forename", "forenames", "middlename", "givenname", "familyname", "maidenname", "nickname",
                  "postcode", "postalcode", "zipcode", "passport", "nationalid", "idnumber",
                  "idno", "idcard", "ssn", "nin", "dob", "birthdate", "dateofbirth", "signature"}
TRAILING_WORDS = {"mobile", "tel", "mail", "name", "names", "address", "addresses"}  # personal as the name's
# last word (``respondent_mobile``, ``respondent_name``, ``home_address``), not inside it (``mobile_money_use``,
# ``name_calling_seen``, ``how_to_address_hate``: questions of a hate-speech survey). A WhatsApp number is caught
# by its values (``phone_like``), so ``heard_hate_on_whatsapp`` stays a question
LOCATION_WORDS = {"lat", "lon", "lng", "latitude", "longitude", "gps", "geopoint", "geolocation", "coordinates",
                  "geotrace", "geoshape"}
# a geopoint's parts: ODK Central ``<q>-Latitude|Longitude|Altitude|Accuracy``, Kobo ``_<q>_latitude|longitude|
# altitude|precision``; altitude/accuracy/precision are parts only beside their latitude or longitude
GEO_PART = re.compile(r"^(.*?)[-_ ]?(latitude|longitude|altitude|accuracy|precision)$", re.IGNORECASE)
# a phone number written as an answer: +254712345678, 00 44 20 7946 0958, 0712 345 678, (020) 7946-0958 (8-15
# digits), or 11-15 digits alone (254712345678: no survey count or scale is that large)
PHONE_TEXT = re.compile(r"^(?:(?:\+|00)[\d\s().-]+|\(?0\d[\d\s().-]*|\d{11,15})$")
PHONE_DIGITS = (8, 15)
# KoboToolbox (KPI) names an export ``<title>_-_<all_versions|latest_version>_-_<labels|xml_values|language>_-_
# <YYYY-MM-DD-HH-MM-SS>``; KoBoCAT ``<form>_<YYYY_MM_DD_HH_MM_SS>``; a browser's repeated download adds `` (1)``
EXPORT_SUFFIX = re.compile(r"(?:_-_(?:all|latest)_versions?_-_.+?)?_-_\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}$"
                           r"|_\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}(?:_\d{1,6})?$", re.IGNORECASE)
COPY_SUFFIX = re.compile(r"\s*\(\d{1,3}\)$")
UUID = re.compile(r"^(?:uuid:)?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.IGNORECASE)
PHONE_REASON = "looks like a phone number: not stored"
WITHHELD = "(withheld)"
WARN_COLUMNS = 50  # at most this many names in the personal_columns warning
CODEBOOK: dict[str, tuple[str, ...]] = {
    "question": ("name", "item", "variable", "question_name"),
    "construct": ("scale", "dimension", "index"),
    "label": ("text", "question_text", "label_english"),
    "scale_min": ("min", "minimum"),
    "scale_max": ("max", "maximum"),
    "reverse": ("reversed", "reverse_coded", "reverse_scored"),
    "missing_codes": ("missing", "missing_values", "missing_value_codes", "non_answer_codes", "na_codes"),
    "survey_id": ("survey", "form_id"),
    "item_type": ("answer_type", "item_kind"),
}
# the optional codebook column ``item_type``: ``binary`` (a yes/no item) or ``scale``, in any case; blank, or no
# such column: inferred in dbt, binary where scale_max - scale_min = 1 (transforms/models/staging/
# stg_survey_codebook.sql). The survey disclosure rule reads it (scn.privacy.surveys); another value is a reject
ITEM_TYPES = ("binary", "scale")
# the optional codebook column ``survey_id``: the survey a row is for (an export's survey id, :func:`survey_id`);
# blank, or no such column: every survey. A question may have one row per survey beside its global row: the
# survey's own row wins (transforms/models/intermediate/int_survey_answers.sql)
# the optional codebook column ``missing_codes``: the numbers an export writes for a non-answer of the item ("don't
# know" 98, "refused" 99, -9 ...), separated by ``;`` ``,`` or spaces; stored as ``98;99``. dbt leaves them out of
# the indices silently; any other answer outside [scale_min, scale_max] is left out and reported
# (transforms/models/intermediate/int_survey_answers.sql)
CODE_SEPARATORS = re.compile(r"[;,\s]+")
SURVEY_SEPARATORS = re.compile(r"[ \t\r\n_-]+")  # as the dbt macro survey_key: one space
TEXT_ANSWERS_HINT = ("the answers are text, not the scale's numbers (an export made with labels? export the values, "
                     "e.g. KoboToolbox \"XML values and headers\")")


def _paths(columns: list[str], odk: bool) -> list[list[str]]:
    """Group path segments of each column (``/`` always; ``-`` too in ODK Central exports)."""
    s = pd.Series(columns, dtype="string")
    if odk:
        s = s.str.replace("-", "/", regex=False)
    return s.str.strip().str.split("/").tolist()


def _words(name: str) -> list[str]:
    """The words of a column name: ``respondent-phoneNumber`` -> respondent, phone, number."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[^0-9a-z]+", spaced.lower()) if w]


def is_personal(name: str) -> bool:
    """The column name says a personal identifier or a location (``PERSONAL_WORDS``, ``LOCATION_WORDS``)."""
    words = _words(name)
    runs = {"".join(words[i:i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)}
    return bool(runs & (PERSONAL_WORDS | LOCATION_WORDS)) or bool(words and words[-1] in TRAILING_WORDS)


def _geopoint_parts(cols: list[str], segs: dict[str, list[str]]) -> set[str]:
    """The columns that are parts of a geopoint: latitude and longitude, and altitude/accuracy/precision beside
    them (same group and question)."""
    parts = {c: GEO_PART.match(segs[c][-1].strip()) for c in cols}
    where = {c: ("/".join(segs[c][:-1]), m.group(1).lower(), m.group(2).lower()) for c, m in parts.items() if m}
    points = {(parent, base) for parent, base, part in where.values() if part in ("latitude", "longitude")}
    return {c for c, (parent, base, _) in where.items() if (parent, base) in points}


def _layout(frame: pd.DataFrame) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """(canonical meta -> column, question column -> question name, personal columns not stored) for one export."""
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
    geo = _geopoint_parts(cols, segs)
    questions: dict[str, str] = {}
    personal: list[str] = []
    for c in cols:  # loop over columns
        if c in meta.values() or last[c].startswith("_") or last[c] in NOT_QUESTIONS or joined[c] in parents:
            continue
        if c in geo or is_personal(segs[c][-1]):
            personal.append(c)
            continue
        parent = "/".join(segs[c][:-1])
        is_option = parent in set(joined.values())
        questions[c] = f"{segs[c][-2]}/{segs[c][-1]}" if is_option else segs[c][-1]
    return meta, questions, personal


def phone_like(text: pd.Series, value: pd.Series) -> pd.Series:
    """Cells that look like a phone number (``PHONE_TEXT`` with 8-15 digits), or a whole number of 11 digits or
    more however written (``2.54712345678E+11``, a spreadsheet's rendering of one)."""
    t = as_text(text).str.strip()
    digits = t.str.count(r"\d")
    shaped = t.str.fullmatch(PHONE_TEXT) & digits.between(*PHONE_DIGITS)
    big = (value.abs() >= 1e10) & (value == value.round())
    return (shaped.fillna(False) | big.fillna(False)).astype(bool)


def survey_id(path: Path) -> str:
    """The survey id of an export: its file name without extension and without the suffixes an export or a download
    adds (``Cohesion_Survey_-_all_versions_-_labels_-_2025-03-03-10-22-33.csv`` -> ``Cohesion_Survey``;
    ``form (1).csv`` -> ``form``); the whole stem when nothing is left."""
    stem = COPY_SUFFIX.sub("", path.stem)
    return printable(EXPORT_SUFFIX.sub("", stem) or stem or path.stem)


def _platform_key(ids: pd.Series) -> pd.Series:
    """The response id as a platform-unique key (a UUID, lower case, without ``uuid:``), or missing when it is not
    one (Kobo ``_id`` 1, 2, ... are ids within a server or a file only)."""
    t = as_text(ids).str.strip()
    return t.where(t.str.fullmatch(UUID).fillna(False).astype(bool)).str.lower().str.removeprefix("uuid:")


def _resolve_ids(city_id: str | None, path: Path, ids: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(survey_id, response_id) of each response: a response whose platform-unique id the lake holds for this city
    keeps the ids it was stored with (whatever the file is called); the others get the survey id most of those
    have, else the file's survey id (:func:`survey_id`); a file stored before its name was shortened
    (``..._-_2025-03-03-10-22-33``) keeps its full name as id when none of its ids is platform-unique."""
    own, stem = survey_id(path), printable(path.stem)
    survey = pd.Series(own, index=ids.index, dtype="string")
    response = as_text(ids)
    if not city_id or not lake.has_table("survey_responses"):
        return survey, response
    keys = _platform_key(ids)
    wanted = pd.DataFrame({"k": pd.Series(keys.dropna().unique(), dtype="string").astype(object)})
    norm = "regexp_replace(lower(trim(response_id)), '^uuid:', '')"
    stored = pd.DataFrame(columns=["survey_id", "response_id", "k"])
    with scratch() as con:
        if len(wanted):
            con.register("wanted", wanted)
            stored = con.execute(
                f"select distinct survey_id, response_id, {norm} as k from {lake.scan('survey_responses')} "
                f"where city_id = ? and {norm} in (select k from wanted) order by survey_id, response_id",
                [city_id]).df()
        legacy = stem != own and not con.execute(
            f"select 1 from {lake.scan('survey_responses')} where city_id = ? and survey_id = ? limit 1",
            [city_id, stem]).df().empty
    if stored.empty:
        return (pd.Series(stem, index=ids.index, dtype="string") if legacy else survey), response
    first = stored.drop_duplicates("k").set_index("k")
    counts = first["survey_id"].value_counts()
    home = str(counts[counts == counts.max()].sort_index().index[0])
    known = keys.map(first["survey_id"])
    survey = known.fillna(home).astype("string")
    response = keys.map(first["response_id"]).fillna(response).astype("string")
    return survey, response


def parse(src: Source) -> Parsed:

    if is_codebook(src.path):
        return parse_codebook(src)

    table = read_table(src)
    frame = table.frame.reset_index(drop=True)
    meta, questions, personal = _layout(frame)
    if "response_id" not in meta:
        raise IngestError(f"{src.name}: missing required column '_uuid' (or _id, meta/instanceID, KEY)")
    numeric = {c: parse_float(frame[c]) for c in questions}
    present = {c: as_text(frame[c]).notna() for c in questions}
    phone = {c: phone_like(frame[c], numeric[c]) for c in questions}
    personal += [c for c in questions if present[c].any() and phone[c][present[c]].all()]  # a column of numbers
    text = [c for c, q in questions.items() if c not in personal
            and present[c].any() and numeric[c][present[c]].isna().all()]
    labelled = [c for c in text if questions[c] in _codebook_questions()]  # codebook questions answered in text
    dropped_as = {c: questions[c] for c in text}  # kept (names only) for a codebook ingested later
    questions = {c: q for c, q in questions.items() if c not in personal and c not in text}
    if not questions:  # refused; the names of the columns it dropped as text are kept all the same
        refusal = f"{src.name}: no numeric question columns"
        if labelled:
            refusal += (f": the codebook questions {', '.join(printable(c) for c in labelled[:WARN_COLUMNS])}: "
                        f"{TEXT_ANSWERS_HINT}")
        if not text:
            raise IngestError(refusal)
        ids = as_text(frame[meta["response_id"]]).set_axis(frame[ROW])
        survey, _ = _resolve_ids(src.city_id, src.path, ids)
        return Parsed({"survey_text_columns": _dropped(src, survey, {c: dropped_as[c] for c in text})},
                      "survey_text_columns", refusal=refusal)
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
    withheld = np.column_stack([phone[c].to_numpy() for c in cols]).ravel() if n else np.zeros(0, dtype=bool)
    cell_bad = (long["value"].isna() & long["raw_value"].notna()).to_numpy() | withheld
    meta_bad = long[ROW].isin(meta_reason.index).to_numpy()
    long["field"] = np.where(meta_bad, long[ROW].map(meta_reason["field"]), long["column"])
    long["reason"] = np.where(meta_bad, long[ROW].map(meta_reason["reason"]),
                              np.where(withheld, PHONE_REASON, "not a number"))
    long["raw_value"] = long["raw_value"].mask(withheld, WITHHELD)  # never copied to the quarantine either
    bad = cell_bad | meta_bad
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

    survey, response = _resolve_ids(src.city_id, src.path, typed.set_index(ROW)["response_id"])
    dropped = _dropped(src, survey, {c: dropped_as[c] for c in text})
    out = pd.DataFrame({
        "survey_id": survey.reindex(at).to_numpy(), "response_id": response.reindex(at).to_numpy(),
        "city_id": src.city_id,
        "area_code": meta_col("area_code"), "submitted_at": m["submitted_at"].reindex(at).to_numpy(),
        "weight": m["weight"].reindex(at).to_numpy(), "gender": meta_col("gender"), "age_group": meta_col("age_group"),
        "wave": meta_col("wave"), "programme_id": meta_col("programme_id"), "question": good["question"].to_numpy(),
        "value": good["value"].to_numpy(), "source_file": src.name, "source_row": at.astype("int64"),
    })
    warnings = [{"code": "personal_columns", "city_id": src.city_id, "columns": [printable(c) for c in personal[:WARN_COLUMNS]],
                 "count": len(personal), "phone_cells": int(withheld.sum())}] if personal or withheld.any() else []
    if labelled:  # not stored (text-only columns never are): the survey would be silently empty of them
        warnings.append({"code": "survey_text_answers", "city_id": src.city_id,
                         "columns": [printable(c) for c in labelled[:WARN_COLUMNS]], "count": len(labelled)})
    if "submitted_at" in meta:
        warnings += date_order_warnings({meta["submitted_at"]: raw_meta["submitted_at"]})
    # the file itself, under its survey, when it held a row (stored or quarantined: either way the form's latest)
    files = dropped.iloc[:0, :3] if out.empty and rejects.empty else pd.DataFrame(
        {"city_id": [src.city_id], "survey_id": [_file_survey(src, survey)], "source_file": [src.name]})
    return Parsed({"survey_responses": out, "survey_text_columns": dropped, "survey_files": files},
                  "survey_responses", rejects, warnings)


def _file_survey(src: Source, survey: pd.Series) -> str:
    """The file's survey: most of its responses' (``survey``), else its own id (:func:`survey_id`)."""
    return str(survey.mode().sort_values().iloc[0]) if survey.notna().any() else survey_id(src.path)


def _dropped(src: Source, survey: pd.Series, text: dict[str, str]) -> pd.DataFrame:
    """The ``survey_text_columns`` rows of the file: its columns dropped as text (column -> question), names only,
    under the file's survey (most of its responses', ``survey``)."""
    mine = _file_survey(src, survey)
    return pd.DataFrame({"city_id": src.city_id, "survey_id": mine, "source_file": src.name,
                         "column_name": [printable(c) for c in text], "question": list(text.values())},
                        columns=["city_id", "survey_id", "source_file", "column_name", "question"])


def survey_key(value: str) -> str:
    """A survey id as the survey it names (as the dbt macro ``survey_key``): case, surrounding spaces and the
    separators spaces, underscores and hyphens ignored (a form titled ``Resilience survey 2025`` is the KoboToolbox
    export ``Resilience_survey_2025_-_all_versions_-_...``)."""
    return SURVEY_SEPARATORS.sub(" ", str(value)).strip(" ").lower()


def export_surveys() -> list[str]:
    """The survey ids of the exports the lake holds (their answers, or the columns they dropped as text), sorted."""
    tables = [t for t in ("survey_responses", "survey_text_columns") if lake.has_table(t)]
    if not tables:
        return []
    sql = " union ".join(f"select distinct cast(survey_id as varchar) as s from {lake.scan(t)} where survey_id "
                         "is not null" for t in tables)
    with scratch() as con:
        return [str(r[0]) for r in con.execute(f"{sql} order by 1").fetchall()]


def unknown_surveys(values: list[str], surveys: list[str]) -> list[str]:
    """The ``values`` (a codebook's survey ids) naming none of ``surveys`` (:func:`survey_key`), in order, once."""
    known = {survey_key(s) for s in surveys}
    return [v for v in dict.fromkeys(values) if survey_key(v) not in known]


def unknown_surveys_warning(values: list[str], count: int, surveys: list[str]) -> dict | None:
    """The ``codebook_unknown_surveys`` warning of a codebook whose survey ids ``values`` (of ``count`` in all) name
    no survey export the lake holds (``surveys``), or None when there is none."""
    if not values:
        return None
    return {"code": "codebook_unknown_surveys", "city_id": None, "values": values[:WARN_COLUMNS], "count": count,
            "surveys": surveys[:WARN_COLUMNS], "survey_count": len(surveys)}


def _codebook_questions() -> set[str]:
    """The questions of the lake's codebook (empty when none is stored yet)."""
    if not lake.has_table("survey_codebook"):
        return set()
    with scratch() as con:
        rows = con.execute(f"select distinct question from {lake.scan('survey_codebook')} "
                           "where question is not null").fetchall()
    return {str(r[0]) for r in rows}


def missing_codes(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(codes as ``98;99``, or missing when blank; whether the cell is a list of numbers) of the ``missing_codes``
    column: ``98; 99``, ``98,99`` and ``-9 -99`` all read."""
    text = as_text(raw).str.strip()
    codes, ok = [], []
    for cell in text.astype(object):
        if cell is None or cell is pd.NA or cell == "":
            codes.append(None)
            ok.append(True)
            continue
        try:
            values = [float(t) for t in CODE_SEPARATORS.split(str(cell)) if t]
        except ValueError:
            codes.append(None)
            ok.append(False)
            continue
        good = all(np.isfinite(values))
        codes.append(";".join(f"{v:g}" for v in dict.fromkeys(values)) if good and values else None)
        ok.append(good)
    return pd.Series(codes, index=raw.index, dtype="string"), pd.Series(ok, index=raw.index, dtype=bool)


def parse_codebook(src: Source) -> Parsed:
    """question, construct, label, scale_min, scale_max, reverse, and the optional missing_codes, survey_id and
    item_type (template: scn/templates/survey_codebook.csv)."""

    table = read_table(src)
    raw, origin = readers.canonical_columns(table.frame, CODEBOOK, src.path)
    readers.require(src.path, origin, ("question", "construct", "scale_min", "scale_max"), CODEBOOK)
    raw = raw.reset_index(drop=True)
    typed = pd.DataFrame({ROW: raw[ROW], "question": as_text(raw["question"]), "construct": as_text(raw["construct"]),
                          "scale_min": parse_float(raw["scale_min"]), "scale_max": parse_float(raw["scale_max"])})
    typed["scale_max__order"] = ~(typed["scale_max"] <= typed["scale_min"])
    codes, codes_ok = missing_codes(raw["missing_codes"] if "missing_codes" in raw
                                    else pd.Series(None, index=raw.index, dtype="string"))
    typed["missing_codes__parsed"] = codes_ok
    item_type = (as_text(raw["item_type"]).str.strip().str.lower().replace("", pd.NA) if "item_type" in raw
                 else pd.Series(pd.NA, index=raw.index, dtype="string"))
    typed["item_type__known"] = (item_type.isna() | item_type.isin(ITEM_TYPES)).astype(bool)
    typed["reverse"] = parse_bool(raw["reverse"]) if "reverse" in raw else False
    if "reverse" in raw:
        typed["reverse"] = typed["reverse"].where(typed["reverse"].notna() | as_text(raw["reverse"]).notna(), False)
    schema = schemas.CODEBOOK.add_columns({"missing_codes__parsed": schemas.col(schemas.flag(
        "not a list of numbers (e.g. 98;99)")), "item_type__known": schemas.col(schemas.flag(
        "item_type must be binary or scale (or blank: inferred from the scale)"))})
    fails = schemas.failures(typed, schema, raw, {"scale_min": "not a number", "scale_max": "not a number",
                                                  "reverse": "not a yes/no flag"})
    fails["field"] = fails["field"].replace(origin)
    rejects = pd.concat([rejects_from(raw, fails), bad_line_rejects(table.bad_rows, keep_raw=True)],
                        ignore_index=True)
    ok = ~typed[ROW].isin(fails[ROW])
    t = typed[ok]
    book = pd.DataFrame({"question": t["question"], "construct": t["construct"],
                         "label": as_text(raw["label"])[ok] if "label" in raw else None,
                         "scale_min": t["scale_min"], "scale_max": t["scale_max"], "reverse": t["reverse"].astype(bool),
                         "missing_codes": codes[ok],
                         "survey_id": (as_text(raw["survey_id"]).str.strip().replace("", pd.NA)[ok]
                                       if "survey_id" in raw else None),
                         "item_type": item_type[ok]})
    # a row scoped to a survey no export is (a form's title where its id is meant) is used for no answer: said
    named = [str(v) for v in book["survey_id"].dropna()] if "survey_id" in raw else []
    surveys = export_surveys() if named else []
    unknown = unknown_surveys(named, surveys)
    warning = unknown_surveys_warning(unknown, len(unknown), surveys)
    return Parsed({"survey_codebook": book}, "survey_codebook", rejects, [warning] if warning else [])


def is_codebook(path: Path) -> bool:
    """Survey codebooks are files whose name contains ``codebook`` (``codebook.csv``, ``survey_codebook.xlsx``)."""
    return "codebook" in path.name.lower()
