"""The documentation: README stays a front door, every relative link and anchor resolves."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
README_MAX_LINES = 350
PAGES = sorted(
    [README, *(REPO / "docs").glob("*.md"), *(REPO / "addons").glob("*/readme/*.md")],
    key=str,
)
FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
# [text](target) and ![alt](target); a target may carry a "title"
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)  # http:, https:, mailto:


def prose(text: str) -> str:
    """The text without code blocks and inline code, where brackets are not links."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]|<[^>]+>", "", heading).strip().lower()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {anchor(match) for match in HEADING.findall(text)}


def relative_links(path: Path) -> list[str]:
    targets = LINK.findall(prose(path.read_text(encoding="utf-8")))
    return [target for target in targets if not EXTERNAL.match(target)]


def broken_links(path: Path, root: Path = REPO) -> list[str]:
    """Relative links of one page whose file, or heading after '#', does not exist."""
    broken = []
    for target in relative_links(path):
        file_part, _, fragment = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        if not resolved.exists():
            broken.append(f"{target}: no file {resolved.relative_to(root)}")
        elif fragment and resolved.suffix == ".md" and fragment not in anchors(resolved):
            broken.append(f"{target}: no heading #{fragment} in {resolved.relative_to(root)}")
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_resolve(page):
    """A reader following any relative link (file or #heading) of the README, a docs page or
    an addon's readme fragment lands on something that exists."""
    assert broken_links(page) == []


def test_link_check_catches_a_broken_link(tmp_path):
    """The checker itself reports a missing file and a missing heading, and ignores links
    inside code and external ones, so a passing run means the links were really checked."""
    (tmp_path / "other.md").write_text("# Some Title\n\n## Run it: now\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](other.md) [ok](other.md#some-title) [ok](other.md#run-it-now) [ok](#top)\n"
        "# Top\n[gone](missing.md) [bad](other.md#nowhere) [web](https://example.com/x)\n"
        "`[code](missing-in-code.md)`\n```\n[block](missing-in-block.md)\n```\n",
        encoding="utf-8",
    )
    assert broken_links(page, root=tmp_path) == [
        "missing.md: no file missing.md",
        "other.md#nowhere: no heading #nowhere in other.md",
    ]


def test_readme_is_a_front_door():
    """The README stays short enough to read as a front page (design and benchmark figures
    live in docs/), and links every docs page so none is an orphan."""
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) < README_MAX_LINES
    linked = {(README.parent / t.partition("#")[0]).resolve() for t in relative_links(README)}
    orphans = [p.name for p in sorted((REPO / "docs").glob("*.md")) if p.resolve() not in linked]
    assert orphans == []


def test_readme_test_command_is_what_ci_runs():
    """The README's test command, in its 'Run and test' block, is the command .ci/run
    executes, and the Makefile has that target: a newcomer runs exactly what CI runs."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Run and test\n", 1)[1].split("\n## ", 1)[0]
    block = FENCE.search(section).group(0)
    commands = [line.split("#", 1)[0].strip() for line in block.splitlines()[1:-1]]
    assert "make test" in commands
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    exec_lines = [shlex.split(line)[1:] for line in ci.splitlines() if line.startswith("exec ")]
    assert exec_lines == [["make", "test"]]
    assert re.search(r"^test:", (REPO / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)


def test_addon_readmes_are_generated_from_their_fragments():
    """Each addon's README.md and Apps description page are what scripts/addon_readme.py
    makes of its manifest and readme/ fragments (`make readme` after editing a fragment)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "addon_readme", REPO / "scripts" / "addon_readme.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in module.ADDONS:
        addon = REPO / "addons" / name
        for path, text in module.outputs(addon).items():
            assert path.exists(), f"{path.relative_to(REPO)} is missing: run `make readme`"
            assert path.read_text(encoding="utf-8") == text, (
                f"{path.relative_to(REPO)} is out of date: run `make readme`"
            )
        description = (addon / "readme" / "DESCRIPTION.md").read_text(encoding="utf-8")
        first_words = " ".join(description.split()[:6])
        assert first_words in " ".join((addon / "README.md").read_text(encoding="utf-8").split())
