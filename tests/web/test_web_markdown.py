"""The answer renderer in the browser: Markdown becomes markup, the text's own HTML never does."""

from __future__ import annotations

from playwright.sync_api import Page
from web_server import WebServer

HOSTILE = """# Plan
<img src=x onerror="window.owned=1"> <script>window.owned=2</script>
[click](javascript:window.owned=3) and [docs](https://example.org/a?b=1&c=2) and `<b>code</b>`
- **bold** and *soft* [m12]
1. first
> quoted <iframe src="https://example.org"></iframe>
```
<svg onload="window.owned=4">
```"""


def render(page: Page, server: WebServer, text: str) -> dict:
    page.goto(server.url)
    return page.evaluate(
        """async (text) => {
            const { renderMarkdown } = await import('/js/markdown.js');
            const box = document.createElement('div');
            box.innerHTML = renderMarkdown(text);
            document.body.append(box);
            await new Promise((resolve) => setTimeout(resolve, 100));
            return {
                tags: [...box.querySelectorAll('*')].map((el) => el.tagName.toLowerCase()),
                links: [...box.querySelectorAll('a')].map((a) => a.getAttribute('href')),
                cites: [...box.querySelectorAll('button.cite')].map((b) => b.dataset.tag),
                text: box.textContent,
                owned: window.owned ?? null,
            };
        }""",
        text,
    )


def test_html_in_an_answer_is_shown_as_text_and_never_runs(
    page: Page, web_server: WebServer
) -> None:
    shown = render(page, web_server, HOSTILE)
    assert shown["owned"] is None
    assert not {"img", "script", "iframe", "svg"} & set(shown["tags"])
    assert shown["links"] == ["https://example.org/a?b=1&c=2"]
    assert "<img src=x" in shown["text"] and "<script>" in shown["text"]
    assert "[click](javascript:window.owned=3)" in shown["text"]


def test_markdown_structure_and_citation_tags_are_rendered(
    page: Page, web_server: WebServer
) -> None:
    shown = render(page, web_server, HOSTILE)
    for tag in ("h3", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote", "a"):
        assert tag in shown["tags"], tag
    assert shown["cites"] == ["m12"]
