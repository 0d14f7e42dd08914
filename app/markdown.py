"""Markdown to safe HTML: raw HTML in the source is escaped, unsafe link schemes are refused."""

from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table"
)


def to_html(source: str) -> str:
    return _md.render(source)
