"""The screenshots in the docs stay in step with the script that takes them
(scripts/screenshots.py, `make screenshots`): every image a page names exists, every PNG in
docs/images/ is named by some page, and docs/web.md's "Screenshots" section shows exactly the
shots the script takes."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parents[2]
SCRIPT = ROOT / "scripts" / "screenshots.py"
WEB = ROOT / "docs" / "web.md"
# A Markdown image, ![alt](path "title"), or an HTML one, <img src="path">.
IMAGE = re.compile(
    r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)"  # ![alt](path "title")
    r"|<img\b[^>]*\bsrc=\"([^\"]+)\""  # <img src="path">
)


def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("radar_screenshots", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def pages(root: Path) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def images_named(text: str) -> list[str]:
    """The local images a Markdown text shows, as written (links to other sites left out)."""
    found = [m.group(1) or m.group(2) for m in IMAGE.finditer(text)]
    return [f for f in found if not re.match(r"[a-z]+:", f)]


def missing_images(root: Path) -> list[str]:
    """``page: path`` for each image a page names that is not there."""
    return [
        f"{page.relative_to(root)}: {name}"
        for page in pages(root)
        if page.exists()
        for name in images_named(page.read_text())
        if not (page.parent / name.split("#")[0]).is_file()
    ]


def orphan_images(root: Path) -> list[str]:
    """Each PNG under docs/images/ that no page names."""
    named = {
        (page.parent / name).resolve()
        for page in pages(root)
        if page.exists()
        for name in images_named(page.read_text())
    }
    folder = root / "docs" / "images"
    return sorted(
        str(png.relative_to(root)) for png in folder.rglob("*.png") if png.resolve() not in named
    )


def section(text: str, heading: str) -> str:
    """The text under ``## heading``, up to the next heading of that level or higher."""
    found = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^#{{1,2}} |\Z)", text, re.S | re.M)
    assert found, f"no '## {heading}' section"
    return found.group(1)


def test_every_image_a_page_names_exists() -> None:
    assert missing_images(ROOT) == []


def test_every_picture_in_docs_images_is_shown_by_a_page() -> None:
    assert orphan_images(ROOT) == []


def test_web_md_shows_exactly_the_screenshots_the_script_takes() -> None:
    shots = script().SHOTS
    assert len(shots) == 12  # room, dashboard, status x light, dark x desktop, phone
    assert len({s.name for s in shots}) == 12
    shown = images_named(section(WEB.read_text(), "Screenshots"))
    assert sorted(shown) == sorted(f"images/{s.name}" for s in shots)
    assert len(shown) == len(set(shown)), "an image is shown twice"


def test_the_section_says_how_to_regenerate_them() -> None:
    text = section(WEB.read_text(), "Screenshots")
    assert "`make screenshots`" in text
    assert "scripts/screenshots.py" in text


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_screenshots_runs_the_script() -> None:
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "-C", str(ROOT), "screenshots"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert ".venv/bin/python scripts/screenshots.py" in done.stdout.splitlines()[-1]


# --- The checks themselves can fail --------------------------------------------------------


def test_a_missing_image_and_an_orphan_are_found(tmp_path: Path) -> None:
    (tmp_path / "docs" / "images").mkdir(parents=True)
    (tmp_path / "docs" / "images" / "shown.png").write_bytes(b"png")
    (tmp_path / "docs" / "images" / "forgotten.png").write_bytes(b"png")
    (tmp_path / "README.md").write_text("![logo](https://example.com/logo.png)\n")
    (tmp_path / "docs" / "web.md").write_text(
        '## Screenshots\n\n| ![a](images/shown.png) | <img src="images/gone.png" alt="b"> |\n'
    )
    assert missing_images(tmp_path) == ["docs/web.md: images/gone.png"]
    assert orphan_images(tmp_path) == ["docs/images/forgotten.png"]


def test_the_section_ends_at_the_next_heading() -> None:
    text = "# T\n\n## Screenshots\n\n![a](images/a.png)\n\n## Live\n\n![b](images/b.png)\n"
    assert images_named(section(text, "Screenshots")) == ["images/a.png"]
