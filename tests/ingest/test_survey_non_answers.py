"""Non-answers coded as numbers (98/99 "don't know"/"refused", 0 or 6 on a 1-5 scale): an answer outside its item's
[scale_min, scale_max] is never scored. Codes the codebook declares (``missing_codes``) are left out silently; any
other value off the scale is left out and reported to staff (``survey_excluded_answers``, per survey x file x
question, on the data-health page). Answers exported as labels ("Strongly agree") instead of values are named too.

Built through the real path: the codebook and the exports ingested as files (scn.ingest.pipeline.ingest_file), then
`dbt build` over that lake (tests/support/dbt_world.dbt_build)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from dashboards import i18n
from scn import lake
from scn.ingest.pipeline import ingest_file
from tests.support.dbt_world import dbt_build

QUESTIONS = ("q1", "q2", "q3", "q4", "q5")
CODEBOOK = ("question,construct,label,scale_min,scale_max,reverse,missing_codes\n"
            "q1,cohesion,a,1,5,false,98\nq2,cohesion,b,1,5,false,98\nq3,cohesion,c,1,5,false,98\n"
            "q4,cohesion,d,1,5,true,98\nq5,trust,e,0,10,false,\n")
HEADER = "start,group_demo/gender,group_demo/area_code,{},weight,wave,programme_id,_id,_submission_time"
N = 80  # respondents per wave


def _answers(seed: int = 11) -> pd.DataFrame:
    """Respondents of two waves with 1-5 answers (q5: 0-10); 15% of the answers replaced by 99 ("don't know"),
    3% by 98 (declared in the codebook), and three by 0 or 6 (off the 1-5 scale)."""
    rng = np.random.default_rng(seed)
    n = 2 * N
    frame = pd.DataFrame({"gender": rng.choice(["female", "male"], n), "area_code": rng.choice(["A1", "A2", "A3",
                                                                                                "A4"], n),
                          "weight": rng.lognormal(0, 0.4, n).round(3), "wave": np.repeat(["baseline", "endline"], N)})
    shift = np.where(frame["wave"] == "endline", 0.5, 0.0)
    for q in QUESTIONS[:4]:
        frame[q] = np.clip(np.rint(3 + shift + rng.normal(0, 1.1, n)), 1, 5).astype(int).astype(str)
    frame["q5"] = np.clip(np.rint(5 + rng.normal(0, 2.5, n)), 0, 10).astype(int).astype(str)
    cells = frame[list(QUESTIONS)].to_numpy()
    draw = rng.random(cells.shape)
    cells[draw < 0.15] = "99"
    cells[(draw >= 0.15) & (draw < 0.18) & (np.arange(5) < 4)] = "98"  # q5 declares no code: its 98s would be 99s
    cells[0, 0], cells[1, 1], cells[2, 3] = "0", "6", "0"
    frame[list(QUESTIONS)] = cells
    return frame


def _export(frame: pd.DataFrame) -> bytes:
    lines = [HEADER.format(",".join(f"group_a/{q}" for q in QUESTIONS))]
    for i, r in enumerate(frame.itertuples(index=False)):
        answers = ",".join(str(getattr(r, q)) for q in QUESTIONS)
        lines.append(f"2025-03-01T10:00:00,{r.gender},{r.area_code},{answers},{r.weight},{r.wave},lpn-x,{i + 1},"
                     "2025-03-02T10:00:00")
    return ("\n".join(lines) + "\n").encode()


def _non_answers(frame: pd.DataFrame) -> pd.DataFrame:
    """The same survey with every off-scale or declared non-answer left blank."""
    out = frame.copy()
    for q in QUESTIONS:
        top = 10 if q == "q5" else 5
        low = 0 if q == "q5" else 1
        v = pd.to_numeric(out[q])
        out[q] = out[q].where(v.between(low, top), "")
    return out


def _ingest(tmp_path: Path, name: str, body: bytes, city: str | None = None):
    path = tmp_path / name
    path.write_bytes(body)
    return ingest_file("survey", path, city_id=city)


@pytest.fixture
def built(home: Path, tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    """One lake: the codebook, the survey with its non-answers (city ``saida``) and without them (city ``mombasa``),
    then dbt build."""
    frame = _answers()
    assert _ingest(tmp_path, "survey_codebook.csv", CODEBOOK.encode()).quarantined == 0
    _ingest(tmp_path, "resilience_dk.csv", _export(frame), "saida")
    _ingest(tmp_path, "resilience_clean.csv", _export(_non_answers(frame)), "mombasa")
    lake.ensure_tables()
    proc = dbt_build(home, "--select", "+survey_indices+", "+survey_prepost+", "+survey_excluded_answers+")
    assert " WARN " in next(line for line in proc.stdout.splitlines() if "warn_survey_answers_off_scale" in line
                            and ("WARN" in line or "PASS" in line))  # the dbt test warns; the build goes on
    return home, frame


def test_non_answers_move_no_index_and_staff_see_how_many(built: tuple[Path, pd.DataFrame],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    home, frame = built
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        ind = con.execute("select * from survey_indices").df()
        pp = con.execute("select * from survey_prepost").df()
        built_tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        excluded = (con.execute("select * from survey_excluded_answers").df()
                    if "survey_excluded_answers" in built_tables else None)
    key = ["construct", "wave", "group_type", "group_value"]
    cols = ["n", "mean", "ci_low", "ci_high", "suppressed"]
    dk = ind[ind["city_id"] == "saida"].set_index(key)[cols].sort_index()
    clean = ind[ind["city_id"] == "mombasa"].set_index(key)[cols].sort_index()
    assert len(clean) >= 8 and not clean["suppressed"].all()
    assert dk.index.equals(clean.index)
    assert (dk["n"] == clean["n"]).all() and (dk["suppressed"] == clean["suppressed"]).all()
    for c in ("mean", "ci_low", "ci_high"):
        assert np.allclose(dk[c].to_numpy(float), clean[c].to_numpy(float), atol=1e-9, equal_nan=True), c
    shown = clean[~clean["suppressed"]]
    assert shown["mean"].between(0, 100).all()
    pcols = ["diff", "ci_low", "ci_high", "n_baseline", "n_endline"]
    a, b = (pp[pp["city_id"] == c].set_index("construct")[pcols].sort_index() for c in ("saida", "mombasa"))
    assert len(a) == 2 and np.allclose(a.to_numpy(float), b.to_numpy(float), atol=1e-9, equal_nan=True)

    # staff see the off-scale answers per file and question (99s, the 0s and the 6); the declared 98s apart
    assert excluded is not None, "no survey_excluded_answers mart"
    cells = frame[list(QUESTIONS)].apply(pd.to_numeric)
    off = {q: int(((cells[q] < (0 if q == "q5" else 1)) | (cells[q] > (10 if q == "q5" else 5))
                   & ~((cells[q] == 98) & (q != "q5"))).sum()) for q in QUESTIONS}
    declared = {q: int((cells[q] == 98).sum()) if q != "q5" else 0 for q in QUESTIONS}
    got = excluded.set_index("question")
    assert set(excluded["city_id"]) == {"saida"} and set(excluded["source_file"]) == {"resilience_dk.csv"}
    assert set(excluded["survey_id"]) == {"resilience_dk"}
    assert got["out_of_range"].to_dict() == off
    assert got["declared_missing"].to_dict() == declared
    assert sum(off.values()) >= 0.13 * cells.size  # the world: about 15% of the answers are 99
    assert got.loc["q1", "out_of_range_values"] == "0, 99" and got.loc["q2", "out_of_range_values"] == "6, 99"
    assert "response_id" not in excluded.columns  # counts, never a respondent's row

    # ... on the data-health page, file, question and count in a sentence (the published mart)
    page = _health_warnings(home.parent / "served", monkeypatch, excluded)
    sentence = i18n.t("warning_survey_off_scale", "en", file="resilience_dk.csv", count=off["q1"], question="q1",
                      low="1", high="5", values="0, 99")
    assert sentence in page and "q5" in page and "98" not in page.replace("98;99", "")


def _health_warnings(folder: Path, monkeypatch: pytest.MonkeyPatch, excluded: pd.DataFrame) -> str:
    """The text of the health page's warning list (English) over a snapshot publishing ``excluded``."""
    from dashboards.app import create_app
    from tests.support.dash_client import find_props, route
    from tests.support.snapshots import make_tables, publish_tables

    monkeypatch.setenv("SCN_HOME", str(folder))
    monkeypatch.setenv("SCN_SECRET_KEY", "unit")
    publish_tables(folder, {**make_tables(0), "survey_excluded_answers": excluded})
    client = create_app(folder, local_staff=True).server.test_client()
    page = client.post("/_dash-update-component", json=route("/health", lang="en")).get_json()
    return str(find_props(page, "health-warnings")["children"])


def test_an_export_made_with_labels_is_named_to_staff(home: Path, tmp_path: Path) -> None:
    """KoboToolbox's "labels" export writes "Strongly agree" where the values export writes 5: those columns carry
    no number, are not stored, and the warning names the file and the codebook questions they hold."""
    _ingest(tmp_path, "survey_codebook.csv", CODEBOOK.encode())
    body = (HEADER.format("group_a/q1,group_a/q2,group_a/q5,group_a/comment") + "\n"
            "2025-03-01T10:00:00,female,A1,Agree,Strongly agree,7,fine,1,baseline,lpn-x,1,2025-03-02T10:00:00\n"
            "2025-03-01T10:00:00,male,A2,Disagree,Agree,3,no,1,baseline,lpn-x,2,2025-03-02T10:00:00\n").encode()
    r = _ingest(tmp_path, "labels.csv", body, "saida")
    (w,) = [w for w in r.warnings if w["code"] == "survey_text_answers"]
    assert w["columns"] == ["group_a/q1", "group_a/q2"] and w["count"] == 2  # the free-text comment is no question
    stored = lake.read_table("ingest_warnings")
    (row,) = stored[stored["code"] == "survey_text_answers"].itertuples()
    assert row.file.endswith("labels.csv") and json.loads(row.params)["columns"] == ["group_a/q1", "group_a/q2"]
    assert set(lake.read_table("survey_responses")["question"]) == {"q5"}


def test_an_export_of_labels_only_says_so(home: Path, tmp_path: Path) -> None:
    """Every question a label: the file is refused, and the reason says the answers are text, not the scale's
    numbers."""
    from scn.ingest.result import IngestError

    _ingest(tmp_path, "survey_codebook.csv", CODEBOOK.encode())
    body = (HEADER.format("group_a/q1,group_a/q2") + "\n"
            "2025-03-01T10:00:00,female,A1,Agree,Strongly agree,1,baseline,lpn-x,1,2025-03-02T10:00:00\n").encode()
    with pytest.raises(IngestError, match=r"q1.*q2.*labels|labels.*q1"):
        _ingest(tmp_path, "labels.csv", body, "saida")
