"""The project's docs/ pages: every page the code cites exists, and every link between them leads
somewhere. Pure: reads files only."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["config", "forces", "returns", "tests", "bench", "scripts", "templates"]
CITATION = re.compile(r"\bdocs/([a-z0-9-]+\.md)")
LINK = re.compile(r"\]\(([^)#\s]*)(?:#([^)\s]+))?\)")
HEADING = re.compile(r"^#+\s+(.*)$", re.MULTILINE)


def anchor(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def cited_pages():
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".html", ".sh", ".txt"} or path.parent.name == "scripts":
                if path.is_file():
                    yield from ((path, name) for name in CITATION.findall(path.read_text()))


def test_it_has_every_docs_page_the_code_cites():
    missing = sorted(
        f"{path.relative_to(ROOT)} cites docs/{name}"
        for path, name in cited_pages()
        if not (ROOT / "docs" / name).is_file()
    )
    assert missing == []


def test_it_links_only_to_pages_and_headings_that_exist():
    broken = []
    for page in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        for target, fragment in LINK.findall(page.read_text()):
            if target.startswith(("http://", "https://")):
                continue
            linked = (page.parent / target).resolve() if target else page
            if not linked.exists():
                broken.append(f"{page.name}: {target}")
            elif fragment and linked.suffix == ".md":
                anchors = {anchor(h) for h in HEADING.findall(linked.read_text())}
                if fragment not in anchors:
                    broken.append(f"{page.name}: {target}#{fragment}")
    assert broken == []
