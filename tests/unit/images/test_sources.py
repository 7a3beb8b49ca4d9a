"""Reading folders and ZIPs: unsafe names, zip bombs and oversized files are refused."""

import os
import struct
import zipfile

import pytest

from khaos_sync.mappers.verify import RefusedFile
from khaos_sync.sync.images.sources import ArchiveRefused, SourceLimits, open_source
from tests.unit.images import pictures

LIMITS = SourceLimits(
    max_file_bytes=8 << 20, max_zip_entries=100, max_zip_total_bytes=64 << 20, max_zip_ratio=100
)


def read_all(source) -> dict[str, bytes | str]:
    """Each entry's bytes, or the reason it was refused."""
    result: dict[str, bytes | str] = {}
    for entry in source:
        try:
            result[entry.name] = entry.read()
        except RefusedFile as exc:
            result[entry.name] = f"refused: {exc}"
    return result


def test_a_folder_is_read_recursively_without_system_files(tmp_path):
    pictures.write_folder(
        tmp_path,
        [
            ("b.jpg", pictures.jpeg()),
            ("sub/a.png", pictures.png()),
            (".DS_Store", b"junk"),
            ("__MACOSX/._b.jpg", b"junk"),
            ("sub/Thumbs.db", b"junk"),
        ],
    )

    source = open_source(tmp_path, LIMITS)

    assert len(source) == 2
    assert read_all(source) == {"b.jpg": pictures.jpeg(), "sub/a.png": pictures.png()}


def test_a_folder_refuses_links_and_oversized_files_without_reading_them(tmp_path):
    secret = tmp_path.parent / "secret.txt"
    secret.write_text("not for the shop")
    os.symlink(secret, tmp_path / "link.jpg")
    (tmp_path / "huge.jpg").write_bytes(b"\xff" * (LIMITS.max_file_bytes + 1))

    result = read_all(open_source(tmp_path, LIMITS))

    assert result["link.jpg"] == "refused: symbolic link: only real files are imported"
    assert "over the 8388608 byte limit" in str(result["huge.jpg"])


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.jpg", "parent folder (..)"),
        ("images/../../evil.jpg", "parent folder (..)"),
        ("..\\evil.jpg", "parent folder (..)"),
        ("/etc/cron.d/evil.jpg", "absolute path"),
        ("\\\\server\\share\\evil.jpg", "absolute path"),
        ("C:\\Windows\\evil.jpg", "Windows drive letter"),
        ("c:evil.jpg", "Windows drive letter"),
    ],
)
def test_zip_entries_that_could_escape_are_refused(tmp_path, name, reason):
    archive = pictures.write_zip(
        tmp_path / "in.zip", [(name, pictures.jpeg()), ("ok.jpg", pictures.jpeg())]
    )

    result = read_all(open_source(archive, LIMITS))

    assert result[name] == f"refused: unsafe path: {reason}"
    assert result["ok.jpg"] == pictures.jpeg()


def test_an_entry_that_expands_far_beyond_its_compressed_size_is_refused(tmp_path):
    archive = pictures.write_zip(tmp_path / "bomb.zip", [("bomb.jpg", b"\0" * (6 << 20))])

    result = read_all(open_source(archive, LIMITS))

    assert (
        result["bomb.jpg"] == "refused: zip bomb: expands more than 100 times its compressed size"
    )


def test_reading_stops_once_the_archive_passes_its_total_size(tmp_path):
    noise = [os.urandom(3 << 20) for _ in range(3)]
    archive = pictures.write_zip(
        tmp_path / "big.zip", [(f"{i}.jpg", data) for i, data in enumerate(noise)], deflate=False
    )
    limits = SourceLimits(**{**LIMITS.__dict__, "max_zip_total_bytes": 5 << 20})

    result = read_all(open_source(archive, limits))

    assert result["0.jpg"] == noise[0]
    assert str(result["1.jpg"]).startswith("refused: zip bomb: the archive expands to more than")
    assert result["2.jpg"] == (
        "refused: not read: the archive already passed its uncompressed size limit"
    )


def test_sizes_in_the_header_are_not_trusted(tmp_path):
    archive = pictures.write_zip(tmp_path / "liar.zip", [("liar.jpg", b"\0" * (2 << 20))])
    data = bytearray(archive.read_bytes())
    # Claim 100 bytes uncompressed, in the local header and in the central directory.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(signature)
        data[at + offset : at + offset + 4] = struct.pack("<I", 100)
    archive.write_bytes(bytes(data))

    result = read_all(open_source(archive, LIMITS))

    assert str(result["liar.jpg"]).startswith("refused: damaged ZIP entry")


def test_too_many_entries_refuses_the_whole_archive(tmp_path):
    archive = pictures.write_zip(tmp_path / "many.zip", [(f"{i}.jpg", b"x") for i in range(101)])

    with pytest.raises(ArchiveRefused, match="holds 101 entries; the limit is 100"):
        open_source(archive, LIMITS)


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    not_zip = tmp_path / "images.zip"
    not_zip.write_bytes(pictures.jpeg())

    with pytest.raises(ArchiveRefused, match="not a ZIP archive"):
        open_source(not_zip, LIMITS)


def test_zip_entries_keep_their_folders_and_skip_directories(tmp_path):
    archive = tmp_path / "nested.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("Brand A/", b"")
        out.writestr("Brand A/red 1.jpg", pictures.jpeg())
        out.writestr("__MACOSX/Brand A/._red 1.jpg", b"junk")

    assert read_all(open_source(archive, LIMITS)) == {"Brand A/red 1.jpg": pictures.jpeg()}
