"""The explorer page in a real headless Chromium: the file `logminer export --format html` writes,
offline from file://, filtering, deep links, copying, the keyboard, narrow and dark screens, hostile
data; and "Try it", against a fake billing and against the explorer of `logminer explore --sandbox`."""

from __future__ import annotations

import copy
import fnmatch
import json
import re
import time
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from playwright.sync_api import expect

from logminer.cli import main
from logminer.explorer import Explorer, ExplorerServer, render_page, serve
from logminer.explorer.server import NO_BILLING, TOKEN_HEADER
from tests.browser import chromium, needs_browser
from tests.explorer_documents import INJECTIONS, hostile_document, large_document, sample_document
from tests.helpers import FIXTURE
from tests.test_explorer_page import inline_data

pytestmark = [needs_browser, pytest.mark.browser]
# A loaded machine (CI, or the suite beside a benchmark) can take longer than Playwright's 5 s default
# to draw a view after a click or a step back: assertions wait up to 20 s, returning once they hold.
expect.set_options(timeout=20_000)

SAMPLE = sample_document()
METHODS = {method["method"]: method for method in SAMPLE["methods"]}


@pytest.fixture(scope="session")
def browser():
    with chromium() as running:
        yield running


@pytest.fixture(scope="session")
def large():
    return large_document()


def run(*arguments: str) -> str:
    """A logminer command's output (it must succeed)."""
    result = CliRunner().invoke(main, list(arguments))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="session")
def exported(tmp_path_factory):
    """The sample log mined and exported by the commands: (the catalog file, the page's file)."""
    folder = tmp_path_factory.mktemp("exported")
    catalog = folder / "catalog.json"
    run("mine", str(FIXTURE), "--catalog", str(catalog), "--quiet")
    page = folder / "api.html"
    run("export", "--format", "html", "-o", str(page), "--catalog", str(catalog))
    return catalog, page


@pytest.fixture(scope="session")
def pages(tmp_path_factory, large, exported):
    """Explorer pages, name -> file:// URL: the sample's as `export --format html` wrote it, and the
    hostile and large documents rendered."""
    folder = tmp_path_factory.mktemp("explorer")
    urls = {"sample": exported[1].as_uri()}
    for name, document in (("hostile", hostile_document()), ("large", large)):
        path = folder / f"{name}.html"
        path.write_text(render_page(document), encoding="utf-8")
        urls[name] = path.as_uri()
    return urls


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == []


def visible_methods(page) -> list[str]:
    return page.eval_on_selector_all(
        "li[data-method]", "items => items.filter(i => i.offsetParent !== null).map(i => i.dataset.method)"
    )


def filter_list(page, text: str) -> list[str]:
    """Type ``text`` into the filter and wait until the page has filtered with it."""
    before = page.evaluate("performance.getEntriesByName('logminer-filter').length")
    page.fill("input[type=search]", text)
    page.wait_for_function("n => performance.getEntriesByName('logminer-filter').length > n", arg=before)
    return visible_methods(page)


def matches(pattern: str, name: str) -> bool:
    """The filter's rule, as logminer methods and search read it: a glob with * or ?, else a substring."""
    pattern, name = pattern.lower(), name.lower()
    if "*" in pattern or "?" in pattern:
        return fnmatch.fnmatchcase(name, pattern.replace("[", "[[]"))
    return pattern in name


def test_the_exported_file_holds_the_sample_s_document(exported):
    """What the tests below expect of the sample (SAMPLE) is what `export --format html` wrote."""
    data = inline_data(exported[1].read_text(encoding="utf-8"))
    assert data["methods"] == SAMPLE["methods"]
    assert data["catalog"] == {**SAMPLE["catalog"], "sources": [str(FIXTURE)]}


def test_the_file_opens_offline_and_lists_every_method(context, pages):
    """Every request but the file itself is aborted and recorded: there must be none."""
    others = []

    def only_the_file(route):
        if route.request.url == pages["sample"]:
            route.continue_()
        else:
            others.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_file)
    page = context.new_page()
    page.goto(pages["sample"])
    listed = page.eval_on_selector_all("li[data-method]", "items => items.map(i => i.dataset.method)")
    assert sorted(listed) == sorted(METHODS)
    assert len(visible_methods(page)) == 43
    expect(page.locator("main h1")).to_have_text("JeraSoft Billing Management API")
    assert page.locator("input[type=search]").count() == 1
    page.goto(pages["sample"] + "#method=clients.add")
    page.get_by_role("button", name="Copy Command line").first.click()
    assert others == []


def test_the_filter_narrows_the_list_by_method_name(page, pages):
    page.goto(pages["sample"])
    for text in ["clients.", "CLIENTS.ADD", "*.list", "clients.?dd", "reports.*", "nothing-like-it"]:
        expected = {
            name
            for name, method in METHODS.items()
            if matches(text, name) or any(matches(text, p["name"]) for p in method["params"])
        }
        assert set(filter_list(page, text)) == expected, text
        count = page.locator("#filter-count").inner_text()
        assert count == f"{len(expected)} of 43 methods"
    assert page.locator("section.module:visible").count() == 0


def test_the_filter_finds_methods_by_argument_name_and_says_which(page, pages):
    page.goto(pages["sample"])
    found = filter_list(page, "cp_modules")
    assert set(found) == {
        n for n, m in METHODS.items() if any("cp_modules" in p["name"] for p in m["params"])
    }
    match = page.locator('li[data-method="clients.add"] .entry-match')
    assert match.inner_text().startswith("argument")
    assert "cp_modules" in match.inner_text()
    # brackets are literal: settings[mail] is an argument, not a character class
    assert filter_list(page, "settings[mail]") == ["settings.edit"]
    assert set(filter_list(page, "filter[*]")) == {"reports.summary.export"}
    assert len(filter_list(page, "")) == 43


def test_sorting_by_calls_and_last_seen(page, pages):
    page.goto(pages["sample"])
    page.select_option("#sort", "calls")
    busiest = max(METHODS.values(), key=lambda m: m["calls"])
    first_module = page.locator("section.module").first
    assert first_module.get_attribute("data-module") == "clients"
    assert first_module.locator("li[data-method]").first.get_attribute("data-method") == busiest["method"]
    page.select_option("#sort", "name")
    assert visible_methods(page) == sorted(METHODS, key=lambda n: (n.split(".")[0], n))


def test_a_deep_link_opens_the_method_with_its_arguments(page, pages):
    for name in ["clients.add", "settings.edit", "reports.summary.export", "currencies.list"]:
        page.goto(pages["sample"] + "#method=" + quote(name, safe=""))
        expect(page.locator("main h1")).to_have_text(name)
        rows = page.eval_on_selector_all(
            "main tr[data-argument]", "rows => rows.map(r => r.dataset.argument)"
        )
        assert sorted(rows) == sorted(p["name"] for p in METHODS[name]["params"])
        assert page.locator(f'li[data-method="{name}"] a').get_attribute("aria-current") == "page"
    page.goto(pages["sample"] + "#method=clients.ad")
    expect(page.locator("main h1")).to_have_text("No method clients.ad")
    page.locator("main").get_by_role("link", name="clients.add").click()
    expect(page.locator("main h1")).to_have_text("clients.add")


def test_a_method_s_rows_are_the_arguments_show_prints(page, pages, exported):
    """Every argument of `logminer show clients.add --format json`, in its order, and no other."""
    shown = json.loads(run("show", "clients.add", "--format", "json", "--catalog", str(exported[0])))
    page.goto(pages["sample"] + "#method=clients.add")
    expect(page.locator("main h1")).to_have_text("clients.add")
    rows = page.eval_on_selector_all("main tr[data-argument]", "rows => rows.map(r => r.dataset.argument)")
    assert rows == [param["name"] for param in shown["params"]]


def test_an_argument_row_shows_presence_types_examples_and_values(page, pages):
    page.goto(pages["sample"] + "#method=clients.add")
    row = page.locator('tr[data-argument="id_companies"]')
    assert "required" in row.inner_text()
    assert "16/16 · 100%" in row.inner_text()
    assert "int:15 bool:1" in row.locator("td").nth(1).inner_text()
    row.locator("a.ref").click()
    expect(page).to_have_url(re.compile("#module=companies$"))
    expect(page.locator("main h1")).to_have_text("companies")
    assert "companies.add" in page.locator("main table").inner_text()
    page.goto(pages["sample"] + "#method=users.add")
    assert page.locator('tr[data-argument="password"]').inner_text().count("secret: not kept") == 2


def test_bracket_paths_fold_as_a_tree(page, pages):
    page.goto(pages["sample"] + "#method=settings.edit")
    fold = page.locator('tr[data-argument="settings"] button.fold')
    assert fold.get_attribute("aria-expanded") == "true"
    child = page.locator('tr[data-argument="settings[mail][from]"]')
    assert child.is_visible()
    fold.click()
    assert fold.get_attribute("aria-expanded") == "false"
    assert not child.is_visible()
    assert page.locator('tr[data-argument="section"]').is_visible()
    fold.press("Enter")
    assert child.is_visible()


def test_a_deep_link_to_an_argument_marks_its_row(page, pages):
    page.goto(
        pages["sample"] + "#method=reports.summary.export&argument=" + quote("filter[id_clients][]", safe="")
    )
    row = page.locator("tr.target")
    assert row.get_attribute("data-argument") == "filter[id_clients][]"


def test_copy_buttons_copy_the_exemplar_text_exactly(context, pages):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(pages["sample"] + "#method=clients.add")
    exemplar = METHODS["clients.add"]["exemplars"][0]["call"]
    for label, key in (("Command line", "cli"), ("Python", "python"), ("JSON-RPC body", "json")):
        page.get_by_role("button", name=f"Copy {label}").first.click()
        expect(page.locator("#toast")).to_have_text(f"Copied {label}")
        assert page.evaluate("navigator.clipboard.readText()") == exemplar[key]


def test_the_copy_buttons_copy_what_show_example_prints(context, pages, exported):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(pages["sample"] + "#method=clients.add")
    for label, form in (("Command line", "cli"), ("Python", "python"), ("JSON-RPC body", "json")):
        printed = run("show", "clients.add", "--example", form, "--catalog", str(exported[0]))
        page.get_by_role("button", name=f"Copy {label}").first.click()
        expect(page.locator("#toast")).to_have_text(f"Copied {label}")
        assert page.evaluate("navigator.clipboard.readText()") + "\n" == printed


def test_without_the_clipboard_the_text_is_shown_selected(context, pages):
    context.add_init_script("navigator.clipboard.writeText = () => Promise.reject(new Error('blocked'))")
    page = context.new_page()
    page.goto(pages["sample"] + "#method=clients.add")
    page.get_by_role("button", name="Copy Command line").first.click()
    area = page.locator("textarea.fallback")
    expect(area).to_be_visible()
    assert area.input_value() == METHODS["clients.add"]["exemplars"][0]["call"]["cli"]
    selected = page.evaluate(
        "(() => { const a = document.activeElement;"
        " return a.value.slice(a.selectionStart, a.selectionEnd); })()"
    )
    assert selected == area.input_value()


def test_the_keyboard_reaches_the_filter_and_opens_methods(page, pages):
    page.goto(pages["sample"])
    page.locator("body").press("/")
    assert page.evaluate("document.activeElement.type") == "search"
    page.keyboard.type("clients.ed")
    page.wait_for_function("() => document.getElementById('filter-count').textContent.startsWith('2 of')")
    page.keyboard.press("Enter")
    expect(page.locator("main h1")).to_have_text("clients.edit")
    assert page.evaluate("document.activeElement.tagName") == "H1"
    page.locator("body").press("/")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('li').dataset.method") == "clients.editForm"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#method=clients.editForm$"))
    # Tab from the filter goes to the sort, then into the list: the module, its first method
    page.locator("input[type=search]").fill("")
    page.wait_for_function("() => document.getElementById('filter-count').textContent === '43 methods'")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "sort"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#module=accounts"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('li').dataset.method") == "accounts.add"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    expect(page.locator("main h1")).to_have_text("accounts.add")


def test_back_and_forward(page, pages):
    page.goto(pages["sample"] + "#method=clients.add")
    page.locator('li[data-method="users.add"] a').click()
    expect(page.locator("main h1")).to_have_text("users.add")
    page.go_back()
    expect(page.locator("main h1")).to_have_text("clients.add")
    page.go_forward()
    expect(page.locator("main h1")).to_have_text("users.add")


def test_a_narrow_screen_has_no_horizontal_scroll(page, pages):
    page.set_viewport_size({"width": 360, "height": 740})
    for route in ["", "#method=clients.add", "#method=settings.edit", "#module=clients", "#method=users.add"]:
        page.goto("about:blank")  # a new load each time, so the view is drawn when goto returns
        page.goto(pages["sample"] + route)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, route
        nav = page.locator("nav").bounding_box()
        main = page.locator("main").bounding_box()
        assert nav["y"] + nav["height"] <= main["y"] + 1  # the list above the method


# The contrast (WCAG 2) of each element's text against the first opaque background behind it.
CONTRASTS = """selectors => selectors.map(selector => {
    const element = document.querySelector(selector);
    const rgb = text => text.match(/[\\d.]+/g).map(Number);
    const luminance = ([r, g, b]) => [r, g, b].map(c => c / 255)
        .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
        .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
    let behind = element;
    while (behind && (rgb(getComputedStyle(behind).backgroundColor)[3] === 0)) behind = behind.parentElement;
    const [a, b] = [luminance(rgb(getComputedStyle(element).color)),
                    luminance(rgb(getComputedStyle(behind || document.body).backgroundColor))];
    return [selector, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
})"""
TEXTS = [
    "main h1",
    ".crumb",
    ".facts dt",
    ".help",
    ".entry-meta",
    ".module h2",
    "main td .small",
    "main a",
    ".count",
]


def test_the_dark_scheme_applies_and_text_contrast_suffices_in_both(page, pages):
    page.goto(pages["sample"] + "#method=clients.add")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    light_contrasts = page.evaluate(CONTRASTS, TEXTS)
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light == "rgb(255, 255, 255)"
    assert dark == "rgb(13, 17, 23)"
    for selector, ratio in light_contrasts + page.evaluate(CONTRASTS, TEXTS):
        assert ratio >= 4.5, (selector, ratio)


def test_injected_script_never_runs(page, pages):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    document = hostile_document()
    evil = document["methods"][-1]
    page.goto(pages["hostile"])
    page.goto(pages["hostile"] + "#method=" + quote(evil["method"], safe=""))
    expect(page.locator("main h1")).to_have_text(evil["method"])
    rows = page.eval_on_selector_all("main tr[data-argument]", "rows => rows.map(r => r.dataset.argument)")
    assert sorted(rows) == sorted(p["name"] for p in evil["params"])
    assert INJECTIONS[0] in page.locator("main").inner_text()
    filter_list(page, INJECTIONS[1])
    page.goto(pages["hostile"] + "#module=" + quote(INJECTIONS[1][:20], safe=""))
    page.wait_for_timeout(100)
    assert page.evaluate("window.pwned") is None
    assert dialogs == []
    assert page.locator("main img, main svg[onload], main script").count() == 0


def test_a_large_catalog_opens_and_filters_quickly(page, pages, large):
    started = time.perf_counter()
    page.goto(pages["large"])
    assert page.locator("li[data-method]").count() == 2000
    ready = page.evaluate("performance.getEntriesByName('logminer-ready')[0].startTime")
    assert ready < 5000, ready
    assert time.perf_counter() - started < 10
    found = filter_list(page, "id_vouchers")
    assert len(found) == 20 and all(name.startswith("vouchers.") for name in found)
    filter_took = page.evaluate(
        "Math.max(...performance.getEntriesByName('logminer-filter').map(e => e.duration))"
    )
    assert filter_took < 500, filter_took
    # a method of two years: whole months first, then each day
    page.locator('li[data-method="vouchers.add"] a').click()
    expect(page.locator("main h1")).to_have_text("vouchers.add")
    method = next(m for m in large["methods"] if m["method"] == "vouchers.add")
    months = [key for key in method["calls_by_day"] if len(key) == 7]
    days = [key for key in method["calls_by_day"] if len(key) == 10]
    assert page.locator("svg.chart.months rect").count() == len(months)
    assert page.locator("svg.chart.days rect").count() == len(days)
    assert "By month" in page.locator("main").inner_text()


def test_calls_an_older_catalog_counted_are_said_to_be_undated(page, pages, large):
    partly = next(m for m in large["methods"] if m["legacy_calls"] and m["calls_by_day"])
    page.goto(pages["large"] + "#method=" + partly["method"])
    first_day = min(partly["calls_by_day"])
    note = page.locator("main .note").inner_text()
    assert note.startswith(f"{partly['legacy_calls']:,} calls before {first_day} not dated")
    # a container's presence is counted over the calls whose containers were recorded
    container = next(p for p in partly["params"] if p["container"])
    assert container["known_calls"] == partly["calls"] - partly["legacy_calls"]
    row = page.locator(f'tr[data-argument="{container["name"]}"] td').first
    assert f"{container['seen']:,}/{container['known_calls']:,}" in row.inner_text()
    only_old = next(m for m in large["methods"] if m["legacy_calls"] and not m["calls_by_day"])
    assert only_old["legacy_calls"] == only_old["calls"]
    page.goto(pages["large"] + "#method=" + only_old["method"])
    expect(page.locator("main h1")).to_have_text(only_old["method"])
    main = page.locator("main")
    assert f"{only_old['calls']:,} calls not dated" in main.inner_text()
    assert "No dated calls." in main.inner_text() and "No example call was kept." in main.inner_text()


# --- served: Try it -----------------------------------------------------------------------------------


class FakeBilling:
    """check and call as the lead's code will give them: findings for a misspelt name, a masked reply."""

    def __init__(self, strict: bool = False) -> None:
        self.strict = strict
        self.checked: list[dict] = []
        self.called: list[dict] = []

    def check(self, method: str, params: dict) -> list[dict]:
        self.checked.append(params)
        return [
            {
                "level": "error",
                "argument": name,
                "message": f"{method} takes no {name}.",
                "suggestions": ["name"],
            }
            for name in params
            if name == "nmae"
        ]

    def call(self, method: str, params: dict) -> dict:
        findings = self.check(method, params)
        command = (
            "logminer call "
            + method
            + " "
            + " ".join(f"{k}={v}" for k, v in params.items() if isinstance(v, str))
        )
        if self.strict:
            findings = findings or [
                {
                    "level": "warning",
                    "argument": None,
                    "message": "Strict: nothing is sent.",
                    "suggestions": [],
                }
            ]
            return {"sent": False, "findings": findings, "reply": None, "error": None, "command": command}
        self.called.append(params)
        reply = {"jsonrpc": "2.0", "id": 1, "result": {"id_clients": 42, "cp_password": "********"}}
        return {"sent": True, "findings": findings, "reply": reply, "error": None, "command": command}


def wait_until(condition, timeout: float = 10) -> None:
    """Poll a condition on the server's side (what the fake billing was given) until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def served(billing: FakeBilling, call: bool = True) -> ExplorerServer:
    return ExplorerServer(lambda: copy.deepcopy(SAMPLE), billing.check, billing.call if call else None)


def open_try_it(page, server: ExplorerServer, method: str = "clients.add"):
    page.goto(server.url + "#method=" + method)
    section = page.locator("section.try")
    section.scroll_into_view_if_needed()
    page.wait_for_selector("section.try .findings")
    return section


def test_try_it_checks_as_the_user_types_and_sends(page):
    billing = FakeBilling()
    with served(billing) as server:
        section = open_try_it(page, server)
        names = section.locator("input[list]")
        exemplar = METHODS["clients.add"]["exemplars"][0]["params"]
        assert names.count() >= len(exemplar)
        assert "No findings" in section.locator(".findings").inner_text()
        assert billing.checked[0]["name"] == exemplar["name"]
        name = section.locator('input[list][value="name"]')
        name.fill("nmae")
        section.locator(".findings li.error").wait_for()
        assert "takes no nmae" in section.locator(".findings").inner_text()
        section.get_by_role("button", name="Use name instead of nmae").click()
        assert name.input_value() == "name"
        section.locator(".findings li.ok").wait_for()
        section.get_by_role("button", name="Add argument").click()
        rows = section.locator(".row")
        rows.last.locator("input").first.fill("comment")
        rows.last.locator("input").nth(1).fill("hello </script>")
        section.get_by_role("button", name="Send").click()
        section.locator(".result pre.reply").wait_for()
        assert billing.called[-1]["comment"] == "hello </script>"
        assert (
            json.loads(section.locator(".result pre.reply").inner_text())["result"]["cp_password"]
            == "********"
        )
        assert section.locator(".result h3").first.inner_text() == "Sent"
        assert "logminer call clients.add" in section.locator(".result .copyable").inner_text()


def test_try_it_builds_nested_params_and_edits_raw_json(page):
    billing = FakeBilling()
    with served(billing) as server:
        section = open_try_it(page, server, "settings.edit")
        section.get_by_label("Edit as JSON").check()
        area = section.locator("textarea")
        params = json.loads(area.input_value())
        assert params["settings"]["mail"]["from"]
        params["extra"] = {"list": [1, 2]}
        area.fill(json.dumps(params))
        wait_until(lambda: billing.checked[-1] == params)
        section.get_by_label("Edit as JSON").uncheck()
        names = section.locator("input[list]").evaluate_all("inputs => inputs.map(i => i.value)")
        assert "settings[mail][from]" in names and "extra[list][]" in names


def test_a_strict_refusal_sends_nothing_and_says_so(page):
    billing = FakeBilling(strict=True)
    with served(billing) as server:
        section = open_try_it(page, server)
        section.get_by_role("button", name="Send").click()
        section.locator(".result h3").first.wait_for()
        assert section.locator(".result h3").first.inner_text() == "Not sent"
        assert "Nothing was sent" in section.locator(".result").inner_text()
        assert "Strict: nothing is sent." in section.locator(".result").inner_text()
        assert billing.called == []


def test_without_a_billing_send_is_disabled_and_says_how(page):
    billing = FakeBilling()
    with served(billing, call=False) as server:
        section = open_try_it(page, server)
        assert section.get_by_role("button", name="Send").is_disabled()
        assert NO_BILLING in section.inner_text()


def test_another_origin_cannot_use_the_api(page):
    """A page on another origin can neither read the API (no CORS) nor make it act (Origin refused)."""
    billing = FakeBilling()
    with served(billing) as server, served(FakeBilling()) as elsewhere:
        page.goto(elsewhere.url)
        outcome = page.evaluate(
            """async ([url, token]) => {
                const results = [];
                try {
                    await fetch(url + "/api/call", {method: "POST",
                        body: '{"method":"clients.add","params":{}}',
                        headers: {"Content-Type": "application/json", "X-Logminer-Token": token}});
                    results.push("read");
                } catch (error) { results.push("blocked"); }
                try {
                    const blind = await fetch(url + "/api/call", {method: "POST", mode: "no-cors",
                        body: '{"method":"clients.add","params":{}}',
                        headers: {"Content-Type": "text/plain"}});
                    results.push(blind.type);
                } catch (error) { results.push("blocked"); }
                return results;
            }""",
            [f"http://127.0.0.1:{server.port}", server.token],
        )
        assert outcome[0] == "blocked" and outcome[1] in ("blocked", "opaque")
        assert billing.called == [] and billing.checked == []


def test_the_served_page_without_the_token_shows_nothing(page):
    with served(FakeBilling()) as server:
        reply = page.goto(f"http://127.0.0.1:{server.port}/#method=clients.add")
        assert reply.status == 403
        assert "clients.add" not in page.content()


# --- served by logminer explore, with the sandbox ---------------------------------------------------


def test_try_it_sends_to_the_sandbox_and_shows_the_masked_reply(page, exported):
    with Explorer(exported[0], sandbox=True) as explorer:
        section = open_try_it(page, explorer.server)
        # the exemplar's secret is the placeholder <secret>: sent as it is, nothing leaves
        section.get_by_role("button", name="Send").click()
        section.locator(".result h3").first.wait_for()
        assert section.locator(".result h3").first.inner_text() == "Not sent"
        assert "cp_password still holds the placeholder <secret>" in section.locator(".result").inner_text()
        assert explorer.sandbox.calls == 0
        secret = section.locator('.row:has(input[list][value="cp_password"]) input:not([list])')
        secret.fill("Real-pw-123")
        section.get_by_role("button", name="Send").click()
        section.locator(".result pre.reply").wait_for()
        assert explorer.sandbox.calls == 1
    assert section.locator(".result h3").first.inner_text() == "Sent"
    reply = json.loads(section.locator(".result pre.reply").inner_text())
    sent = METHODS["clients.add"]["exemplars"][0]["params"]
    assert reply["result"]["code"] is True
    assert reply["result"]["return"]["params"] == {**sent, "cp_password": "********"}
    assert reply["result"]["session_id"] == "********"
    assert "Real-pw-123" not in section.locator(".result").inner_text()
    # the same call from the command line: the example `show --example` prints
    command = section.locator(".result .copyable").inner_text()
    assert run("show", "clients.add", "--example", "--catalog", str(exported[0])).strip() in command


def test_try_it_in_strict_mode_sends_nothing(page, exported):
    with Explorer(exported[0], sandbox=True, validate="strict") as explorer:
        section = open_try_it(page, explorer.server)
        section.locator('input[list][value="name"]').fill("nmae")
        section.locator(".findings li.error").wait_for()
        section.get_by_role("button", name="Send").click()
        section.locator(".result h3").first.wait_for()
        assert section.locator(".result h3").first.inner_text() == "Not sent"
        assert "'nmae' was never seen" in section.locator(".result").inner_text()
        assert explorer.sandbox.calls == 0


def test_explore_refuses_requests_without_the_token(page, exported):
    with Explorer(exported[0], sandbox=True) as explorer:
        base = f"http://127.0.0.1:{explorer.server.port}"
        reply = page.goto(base + "/#method=clients.add")
        assert reply.status == 403 and "clients.add" not in page.content()
        page.goto(explorer.url)
        statuses = page.evaluate(
            """async ([header, token]) => {
                const body = JSON.stringify({method: "clients.add", params: {name: "Acme"}});
                const post = (headers) => fetch("/api/call", {method: "POST", body: body,
                    headers: {"Content-Type": "application/json", ...headers}}).then((r) => r.status);
                return [await post({}), await post({[header]: token + "x"}), await post({[header]: token})];
            }""",
            [TOKEN_HEADER, explorer.server.token],
        )
        assert statuses == [403, 403, 200]
        assert explorer.sandbox.calls == 1  # the one with the token


def test_the_browser_opened_by_explore_lands_on_the_page(page, exported, monkeypatch):
    """`serve(open_browser=True)` gives the browser a local file that leads to the URL with its token."""
    opened, landed = [], []
    monkeypatch.setattr("webbrowser.open", opened.append)

    def serving(explorer):
        explorer.start()
        page.goto(opened[0])
        page.wait_for_url(explorer.url)
        page.wait_for_function("() => performance.getEntriesByName('logminer-ready').length > 0")
        landed.append(page.locator("main h1").inner_text())
        raise KeyboardInterrupt

    monkeypatch.setattr(Explorer, "serve_forever", serving)
    serve(exported[0], sandbox=True, open_browser=True, announce=lambda text: None)
    assert opened[0].startswith("file://") and landed == ["JeraSoft Billing Management API"]
