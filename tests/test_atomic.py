import pytest

from framing.atomic import atomic_write


def test_replaces_target_in_one_step(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with atomic_write(target) as handle:
        handle.write("new")
        assert target.read_text(encoding="utf-8") == "old"
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_failure_keeps_previous_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write("half")
        raise RuntimeError("killed")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_binary_mode(tmp_path):
    target = tmp_path / "model.bin"
    with atomic_write(target, "wb") as handle:
        handle.write(b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"


def test_file_gets_the_mode_of_a_plain_open(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("x", encoding="utf-8")
    target = tmp_path / "out.txt"
    with atomic_write(target) as handle:
        handle.write("x")
    assert target.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777


# --------------------------------------------------------------------------- resumable_write


def _write(target, lines, **kwargs):
    from framing.atomic import resumable_write

    with resumable_write(target, **kwargs) as (handle, continued):
        for line in lines:
            handle.write(line + "\n")
    return continued


def test_resumable_output_appears_only_when_complete(tmp_path):
    from framing.atomic import resumable_write

    target = tmp_path / "scores.jsonl"
    with resumable_write(target) as (handle, continued):
        assert not continued
        handle.write("one\n")
        handle.flush()
        assert not target.exists()
        assert (tmp_path / "scores.jsonl.partial").read_text(encoding="utf-8") == "one\n"
    assert target.read_text(encoding="utf-8") == "one\n"
    assert [p.name for p in tmp_path.iterdir()] == ["scores.jsonl"]


def test_failed_run_keeps_its_lines_and_blocks_a_fresh_start(tmp_path):
    from framing.atomic import PartialOutputError, resumable_write

    target = tmp_path / "scores.jsonl"
    with pytest.raises(KeyboardInterrupt), resumable_write(target) as (handle, _):
        handle.write("one\n")
        raise KeyboardInterrupt
    assert not target.exists()
    assert (tmp_path / "scores.jsonl.partial").read_text(encoding="utf-8") == "one\n"
    with pytest.raises(PartialOutputError, match="resume=True"):
        _write(target, ["other"])
    assert (tmp_path / "scores.jsonl.partial").read_text(encoding="utf-8") == "one\n"


def test_resume_drops_a_torn_last_line_and_appends(tmp_path):
    target = tmp_path / "scores.jsonl"
    (tmp_path / "scores.jsonl.partial").write_text("one\ntwo\nthr", encoding="utf-8")
    assert _write(target, ["three"], resume=True) is True
    assert target.read_text(encoding="utf-8") == "one\ntwo\nthree\n"


def test_resume_of_a_torn_first_line_starts_empty(tmp_path):
    target = tmp_path / "scores.jsonl"
    (tmp_path / "scores.jsonl.partial").write_text("x" * 70_000, encoding="utf-8")
    assert _write(target, ["one"], resume=True) is False
    assert target.read_text(encoding="utf-8") == "one\n"


def test_resume_continues_a_finished_output_without_touching_it_until_done(tmp_path):
    from framing.atomic import resumable_write

    target = tmp_path / "scores.jsonl"
    target.write_text("one\n", encoding="utf-8")
    with pytest.raises(RuntimeError), resumable_write(target, resume=True) as (handle, cont):
        assert cont
        handle.write("two\n")
        raise RuntimeError
    assert target.read_text(encoding="utf-8") == "one\n"
    assert _write(target, ["three"], resume=True)
    assert target.read_text(encoding="utf-8") == "one\ntwo\nthree\n"


def test_without_resume_a_finished_output_is_replaced(tmp_path):
    target = tmp_path / "scores.jsonl"
    target.write_text("old\n", encoding="utf-8")
    assert _write(target, ["new"]) is False
    assert target.read_text(encoding="utf-8") == "new\n"


# --------------------------------------------------------------------------- special paths


def _read_fifo(fifo, into):
    import threading

    def read():
        with open(fifo, encoding="utf-8") as handle:
            into.append(handle.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_a_fifo_is_written_through_not_replaced(tmp_path):
    import os
    import stat

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = _read_fifo(fifo, got)
    with atomic_write(fifo) as handle:
        handle.write("through\n")
    reader.join(10)
    assert got == ["through\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_a_symlink_is_followed_and_kept(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to("real.txt")
    with atomic_write(link) as handle:
        handle.write("new")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"
    assert target.stat().st_mode & 0o777 == 0o640  # the replaced file keeps its mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "real.txt"]


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to("made.txt")
    with atomic_write(link) as handle:
        handle.write("new")
    assert link.is_symlink() and (tmp_path / "made.txt").read_text(encoding="utf-8") == "new"


@pytest.mark.skipif(not __import__("os").path.exists("/dev/full"), reason="no /dev/full")
def test_a_full_device_fails_and_stays_a_device():
    import os
    import stat

    with pytest.raises(OSError) as caught, atomic_write("/dev/full") as handle:
        handle.write("x" * 100)
    assert caught.value.errno == 28  # ENOSPC
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_missing_directory_and_directory_are_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"), \
            atomic_write(tmp_path / "no" / "out.txt"):
        pass
    with pytest.raises(IsADirectoryError), atomic_write(tmp_path):
        pass
    assert list(tmp_path.iterdir()) == []


def test_resumable_write_follows_a_symlink(tmp_path):
    target = tmp_path / "real.jsonl"
    link = tmp_path / "link.jsonl"
    link.symlink_to("real.jsonl")
    assert _write(link, ["one"]) is False
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "one\n"


def test_resumable_write_refuses_a_fifo_and_a_missing_directory(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(ValueError, match="not a regular file"):
        _write(tmp_path / "pipe", ["one"])
    with pytest.raises(FileNotFoundError, match="does not exist"):
        _write(tmp_path / "no" / "out.jsonl", ["one"])
