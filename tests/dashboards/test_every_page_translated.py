"""Every page in French and Arabic, walked in headless Chromium (one pass per language, the session's browser):
staff and an official sign in, visit every page (network, city, data health, review, glossary, the alert inbox
when it exists, 403, 404, log-in) and every visible text node, chart text (axis titles, legends, ticks, hover
templates), table header and cell is checked: no English text of an i18n key, no English word (French) or Latin
word (Arabic) outside data values (place and summit names, numbers, codes the pipeline writes as data).

Besides the walk, a static check: every ``t("key")`` the pages and components call has its three languages."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pandas as pd
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from dashboards import i18n
from tests.support.browser import fill_login_form, page_wait
from tests.support.snapshots import make_tables

pytestmark = pytest.mark.browser
DASHBOARDS = Path(i18n.__file__).parent
WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’]*")
# values the data bring (proper names, identifiers, pipeline codes shown to staff as data on the health page)
DATA_COLUMNS = {"cities": ("name", "city_id"), "areas": ("area_name", "area_code"),
                "summit_metrics": ("summit", "city"), "asset_health": ("asset_key", "group", "last_run_id",
                                                                         "last_run_status"),
                "check_results": ("asset_key", "check_name", "severity", "description"),
                "quarantine_summary": ("kind", "field", "reason"), "classifier_eval": ("dataset", "platform")}
# words on screen that are the same in every language (units, names of methods, the product's own names)
SHARED = {"f1", "n", "p", "g", "ci", "utc", "dagster", "scn", "run", "km", "ar", "en", "fr", "csv", "xlsx",
          "kappa", "macro", "x", "parquet", "sam", "olive", "omar", "moran", "spearman", "holm", "cohen", "poisson", "bazaar",
          "natural", "earth"}  # proper names: people, methods, the base map's source (Natural Earth)

COLLECT = """
const out = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode, el = node.parentElement, text = node.textContent.trim();
  if (!text || !el || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName)) continue;
  if (!el.getClientRects().length) continue;
  const marked = el.closest('[lang]');  // content in its own language (a library entry), marked as such
  if (marked && marked !== document.getElementById('shell') && marked.lang !== document.documentElement.lang) continue;
  out.push(text);
}
document.querySelectorAll('.js-plotly-plot').forEach(g => (g.data || []).forEach(tr => {
  if (typeof tr.hovertemplate === 'string') out.push(tr.hovertemplate);
  if (typeof tr.name === 'string') out.push(tr.name);
}));
document.querySelectorAll('[placeholder]').forEach(e => out.push(e.getAttribute('placeholder')));
out.push(document.title);
return out;
"""
STABLE = "return document.body.innerText.length"
def _words(texts: object) -> set[str]:
    return {w.lower() for s in texts for w in WORD.findall(str(s))}


def _vocab(lang: str) -> set[str]:
    entries = [*i18n.TEXT.values(), *i18n.COLUMNS.values(), *(e for d in i18n._CODES.values() for e in d.values())]
    texts = [e.get(lang, "") for e in entries] + [" ".join(g[lang]) for g in i18n.GLOSSARY.values()]
    return _words(re.sub(r"\{[^}]*\}", " ", t) for t in texts)


def _data_words() -> set[str]:
    tables = make_tables()
    values = [v for name, cols in DATA_COLUMNS.items() for c in cols if c in tables[name]
              for v in pd.unique(tables[name][c].dropna().astype(str))]
    return _words(values) | _words(tables["check_results"]["asset_key"].str.split("/").sum()) | _words(
        [*tables.keys(), "levels"])  # table names; publish adds `levels` (scn.privacy.published_levels)


def _clean(text: str) -> str:
    """A hover template's placeholders and markup out; file names and paths (words the data bring) out."""
    text = re.sub(r"%\{[^}]*\}|<[^>]+>|\$\{[^}]*\}", " ", text)
    return re.sub(r"\S+[/.]\S+|[\w-]*\d[\w.-]*", " ", text)  # paths, and codes with digits (2026-W40, 3f9a1c)


def _problems(texts: list[str], lang: str, allowed: set[str], english_only: set[str]) -> list[str]:
    english = {e["en"] for e in [*i18n.TEXT.values(), *i18n.COLUMNS.values()] if e.get(lang) != e["en"]}
    bad = []
    for raw in (x for x in texts if x not in i18n.LANGS.values()):
        text = _clean(raw)
        words = {w.lower() for w in WORD.findall(text)}
        if raw.strip() in english and len(raw.strip()) > 3:
            bad.append(raw)
        elif lang == "fr" and words & english_only:
            bad.append(f"{raw}  [{', '.join(sorted(words & english_only))}]")
        elif lang == "ar" and (latin := {w for w in words if re.match(r"[a-z]", w)} - allowed):
            bad.append(f"{raw}  [{', '.join(sorted(latin))}]")
    return sorted(set(bad))


def _wait(browser: webdriver.Chrome, seconds: int = 30) -> WebDriverWait:
    return page_wait(browser, seconds)


def _settle(browser: webdriver.Chrome, ready: str) -> None:
    """Until ``ready`` is on the page and its text stops growing (callbacks and charts done)."""
    _wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, ready))
    last, same = -1, 0
    for _ in range(15):
        now = browser.execute_script(STABLE)
        busy = browser.find_elements(By.CSS_SELECTOR, "[data-dash-is-loading='true']")
        same = same + 1 if now == last and not busy else 0
        if same >= 2:
            return
        last = now
        time.sleep(0.2)


def _sign_in(browser: webdriver.Chrome, server: str, user: str, lang: str) -> list[str]:
    browser.delete_all_cookies()
    browser.get(f"{server}/login")
    radio = _wait(browser).until(ec.element_to_be_clickable((By.CSS_SELECTOR, f"#lang input[value='{lang}']")))
    if not radio.is_selected():
        radio.click()
    _wait(browser).until(lambda d: d.find_element(By.ID, "shell").get_attribute("lang") == lang)
    _settle(browser, "#login-form")
    seen = browser.execute_script(COLLECT)
    fill_login_form(browser, user)
    _wait(browser).until(lambda d: "/login" not in d.current_url)
    return seen


def _visit(browser: webdriver.Chrome, url: str, ready: str) -> list[str]:
    """A page the server writes (403, 404): loaded as a whole."""
    browser.get(url)
    _settle(browser, ready)
    return browser.execute_script(COLLECT)


def _go(browser: webdriver.Chrome, path: str, ready: str) -> list[str]:
    """A Dash page reached as a link does (no reload of the app's scripts): the old content is marked and the
    walk waits until the router has replaced it."""
    browser.execute_script(
        "document.querySelectorAll('#_pages_content > *').forEach(e => e.setAttribute('data-scn-old', '1'));"
        "window.history.pushState({}, '', arguments[0]);"
        "window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));", path)
    _wait(browser).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-scn-old]"))
    _settle(browser, ready)
    return browser.execute_script(COLLECT)


def test_every_key_the_pages_use_is_in_three_languages() -> None:
    sources = [*DASHBOARDS.glob("pages/*.py"), *DASHBOARDS.glob("components/*.py"), DASHBOARDS / "app.py",
               DASHBOARDS / "downloads.py"]
    used = {k for f in sources for k in re.findall(r"\bt\(\s*\"([a-z0-9_-]+)\"", f.read_text())}
    assert len(used) > 40
    keys = {k if i18n.has(k) else f"review_loop_{k}" for k in used}  # components/review.py's own t()
    assert sorted(k for k in keys if not i18n.has(k)) == []
    for key in keys:
        assert {k for k, v in i18n.TEXT[key].items() if v} == set(i18n.LANGS), key
    for kind, entries in i18n._CODES.items():
        for code, entry in entries.items():
            assert set(entry) == set(i18n.LANGS) and all(entry.values()), (kind, code)
    for key, entry in i18n.GLOSSARY.items():
        assert set(entry) == set(i18n.LANGS) and all(all(v) for v in entry.values()), key


def test_the_checker_catches_english() -> None:
    """The rules of the walk fail a page that kept an English sentence or a code-word, and pass data values."""
    english_only = _vocab("en") - _vocab("fr") - _data_words() - SHARED
    allowed = _vocab("ar") | _data_words() | SHARED
    assert _problems(["Flagged (hateful) posts", "Verdict : les publications haineuses viennent d'abord",
                      "London 3"], "fr", allowed, english_only) == ["Flagged (hateful) posts"]
    found = _problems(["young cities", "محور البرنامج", "London 3", "F1 0.57"], "ar", allowed, english_only)
    assert len(found) == 1 and found[0].startswith("young cities")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_page_speaks_the_language(server: str, browser: webdriver.Chrome, lang: str) -> None:
    english_only = _vocab("en") - _vocab("fr") - _data_words() - SHARED
    allowed = _vocab("ar") | _data_words() | SHARED
    seen: dict[str, list[str]] = {"/login": _sign_in(browser, server, "sam", lang)}
    pages = [("/network", "#net-kpis"), ("/city/london", "#series .js-plotly-plot"), ("/health", "#health-assets"),
             ("/review", "#page h2"), ("/glossary", "#glossary-terms")]
    if (DASHBOARDS / "pages" / "alerts.py").exists():
        pages.append(("/alerts", "#page h2"))
    # the Online Hub (issue 22): profiles, library and the staff tools
    pages += [("/cities", "#profiles-results"), ("/cities/london", "#profile-facts"), ("/library", "#library-title"),
              ("/staff/upload", "#upload-form"), ("/staff/users", "#users-table"), ("/staff/audit", "#audit-title")]
    pages.append(("/no-such-page", "#error-title"))  # last: a page the server writes, without the app
    try:
        for path, ready in pages:
            seen[path] = _go(browser, path, ready) if path != "/no-such-page" else \
                _visit(browser, f"{server}{path}", ready)
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("dir") == i18n.direction(lang)
        _sign_in(browser, server, "olive", lang)
        seen["/city/london (official)"] = _go(browser, "/city/london", "#series .js-plotly-plot")
        if lang == "ar":  # right to left, tables included: the first column rightmost, cells read right to left
            assert browser.find_element(By.ID, "shell").get_attribute("dir") == "rtl"
            heads = browser.execute_script(
                "return Array.from(document.querySelectorAll('#risk th')).map(h => "
                "[h.innerText.trim(), h.getBoundingClientRect().left])")
            named = {text: x for text, x in heads if text}
            assert named[i18n.column("rank", lang)] == max(named.values()), named
            cells = browser.find_elements(By.CSS_SELECTOR, "#risk td")
            assert cells and all(c.value_of_css_property("direction") == "rtl" for c in cells[:5])
        seen["/city/saida (403)"] = _visit(browser, f"{server}/city/saida", "#error-title")
        assert browser.find_element(By.ID, "error-message").text == i18n.t("forbidden", lang)
    finally:
        browser.delete_all_cookies()
        browser.execute_script("window.localStorage.clear()")
    problems = {page: p for page, texts in seen.items() if (p := _problems(texts, lang, allowed, english_only))}
    assert problems == {}, "\n".join(f"{page}:\n  " + "\n  ".join(p) for page, p in problems.items())
    assert all(len(texts) > 3 for texts in seen.values()), {k: len(v) for k, v in seen.items()}
