"""The explorer page as a file: self-contained, the document inline and intact, nothing to break out of."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from html.parser import HTMLParser

import pytest

from logminer.explorer import content_security_policy, render_page
from logminer.explorer.page import script_json
from tests.explorer_documents import INJECTIONS, hostile_document, large_document, sample_document


class _Page(HTMLParser):
    """The elements of a page: every tag with its attributes, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self._open: tuple[str, dict[str, str | None]] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._open, self._text = (tag, dict(attrs)), []

    def handle_endtag(self, tag):
        if self._open and tag == self._open[0]:
            text = "".join(self._text)
            if tag == "script":
                self.scripts.append((self._open[1], text))
            else:
                self.styles.append(text)
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._text.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def inline_data(html: str, element_id: str = "logminer-data"):
    page = parse(html)
    (text,) = [text for attrs, text in page.scripts if attrs.get("id") == element_id]
    return json.loads(text)


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_page_carries_the_document_exactly():
    document = sample_document()
    html = render_page(document)
    assert html.startswith("<!doctype html>")
    assert inline_data(html) == document
    assert inline_data(html, "logminer-config") == {"tryIt": False, "sendDisabled": None}
    assert "<title>43 methods · logminer API explorer</title>" in html


def test_the_page_is_self_contained():
    """No element loads anything from anywhere: no src, no stylesheet link, no external font."""
    page = parse(render_page(sample_document()))
    for tag, attrs in page.tags:
        assert "src" not in attrs, tag
        if tag == "link":
            assert attrs["rel"] == "icon" and attrs["href"] == "data:,"
        if tag == "a":
            assert attrs["href"].startswith("#")
    code = "".join(page.styles) + "".join(text for attrs, text in page.scripts if "type" not in attrs)
    code = code.replace('"http://www.w3.org/2000/svg"', "")  # a namespace name, never fetched
    assert not re.search(r"https?:|//[a-z]|@import|url\(", code)


def test_the_policy_allows_only_the_page_s_own_script_and_style():
    html = render_page(sample_document())
    page = parse(html)
    (policy,) = [a["content"] for t, a in page.tags if a.get("http-equiv") == "Content-Security-Policy"]
    assert policy == content_security_policy()
    (script,) = [text for attrs, text in page.scripts if "type" not in attrs]
    (style,) = page.styles
    assert f"script-src {sha256(script)}" in policy
    assert f"style-src {sha256(style)}" in policy
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy


def test_try_it_is_on_only_when_served():
    html = render_page(sample_document(), try_it=True, send_disabled="No billing.")
    assert inline_data(html, "logminer-config") == {"tryIt": True, "sendDisabled": "No billing."}
    page = parse(html)
    (policy,) = [a["content"] for t, a in page.tags if a.get("http-equiv") == "Content-Security-Policy"]
    assert policy == content_security_policy(try_it=True)
    assert "connect-src 'self'" in policy
    assert content_security_policy(try_it=True).replace("'self'", "'none'") == content_security_policy()


@pytest.mark.parametrize("text", [*INJECTIONS, "<!--", "-->", "\u2028\u2029", "&lt;", "\ud800 lone", "]]>"])
def test_no_string_can_break_out_of_the_data(text):
    document = sample_document()
    document["methods"][0]["params"][0]["examples"] = [text]
    document["methods"][0]["method"] = text
    html = render_page(document)
    data = html.split('<script type="application/json" id="logminer-data">', 1)[1].split("</script>", 1)[0]
    assert not re.search("[<>&\u2028\u2029\ud800-\udfff]", data)
    assert json.loads(data) == document
    html.encode("utf-8")  # writable as UTF-8 even with a lone surrogate in the data


def test_a_hostile_document_adds_no_element():
    """Every tag in the page comes from the template: the data adds none, whatever it holds."""
    clean = [tag for tag, _ in parse(render_page(sample_document())).tags]
    hostile = [tag for tag, _ in parse(render_page(hostile_document())).tags]
    assert hostile == clean


def test_script_json_escapes_what_html_would_read():
    assert script_json({"a": "</script><!--&"}) == '{"a":"\\u003c/script\\u003e\\u003c!--\\u0026"}'
    assert json.loads(script_json({"a": "</script><!--&"})) == {"a": "</script><!--&"}
    with pytest.raises(ValueError):
        script_json({"a": float("nan")})


def test_a_large_catalog_renders_quickly():
    document = large_document()
    started = time.perf_counter()
    html = render_page(document)
    assert time.perf_counter() - started < 5
    assert len(document["methods"]) == 2000
    assert inline_data(html)["catalog"]["methods"] == 2000


def test_the_assets_are_package_data():
    """pyproject's package data installs the assets that render_page reads."""
    from importlib.resources import files
    from pathlib import Path

    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    (line,) = [line for line in pyproject.splitlines() if line.startswith('"logminer.explorer" = ')]
    patterns = json.loads(line.split("=", 1)[1])
    assets = files("logminer.explorer") / "assets"
    for name in ("explorer.html", "explorer.css", "explorer.js"):
        assert (assets / name).is_file()
        assert any(Path("assets", name).match(pattern) for pattern in patterns)
