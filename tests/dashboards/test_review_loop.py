"""The review loop end to end in a real browser: a reviewer labels the city's sample on the review page, the page
and the city page then show accuracy measured on that city's posts with its interval, and reviewers' agreement;
an official is refused the review page and never receives post text in any payload of their session (every
response the browser fetched, and the documents); staff see the figures without text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from dashboards import i18n
from scn.access.users import add_user
from scn.review import loop, store
from scn.settings import override
from tests.support.browser import page_wait, sign_in
from tests.support.dash_client import find_props, home_with_users, login, route, said_near
from tests.support.review_world import label_file, publish_review, review_home
from tests.support.servers import running_dashboards

pytestmark = pytest.mark.browser
REVIEWER = ("rita", "reviewer-pass-1")
# wraps fetch in every document of the tab: each response body is kept in sessionStorage (survives navigation)
RECORDER = ("(() => { const f = window.fetch; window.fetch = async function (...a) { const r = await f.apply(this, a);"
            " try { const b = await r.clone().text(); const s = JSON.parse(sessionStorage.getItem('bodies') || '[]');"
            " s.push(b); sessionStorage.setItem('bodies', JSON.stringify(s)); } catch (e) {} return r; }; })();")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, pd.DataFrame]]:
    """The synthetic snapshot's home with London's posts in the lake (planted truth), a sample of 24 drawn,
    the first 10 labelled by a second reviewer (imported), the reviewer rita, and the app served."""
    home = home_with_users(tmp_path_factory.mktemp("scn-review-loop"))
    posts = review_home(home, n=300)
    with override(home=home):
        add_user(REVIEWER[0], "reviewer", "london", REVIEWER[1])
        add_user("rhea", "reviewer", "london", "rhea-pass-12345")  # the second reviewer, whose file is imported
        loop.sample("london", "en", n=24, seed=5)
        first = store.samples("london")["post_key"].head(10)
        other = label_file(home / "rhea.csv", posts, first, "rhea")
        frame = pd.read_csv(other)
        frame.loc[0, "label"] = "offensive" if frame.loc[0, "label"] != "offensive" else "none"  # one disagreement
        frame.to_csv(other, index=False)
        loop.import_csv(other)
    with running_dashboards(home, tmp_path_factory.mktemp("serve") / "dashboards.log",
                            secret="review-test-secret") as srv:
        yield srv.url, home, posts


def _wait(browser: webdriver.Chrome, seconds: int = 60) -> WebDriverWait:
    return page_wait(browser, seconds)


def _measured_on(n: int):  # noqa: ANN202 - a WebDriverWait condition
    """The city page's accuracy line says it was measured on n of the city's posts, n within the perturbation."""
    def check(driver: webdriver.Chrome) -> bool:
        found = driver.find_elements(By.ID, "review-accuracy-line")
        return bool(found) and said_near(f"measured on {n} of this city's posts", found[0].text)
    return check


def test_reviewer_labels_then_accuracy_shows_and_officials_never_see_text(
        world: tuple[str, Path, pd.DataFrame], browser: webdriver.Chrome) -> None:
    server, home, posts = world
    truth = dict(zip(posts["text"], posts["truth"], strict=False))  # equal texts have equal truths
    with override(home=home):
        sampled = store.samples("london")
    texts = set(posts.set_index("post_key").loc[sampled["post_key"], "text"])

    # the reviewer labels the whole sample on the review page
    sign_in(browser, server, REVIEWER[0], "/review", REVIEWER[1], english=False, wait=False, timeout=60)
    _wait(browser).until(ec.presence_of_element_located((By.ID, "review-form")))
    items = browser.find_elements(By.CSS_SELECTOR, ".review-post")
    assert len(items) == 24
    for item in items:
        label = truth[item.find_element(By.CSS_SELECTOR, ".review-text").text]
        item.find_element(By.CSS_SELECTOR, f".review-label input[value='{label}']").click()
    browser.find_element(By.ID, "review-save").click()
    _wait(browser).until(ec.text_to_be_present_in_element((By.ID, "review-status"), "24 labels saved"))
    accuracy = browser.find_element(By.ID, "review-accuracy").text
    assert "en: measured on 12 of this city's posts" in accuracy, accuracy
    assert "Cohen's kappa" in accuracy and "on 10 posts labelled twice" in accuracy
    with override(home=home):
        measured = store.accuracy("london").iloc[0]
        log = store.access_log()
        labels = store.labels("london")
    # 12 reviewed posts: too few for an F1 interval that covers (docs/review.md), so none is shown
    assert measured["n"] == 12 and pd.isna(measured["macro_f1_low"]) and pd.isna(measured["macro_f1_high"])
    assert f"macro-F1 {measured['macro_f1']:.2f} (no interval: too few reviewed posts)" in accuracy
    assert any(e["user"] == "rita" and e["what"] == "view" and len(e["post_keys"]) == 24 for e in log)
    assert len(labels) == 34 and not set(labels.columns) & {"text"} and "rita" not in set(labels["reviewer"])

    # published (the review and publish domains' run), the city page shows the accuracy measured on the city's
    # own posts, with its interval, read from the serving snapshot
    publish_review(home)
    browser.get(f"{server}/city/london")
    # the reviewer's and the official's copy: the reviewed count carries the perturbation (docs/security.md row 57)
    _wait(browser).until(_measured_on(12))
    line = browser.find_element(By.ID, "review-accuracy-line").text
    assert f"F1 {measured['f1']:.2f} (no interval: too few reviewed posts)" in line

    # an official: refused the review page; no response of their session carries a post's text
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
    sign_in(browser, server, "olive", "/review", english=False, wait=False, timeout=60)
    _wait(browser).until(lambda d: d.find_elements(By.ID, "error-title"))  # the 403 page (dashboards.app)
    assert browser.find_element(By.ID, "error-title").get_attribute("textContent") in {
        i18n.t("forbidden_title", lang) for lang in i18n.LANGS}
    documents = [browser.page_source]
    browser.get(f"{server}/city/london")
    _wait(browser).until(_measured_on(12))
    documents.append(browser.page_source)
    bodies = json.loads(browser.execute_script("return sessionStorage.getItem('bodies') || '[]'"))
    assert any("review-accuracy-line" in b for b in bodies)  # the recorder saw the city page's payloads
    leaked = [t for t in texts if any(t in b for b in bodies + documents)]
    assert not leaked, leaked[:3]

    # the official's session, as a client sends it: the page, the router and the save callback all refused
    s = login(server, "olive")
    save = {"output": "..review-status.children...review-accuracy.children..",
            "outputs": [{"id": "review-status", "property": "children"},
                        {"id": "review-accuracy", "property": "children"}],
            "inputs": [{"id": "review-save", "property": "n_clicks", "value": 1}],
            "state": [[], [], [], {"id": "review-city", "property": "data", "value": "london"},
                      {"id": "lang", "property": "value", "value": "en"}],
            "changedPropIds": ["review-save.n_clicks"]}
    answers = [s.get(f"{server}/review"), s.post(f"{server}/_dash-update-component", json=route("/review")),
               s.post(f"{server}/_dash-update-component", json=save)]
    assert [r.status_code for r in answers] == [403, 403, 403]
    assert not [t for t in texts if any(t in r.text for r in answers)]

    # staff: the figures of any city, no text
    staff = login(server, "sam").post(f"{server}/_dash-update-component", json=route("/review", "?city=london"))
    assert staff.status_code == 200 and "measured on 12 of this city" in staff.text
    assert find_props(staff.json(), "review-form") is None and not [t for t in texts if t in staff.text]
