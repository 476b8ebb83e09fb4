"""Two editors saving the same city profile at once: no update is lost silently and no version number is used
twice. Threads and processes racing on ``scn.hub.profiles.save`` from the same base version (one wins, the other
gets ``ProfileConflict`` and nothing of it is written), saves without a base serialised into distinct versions,
and the edit form's post answering 409 with the conflict in EN/FR/AR and the loser's text kept for re-submission."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path

import pytest

from scn.hub import audit, profiles
from scn.settings import override
from tests.support.dash_client import (  # noqa: F401  (settings_restored: an autouse fixture)
    USERS,
    find_props,
    form_token,
    home_with_users,
    route,
    settings_restored,
)


@pytest.fixture()
def home(tmp_path: Path) -> Iterator[Path]:
    with override(home=tmp_path):
        yield tmp_path


def _at_once(jobs: list[Callable[[], object]]) -> list[object]:
    """Run ``jobs`` in threads released together by a barrier; each result is its return value or exception."""
    barrier = threading.Barrier(len(jobs))
    out: list[object] = [None] * len(jobs)

    def run(i: int) -> None:
        barrier.wait()
        try:
            out[i] = jobs[i]()
        except Exception as exc:  # collected and asserted on by the test
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    return out


def _rows(home: Path) -> list[tuple]:
    with sqlite3.connect(home / "hub" / "profiles.sqlite") as con:
        return con.execute("select city_id, version, section, text from profile_parts order by version").fetchall()


def test_two_threads_saving_from_the_same_base_one_wins_the_other_is_refused(home: Path) -> None:
    base = profiles.save("london", {"overview": ("Shared start", "public")}, "sam")
    assert base == profiles.version("london") == 1 and profiles.version("saida") == 0
    for rounds in range(5):  # several rounds: whichever thread wins, the other is refused
        base = profiles.version("london")
        texts = (f"Olive's words {rounds}", f"Sam's words {rounds}")
        results = _at_once([lambda w=w, who=who, b=base: profiles.save("london", {"overview": (w, "public")}, who,
                                                                        base=b)
                            for w, who in zip(texts, ("olive", "sam"), strict=True)])
        won = [r for r in results if isinstance(r, int)]
        lost = [r for r in results if isinstance(r, profiles.ProfileConflict)]
        assert won == [base + 1] and len(lost) == 1, results
        assert (lost[0].base, lost[0].current, lost[0].city_id) == (base, base + 1, "london")
        assert f"version {base + 1} has been saved" in str(lost[0])
        winner_text = profiles.current("london").set_index("section").loc["overview", "text"]
        loser_text = next(w for w in texts if w != winner_text)
        assert winner_text in texts and loser_text not in set(profiles.history("london")["text"])
    rows = _rows(home)
    keys = [(c, v, s) for c, v, s, _ in rows]
    assert len(keys) == len(set(keys)) == 6 * len(profiles.SECTIONS)  # one version per saved edit, none twice
    assert sorted({v for _, v, _, _ in rows}) == list(range(1, 7))
    assert len(audit.entries(action="profile.edit")) == 6  # refused edits are not audited as edits


def test_the_refused_editor_resubmits_from_the_new_version(home: Path) -> None:
    profiles.save("london", {"overview": ("Start", "public")}, "sam")
    assert profiles.save("london", {"overview": ("Olive first", "public")}, "olive", base=1) == 2
    with pytest.raises(profiles.ProfileConflict) as refused:
        profiles.save("london", {"overview": ("Sam second", "public")}, "sam", base=1)
    assert refused.value.current == 2 and len(profiles.history("london")) == 2 * len(profiles.SECTIONS)
    # the same text as saved now is no conflict (a double click on Save): nothing new, the current version
    assert profiles.save("london", {"overview": ("Olive first", "public")}, "olive", base=1) == 2
    assert profiles.save("london", {"overview": ("Sam second", "public")}, "sam", base=2) == 3
    assert list(profiles.history("london").drop_duplicates("version")["editor"]) == ["sam", "olive", "sam"]
    with pytest.raises(profiles.ProfileConflict):  # a base from the future is not current either
        profiles.save("london", {"overview": ("Ahead", "public")}, "sam", base=9)
    with pytest.raises(profiles.ProfileConflict):  # the form of a never-edited profile carries base 0
        profiles.save("london", {"overview": ("From nothing", "public")}, "omar", base=0)
    assert profiles.save("saida", {"overview": ("First", "public")}, "omar", base=0) == 1


def test_saves_without_a_base_are_serialised_into_distinct_versions(home: Path) -> None:
    words = [f"Edit number {i}" for i in range(8)]
    results = _at_once([lambda w=w: profiles.save("london", {"overview": (w, "public")}, "sam") for w in words])
    assert sorted(results) == list(range(1, 9)), results  # every edit recorded, in order, each its own number
    hist = profiles.history("london")
    saved = hist[hist["section"].eq("overview")].sort_values("version")
    assert set(saved["text"]) == set(words) and saved["version"].is_unique
    assert dict(zip(saved["version"], saved["text"], strict=True)) == {
        r: w for w, r in zip(words, results, strict=True)}


_SAVER = """
import sys, time
from pathlib import Path
from scn.hub import profiles
from scn.settings import override
home, text, go, ready = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
ready.touch()
while not go.exists():
    time.sleep(0.005)
with override(home=home):
    try:
        print("saved", profiles.save("london", {"overview": (text, "public")}, "olive", base=1))
    except profiles.ProfileConflict as exc:
        print("conflict", exc.current)
"""


def test_two_processes_saving_from_the_same_base(home: Path, tmp_path: Path) -> None:
    profiles.save("london", {"overview": ("Start", "public")}, "sam")
    go = tmp_path / "go"
    ready = [tmp_path / f"ready{i}" for i in range(2)]
    procs = [subprocess.Popen([sys.executable, "-c", _SAVER, str(home), f"Process {i}", str(go), str(ready[i])],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(2)]
    deadline = time.monotonic() + 120
    while not all(r.exists() for r in ready) and time.monotonic() < deadline and all(
            p.poll() is None for p in procs):
        time.sleep(0.05)
    go.touch()  # both interpreters have imported everything and wait: released together
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outs]
    assert sorted(out.strip() for out, _ in outs) == ["conflict 2", "saved 2"]
    assert sorted({v for _, v, _, _ in _rows(home)}) == [1, 2] and len(_rows(home)) == 2 * len(profiles.SECTIONS)


# ------------------------------------------------------------------------------------ the edit form's post
@pytest.fixture()
def app(tmp_path: Path):
    from dashboards.app import create_app

    return create_app(home_with_users(tmp_path / "home"))


def _signed_in(app, username: str):
    c = app.server.test_client()
    token = form_token(c.post("/_dash-update-component", json=route("/login")).get_json())
    r = c.post("/login", data={"username": username, "password": USERS[username][2], "next": "/",
                               "csrf_token": token})
    assert r.status_code == 302 and "error" not in r.headers["Location"]
    return c


def _form(client, lang: str = "en") -> dict[str, str]:
    """The fields of london's edit form as the page renders them for ``client``."""
    page = client.post("/_dash-update-component", json=route("/cities/london", lang=lang)).get_json()
    fields = {"csrf_token": form_token(page), "lang": lang,
              "base_version": find_props(page, "profile-base-version")["value"]}
    for name in profiles.SECTIONS:
        fields[f"text_{name}"] = find_props(page, f"profile-edit-{name}")["value"]
        fields[f"vis_{name}"] = next(o["props"]["value"] for o in find_props(page, f"profile-vis-{name}")["children"]
                                     if o["props"].get("selected"))
    return fields


def _conflict_form(html: str) -> dict[str, str]:
    """The fields of the form on the 409 page (what the browser would post again)."""
    fields = {m[0]: unescape(m[1]) for m in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)}
    fields |= {m[0]: unescape(m[1]) for m in re.findall(r'<textarea name="(\w+)"[^>]*>(.*?)</textarea>', html, re.S)}
    for name, options in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', html, re.S):
        fields[name] = re.search(r'<option value="(\w+)" selected', options)[1]
    return fields


@pytest.mark.parametrize("lang, words, direction", [
    ("en", "Someone saved version 1 of this profile while you were editing version 0", "ltr"),
    ("fr", "Quelqu'un a enregistré la version 1 de ce profil pendant que vous modifiiez la version 0", "ltr"),
    ("ar", "حفظ شخص آخر النسخة 1 من هذا الملف بينما كنت تعدّل النسخة 0", "rtl")], ids=["en", "fr", "ar"])
def test_two_editors_posting_the_same_form_at_once(app, lang: str, words: str, direction: str) -> None:
    olive, sam = _signed_in(app, "olive"), _signed_in(app, "sam")
    forms = [_form(olive, lang), _form(sam, lang)]
    assert forms[0]["base_version"] == forms[1]["base_version"] == "0"
    mine = {"olive": "Olive: the network meets monthly.\nSecond line <b>&", "sam": "Sam: a youth council started."}
    answers = _at_once([lambda c=c, f=f, w=w: c.post("/cities/london", data={**f, "text_overview": w})
                        for c, f, w in zip((olive, sam), forms, mine.values(), strict=True)])
    codes = sorted(a.status_code for a in answers)
    assert codes == [303, 409], codes  # never a 500, never both saved
    lost = next(a for a in answers if a.status_code == 409)
    loser = "olive" if lost is answers[0] else "sam"
    winner = "sam" if loser == "olive" else "olive"
    page = lost.get_data(as_text=True)
    assert f'lang="{lang}" dir="{direction}"' in page and unescape(page).count(words) == 1
    fields = _conflict_form(page)
    assert fields["text_overview"] == mine[loser]  # the loser's text kept, exactly
    assert fields["base_version"] == "1" and fields["vis_contacts"] == "network" and fields["lang"] == lang
    assert mine[winner].split(":")[1].strip() in unescape(page)  # the text saved now, to compare with
    assert profiles.version("london") == 1  # create_app set the app's home for this process
    assert profiles.current("london").set_index("section").loc["overview", "editor"] == winner
    again = (olive if loser == "olive" else sam).post("/cities/london", data=fields)
    assert again.status_code == 303 and again.headers["Location"] == "/cities/london"
    now = profiles.current("london").set_index("section")
    assert now.loc["overview", "text"] == mine[loser] and int(now["version"].max()) == 2
    assert profiles.history("london")["version"].nunique() == 2


def test_a_bad_base_version_is_a_bad_request(app) -> None:
    olive = _signed_in(app, "olive")
    form = _form(olive)
    for bad in ("", "one", "-1", "1.5"):
        assert olive.post("/cities/london", data={**form, "base_version": bad}).status_code == 400
    assert profiles.version("london") == 0
    assert olive.post("/cities/london", data={**form, "text_overview": "Fine"}).status_code == 303
    assert profiles.version("london") == 1
