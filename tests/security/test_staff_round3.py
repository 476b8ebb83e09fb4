"""A third probe of the staff tools (2026-12-06, docs/security.md row 36): the review sample and the Online Hub
(resource library, city profiles) as an attacker and a careless user meet them. Each test names the class it
closes; every one failed on the code before its fix."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scn import lake
from scn.lake.schema import as_table
from scn.review import loop, store
from scn.review.sampling import draw
from scn.settings import override
from tests.support.review_world import review_home, review_posts


# ------------------------------------------------------------------------------------------------ the review sample
@pytest.fixture(scope="module")
def redacted_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """London's 120 posts labelled by the classifier; 40 of them sampled and exported to the default file; then
    the retention job erases the text of the posts written before 2026-06-01 (about half), sampled ones among
    them."""
    from scn.ops.retention import redact_old_posts

    home = tmp_path_factory.mktemp("scn-review-redacted")
    posts = review_home(home, n=120)
    with override(home=home):
        loop.sample("london", "en", n=40, seed=1)
        loop.export_csv("london", "cli:op")
        done = redact_old_posts(days=1, now=datetime(2026, 6, 2, tzinfo=UTC))
    assert done["posts_redacted"] > 20
    return home, posts


def _erased(home: Path) -> set[str]:
    with override(home=home):
        posts = lake.read_table("posts")
    return set(posts.loc[posts["text"].isna(), "post_key"])


def test_a_post_whose_text_retention_erased_is_never_drawn_for_review(redacted_world) -> None:
    """A post with no text left cannot be labelled: drawing it wastes the sample and its label ("none" of an
    empty box) would be measured and trained on."""
    home, _ = redacted_world
    erased = _erased(home)
    with override(home=home):
        before = set(store.samples()["post_key"])
        loop.sample("london", "en", n=200, seed=3)
        drawn = set(store.samples()["post_key"]) - before
    assert drawn and not drawn & erased


def test_a_sampled_post_whose_text_was_erased_is_not_shown_exported_or_trained_on(redacted_world,
                                                                                   tmp_path: Path) -> None:
    """Sampled before the retention job ran: the reviewer is not shown an empty post to label, the export holds
    no empty row, and a label given before the erasure is not a training text of ''."""
    home, posts = redacted_world
    erased = _erased(home)
    with override(home=home):
        sampled = store.samples("london")
        assert set(sampled["post_key"]) & erased  # the world is what the test needs
        shown = loop.texts_for("london", "rhea")
        assert not set(shown["post_key"]) & erased and shown["text"].notna().all()
        out, rows = loop.export_csv("london", "cli:op", tmp_path / "x.csv")
        exported = pd.read_csv(out, dtype=str, keep_default_na=False)
        assert rows == len(exported) and not set(exported["post_key"]) & erased
        assert exported["text"].ne("").all()


def test_the_retention_job_takes_erased_posts_out_of_the_review_exports(redacted_world) -> None:
    """The review export (``<home>/review/exports/``) kept the text of posts the retention job erased from the
    lake, for as long as the file lay there. The job now rewrites those files without them."""
    home, posts = redacted_world
    erased = _erased(home)
    with override(home=home):
        exported = pd.read_csv(store.root() / "exports" / "review-london.csv", dtype=str, keep_default_na=False)
    assert len(exported) and not set(exported["post_key"]) & erased
    assert not set(exported["text"]) & set(posts.loc[posts["post_key"].isin(erased), "text"])


def test_one_account_cannot_fill_the_uncertainty_stratum() -> None:
    """The uncertainty stratum (what adapters mostly learn from) took the posts nearest 0.5 whoever wrote them:
    one account posting 50 borderline messages got all of it, steering what reviewers label and the adapter
    learns. Now an author gives at most one post to a draw's uncertainty stratum (the random stratum stays a
    simple random sample)."""
    n_other = 200
    rng = np.random.default_rng(0)
    pop = pd.DataFrame({
        "post_key": [f"p{i}" for i in range(50 + n_other)],
        "author_pseudo": ["troll"] * 50 + [f"a{i}" for i in range(n_other)],
        "score_hate": np.r_[np.full(50, 0.5), rng.uniform(0.0, 0.3, n_other)],
        "label": "none", "model_version": "m"})
    out = draw(pop, 40, seed=1)
    unsure = out[out["stratum"] == "uncertainty"]
    assert len(unsure) == 20
    assert unsure["author_pseudo"].eq("troll").sum() <= 1
    assert out.loc[out["stratum"] == "random", "post_key"].is_unique


def test_the_review_population_carries_the_author_for_the_draw(tmp_path: Path) -> None:
    """``loop.sample`` over the lake: one account's 30 borderline posts give one post to the uncertainty
    stratum, not all of it."""
    posts = review_posts(n=80, seed=4)
    posts.loc[:29, "author_pseudo"] = "troll"
    labels = pd.DataFrame({"post_key": posts["post_key"], "label": "none",
                           "score_hate": np.r_[np.full(30, 0.5), np.linspace(0.0, 0.2, 50)], "target": None,
                           "assessed": True, "method": "model", "lang_detected": "en", "model_version": "m"})
    with override(home=tmp_path):
        lake.write_part("posts", as_table("posts", posts.drop(columns="truth")), "troll")
        lake.write_part("post_labels", as_table("post_labels", labels), "troll")
        loop.sample("london", "en", n=20, seed=0)
        sampled = store.samples("london")
    unsure = sampled[sampled["stratum"] == "uncertainty"]
    assert len(unsure) == 10
    assert unsure["post_key"].isin(posts.loc[:29, "post_key"]).sum() <= 1


# ------------------------------------------------------------------------------------------------ city profiles
def test_a_section_made_network_only_takes_its_past_versions_with_it(tmp_path: Path) -> None:
    """An official put the focal points' phone numbers under ``contacts`` as public by mistake, then made the
    section network-only: the history (append-only, shown to every signed-in user) still gave the numbers to
    the users of every other city. A section's past texts are read by those outside the network only while the
    section is public now."""
    from scn.access.users import User
    from scn.hub import profiles

    other, own = User("omar", "official", "saida"), User("olive", "official", "london")
    with override(home=tmp_path):
        profiles.save("london", {"contacts": ("Focal point: +44 20 7946 0000", "public"),
                                 "overview": ("A port city", "public")}, "olive")
        profiles.save("london", {"contacts": ("Focal point: +44 20 7946 0000", "network")}, "olive")
        profiles.save("london", {"overview": ("A port city on the river", "public")}, "olive")
        seen = profiles.visible(profiles.history("london"), other, "london")
        kept = profiles.visible(profiles.history("london"), own, "london")
    assert not seen["text"].str.contains("7946").any()
    assert set(seen["section"]) == {"overview", "challenges", "approaches"}  # the public past is still history
    assert seen.loc[seen["section"].eq("overview"), "text"].tolist() == ["A port city on the river",
                                                                          "A port city", "A port city"]
    assert kept["text"].str.contains("7946").sum() == 3  # the city's own official and staff keep everything


# ------------------------------------------------------------------------------------------------ the library
@pytest.mark.parametrize("field,value", [
    ("title", "Toolkit\n2\tlib-000000000000\tlink\ten\t-\tpublic\tForged result"),
    ("title", "Toolkit\rForged"), ("title", "Invoice \u202egnp.exe"), ("title", "Zero\u2028width"),
    ("region", "Europe\nForged"), ("licence", "CC-BY\x1b[2J"), ("source", "City hall\x00"),
    ("summary", "Summary\x1b]8;;https://evil.example\x07 link")])
def test_library_fields_hold_no_control_or_override_characters(tmp_path: Path, field: str, value: str) -> None:
    """A title with a line break and tabs forged a line of ``scn library search``'s tab-separated output (another
    entry, another access); an override character showed other text than the title holds (``Invoice exe.png``);
    a terminal escape in a licence ran in the operator's terminal. One-line fields refuse control, format-override
    and separator characters; the summary keeps its line breaks and tabs only."""
    from scn.hub import library

    fields = {"title": "Toolkit", "summary": "", "kind": "link", "language": "en", "access": "public",
              "url": "https://example.org/t", "themes": "", "cities": "", "region": "", "licence": "",
              "source": "", "date": ""}
    with override(home=tmp_path), pytest.raises(library.LibraryError, match=field):
        library.check_entry({**fields, field: value}, set())


def test_a_summary_keeps_its_line_breaks_and_a_title_its_arabic_marks(tmp_path: Path) -> None:
    from scn.hub import library

    fields = {"title": "دليل\u200f المدن", "summary": "Line one\nLine two\twith a tab", "kind": "link",
              "language": "ar", "access": "public", "url": "https://example.org/t"}
    with override(home=tmp_path):
        clean = library.check_entry(fields, set())
    assert clean["title"] == "دليل\u200f المدن" and clean["summary"] == "Line one\nLine two\twith a tab"


def test_library_search_prints_one_line_per_entry_whatever_an_older_title_holds(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Entries stored before the check (or by another tool) are printed escaped: one line per entry."""
    from scn.cli import main
    from scn.hub import library

    with override(home=tmp_path):
        library.ensure_loaded()
        with library._connect() as con:
            library._put(con, {"entry_id": "old-entry", "title": "Toolkit\n2\tlib-forged\tlink", "summary": "",
                               "kind": "link", "language": "en", "access": "public", "url": "https://e.org",
                               "origin": "upload", "added_at": "2026-01-01", "themes": "", "cities": ""})
        capsys.readouterr()
        assert main(["library", "search", "toolkit"]) == 0
    lines = capsys.readouterr().out.splitlines()
    hit = [line for line in lines if "old-entry" in line]
    assert len(hit) == 1 and "Toolkit\\n2\\tlib-forged\\tlink" in hit[0]
    assert not any("lib-forged" in line and "old-entry" not in line for line in lines)


def _strings(node: object) -> list[str]:
    """Every text a Dash component tree renders (children and string props)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list | tuple):
        return [s for n in node for s in _strings(n)]
    if hasattr(node, "to_plotly_json"):
        props = node.to_plotly_json()["props"]
        return [s for v in props.values() for s in _strings(v)]
    return []


def test_a_profiles_history_names_its_editors_only_to_the_city_and_staff(tmp_path: Path) -> None:
    """Every signed-in user of every city read the log-in names of the officials and staff who edited a city's
    profile ("Version 2 by olive.martin"): per-person data, and half of a credential. Users outside the city's
    network see the version and its date; the city's official and staff see who saved it."""
    from dashboards.components.profiles import history_view
    from scn.access.users import User
    from scn.hub import profiles

    with override(home=tmp_path):
        profiles.save("london", {"overview": ("A port city", "public")}, "olive.martin")
        profiles.save("london", {"overview": ("A port city on the river", "public")}, "sam.staff")
        other = " ".join(_strings(history_view("london", User("omar", "official", "saida"), "en")))
        own = " ".join(_strings(history_view("london", User("olive.martin", "official", "london"), "en")))
    assert "A port city on the river" in other and "Version 2" in other
    assert "olive.martin" not in other and "sam.staff" not in other
    assert "Version 2 by sam.staff" in own and "Version 1 by olive.martin" in own


@pytest.mark.parametrize("name,shown", [("report\u202egnp.pdf", "reportgnp.pdf"), ("a\u2066b\u2069.pdf", "ab.pdf"),
                                        ("line\u2028two.pdf", "linetwo.pdf")])
def test_a_stored_files_download_name_shows_what_it_holds(name: str, shown: str) -> None:
    """The name offered on download kept direction overrides: ``report<U+202E>gnp.pdf`` read as
    ``reportfdp.png``. Overrides, isolates and separators are dropped like control characters."""
    from scn.hub.library import safe_name

    assert safe_name(name, "pdf") == shown
