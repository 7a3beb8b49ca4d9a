"""``khaos-sync import images PATH`` prints the report and keeps it in the data dir."""

from __future__ import annotations

from click.testing import CliRunner

from khaos_sync.cli.main import cli
from tests.integration.images.conftest import bound_product
from tests.unit.images import pictures


def test_importing_a_zip_prints_what_happened_to_each_file(db, tmp_path):
    bound_product("LAMP-7")
    bound_product("MUG-3")
    archive = pictures.write_zip(
        tmp_path / "photos.zip",
        [
            ("LAMP-7.jpg", pictures.jpeg()),
            ("poster.jpg", pictures.jpeg()),
            ("MUG-3.jpg", b"not an image"),
        ],
    )

    result = CliRunner().invoke(cli, ["import", "images", str(archive)])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "matched files            1" in lines
    assert "refused                  1" in lines
    assert "  MUG-3.jpg: not a JPEG, PNG or WebP image" in lines
    assert "  poster.jpg" in lines
    assert "  MUG-3" in lines  # still without images
    assert any(line.startswith("report: ") and line.endswith(".json") for line in lines)


def test_a_path_that_is_not_a_folder_or_zip_fails_with_a_message(db, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")

    result = CliRunner().invoke(cli, ["import", "images", str(text)])

    assert result.exit_code == 1
    assert "Error: notes.txt is not a ZIP archive" in result.output
