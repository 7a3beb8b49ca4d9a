"""Atomic writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import stat

import pytest

from khaos_sync.files import atomic_write


def test_the_new_content_replaces_the_old_and_is_owner_only(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")

    atomic_write(target, '{"new": "é"}')

    assert target.read_text(encoding="utf-8") == '{"new": "é"}'
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing_behind(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text("old")

    def fail(*_args):  # type: ignore[no-untyped-def]
        raise OSError("No space left on device")

    monkeypatch.setattr("khaos_sync.files.os.replace", fail)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, b"new")

    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_public_file_gets_the_mode_asked_for(tmp_path):
    target = atomic_write(tmp_path / "image.jpg", b"\xff\xd8", mode=0o644)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
