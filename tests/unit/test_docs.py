"""The documentation against the code: the layout map is the package, the troubles table is the
end-to-end test's rows, every link leads somewhere, and the README's test command is CI's."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.test_troubles import troubles_table

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PACKAGE = ROOT / "kubectl_pidshare"
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE = re.compile(r"`[^`\n]*`")


def layout_map() -> list[str]:
    """The paths the architecture doc's layout map lists, relative to kubectl_pidshare/."""
    section = (DOCS / "architecture.md").read_text().split("\n## Layout\n", 1)[1]
    block = section.split("\n    kubectl_pidshare/\n", 1)[1].split("\n\n", 1)[0]
    lines = block.splitlines()
    assert all(re.fullmatch(r"      \S+ +\S.*", line) for line in lines), lines
    return [line.split()[0] for line in lines]


def package_paths() -> set[str]:
    """Every module and script of the package (a package's __init__.py as NAME/), and every
    directory holding them, as NAME/."""
    paths: set[str] = set()
    for path in PACKAGE.rglob("*"):
        relative = path.relative_to(PACKAGE)
        if "__pycache__" in relative.parts or path.suffix not in (".py", ".sh"):
            continue
        if path.name == "__init__.py" and path.parent != PACKAGE:
            paths.add(f"{relative.parent}/")
        else:
            paths.add(str(relative))
            if path.parent != PACKAGE:
                paths.add(f"{relative.parent}/")
    return paths


def test_the_layout_map_is_the_package() -> None:
    listed = layout_map()
    assert len(listed) == len(set(listed)), "listed twice: " + str(
        sorted({path for path in listed if listed.count(path) > 1}))
    actual = package_paths()
    assert {"not in the map": sorted(actual - set(listed)),
            "not in the package": sorted(set(listed) - actual)} == {
        "not in the map": [], "not in the package": []}, "docs/architecture.md, Layout"


def test_the_check_sees_the_package() -> None:
    assert {"cli.py", "commands/", "commands/ps.py", "__init__.py"} <= package_paths()


def test_the_troubles_doc_lists_every_row() -> None:
    """Regenerate it with: python -c 'from tests.e2e.test_troubles import troubles_table;
    print(troubles_table(), end="")'."""
    doc = (DOCS / "troubleshooting.md").read_text()
    assert troubles_table() in doc.split("\n## Every case, as the end-to-end tests check it\n")[1]


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors of a Markdown file's headings (outside code blocks: those are indented)."""
    return {slug(line.lstrip("#")) for line in path.read_text().splitlines()
            if re.match(r"#+ ", line)}


def test_every_link_leads_somewhere() -> None:
    broken = []
    for page in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]:
        for target in LINK.findall(CODE.sub("", page.read_text())):
            if re.match(r"[a-z]+:", target):
                continue
            file, _, anchor = target.partition("#")
            where = (page.parent / file).resolve() if file else page
            if not where.exists() or (anchor and anchor not in anchors(where)):
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert broken == []


def test_the_readme_runs_what_ci_runs() -> None:
    """The README's two commands for a fresh machine, and CI running exactly the second."""
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"^    tests/demo +#", readme, re.M)
    assert re.search(r"^    tests/run +#", readme, re.M)
    assert (ROOT / ".ci" / "run").read_text().splitlines()[-1] == "exec tests/run"
