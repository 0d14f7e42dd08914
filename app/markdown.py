"""Markdown to safe HTML: raw HTML in the source is escaped, unsafe link schemes are refused.

Math is left exactly as written: markdown-it's dollarmath plugin wraps `$...$` and `$$...$$` in
<span class="math inline"> and <div class="math block"> without touching the TeX (no `\\,` turned
into a comma, no `_` into emphasis), and KaTeX typesets those elements in the browser.
"""

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable("table")
    .use(dollarmath_plugin, double_inline=True)
)


def to_html(source: str) -> str:
    # Code blocks and display math scroll sideways on narrow screens: keyboard users must be able
    # to reach them.
    html = str(_md.render(source))
    return html.replace("<pre>", '<pre tabindex="0">').replace(
        '<div class="math block">', '<div class="math block" tabindex="0">'
    )
