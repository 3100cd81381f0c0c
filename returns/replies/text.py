"""HTML mail as plain text, and safe file names: pure functions, no Django models.

HTML is never shown as HTML: it is reduced to its text (scripts and styles dropped whole), and
the text is what pages show, escaped like any other text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import PurePosixPath

DROPPED_ELEMENTS = {"script", "style", "head", "title", "noscript", "template", "iframe", "object"}
BLOCK_ELEMENTS = {
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
    "blockquote", "hr", "section", "article", "header", "footer",
}  # fmt: skip


class _TextOnly(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag, attrs):
        if tag in DROPPED_ELEMENTS:
            self.dropping += 1
        elif tag in BLOCK_ELEMENTS:
            self.parts.append("\n")
        elif tag == "td":
            self.parts.append("\t")

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCK_ELEMENTS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in DROPPED_ELEMENTS:
            self.dropping = max(0, self.dropping - 1)
        elif tag in BLOCK_ELEMENTS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.dropping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The readable text of an HTML body: no tags, no scripts, no styles, tidy blank lines."""
    parser = _TextOnly()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # html.parser is lenient; anything it still chokes on loses its tags
        return tidy(html.unescape(re.sub(r"<[^>]*>", " ", markup)))
    return tidy("".join(parts for parts in parser.parts))


def tidy(text: str) -> str:
    lines = [" ".join(line.replace("\xa0", " ").split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection),
# and a leading dot hides a file: a safe name starts with neither.
UNSAFE_LEADING = "=+-@.\t\r|%"
MAX_NAME_LENGTH = 100


def safe_file_name(name: str | None, fallback: str = "attachment") -> str:
    """A file name that cannot leave its folder, run as a formula, or confuse a shell.

    "../../etc/passwd" -> "passwd"; "=cmd|' /C calc'!A0.xlsx" -> "cmd C calcA0.xlsx".
    """
    name = unicodedata.normalize("NFKC", name or "")
    name = PurePosixPath(name.replace("\\", "/")).name  # no folders, either way round
    name = "".join(ch for ch in name if ch.isprintable())
    name = re.sub(r"[^\w.() -]", "", name, flags=re.ASCII)
    name = " ".join(name.split()).rstrip(". ")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = extension.strip()[:10]
    stem = stem.lstrip(UNSAFE_LEADING + " ")
    if not stem:
        return fallback + (f".{extension}" if extension else "")
    limit = MAX_NAME_LENGTH - len(extension) - 1
    return f"{stem[:limit].rstrip()}.{extension}" if extension else stem[:MAX_NAME_LENGTH]
