"""A file name that names no file is an error, never a one-line document (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from thirdroad.cli import main
from thirdroad.errors import ThirdroadError
from thirdroad.reader import EXAMPLE, DocumentError, read


@pytest.mark.parametrize("name", ["my_post.md", "notes/chapter 1.tex", "page.HTML", "x.txt"])
def test_a_missing_file_name_is_an_error(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    if " " in name:  # with a space it may be a sentence: read as text, as before
        assert not read(name, progress=False).formulas
        return
    with pytest.raises(DocumentError, match="no such file") as err:
        read(name, progress=False)
    assert isinstance(err.value, ThirdroadError) and str(tmp_path) in str(err.value)


def test_text_that_only_ends_like_a_file_name_is_text() -> None:
    reading = read("The loss is $L = -\\log p_y$ as in notes.md", format="markdown", progress=False)
    assert len(reading.formulas) == 1


def test_a_long_name_without_spaces_is_not_looked_up_as_a_file() -> None:
    name = "a" * 600 + ".md"  # longer than the system allows a file name: no OSError escapes
    with pytest.raises(DocumentError, match="no such file"):
        read(name, progress=False)


def test_a_folder_is_not_a_document(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="is not a file"):
        read(tmp_path, progress=False)


def test_demo_of_a_missing_file_exits_with_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["demo", "missing.md"])
    assert result.exit_code == 2 and "missing.md" in result.output and "does not exist" in result.output
    assert not (tmp_path / "companion.html").exists()


def test_demo_runs_on_the_bundled_example_from_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert EXAMPLE.is_absolute() and EXAMPLE.is_file()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["demo", "-o", "page.html"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert "softmax" in page.lower()
