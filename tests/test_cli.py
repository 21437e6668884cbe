"""The command line through click's CliRunner: exit codes, messages, formats."""

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

from framing.cli import main
from framing.markers import load_markers

from .conftest import SEEDS, seed_path

LINE = re.compile(r"^(?P<loc>[^\s]+?):(?P<line>\d+):(?P<col>\d+): (?P<id>[A-Z]{2}\d{3}) .+ \".*\"$")


@pytest.fixture
def runner():
    return CliRunner()



@pytest.fixture(autouse=True)
def _tiny_models_by_default(tiny_default_models):
    """The commands score with tiny models: these tests are of the command line, and the shipped
    models may be retrained (tests/test_judgments.py and tests/test_docs.py read those)."""

def test_flags_text_is_linter_style_with_summary(runner):
    result = runner.invoke(main, ["flags", str(SEEDS)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().split("\n")
    findings = [m for m in map(LINE.match, lines) if m]
    assert len(findings) >= 10
    assert {m["loc"] for m in findings} >= {str(seed_path(n)) for n in (0, 2, 3, 4)}
    assert re.match(r"\d+ finding\(s\) in \d+ of 5 article\(s\)", lines[-1])


def test_fail_on_sets_exit_code_one(runner):
    assert runner.invoke(main, ["flags", str(SEEDS), "--fail-on", "any"]).exit_code == 1
    assert runner.invoke(main, ["flags", str(seed_path(3)), "--fail-on", "ai"]).exit_code == 1
    assert runner.invoke(main, ["flags", str(seed_path(1)), "--fail-on", "KN,ai"]).exit_code == 0


def test_select_and_ignore(runner):
    out = runner.invoke(main, ["flags", str(SEEDS), "--select", "ai", "-q"]).stdout
    ids = {m["id"] for m in map(LINE.match, out.splitlines()) if m}
    assert ids and all(i.startswith("AI") for i in ids)
    out = runner.invoke(main, ["flags", str(SEEDS), "--ignore", "ai,structure", "-q"]).stdout
    ids = {m["id"] for m in map(LINE.match, out.splitlines()) if m}
    assert ids and not any(i.startswith(("AI", "ST")) for i in ids)


def test_json_and_jsonl_formats(runner):
    result = runner.invoke(main, ["flags", str(SEEDS), "--format", "json"])
    doc = json.loads(result.stdout)
    assert doc["summary"]["articles"] == 5 and len(doc["articles"]) == 5
    assert doc["problems"] == []
    flag = doc["articles"][0]["flags"][0]
    assert {"marker_id", "family", "start", "end", "line", "col", "text", "message", "voice",
            "rebutted"} <= set(flag)

    result = runner.invoke(main, ["flags", str(SEEDS), "--format", "jsonl"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 5 and all({"id", "source", "flags", "location"} <= set(r) for r in rows)


def test_statistics_report_family_shares(runner):
    out = runner.invoke(main, ["flags", str(SEEDS), "--statistics", "-q"]).stdout
    assert "articles flagged per family:" in out
    assert re.search(r"ai\s+1 / 5\s+\(20\.0%\)", out)


VOICED = (
    "Russia's special military operation goes on.\n"
    'Officials call it a "special military operation". Putin said the Kiev regime must go.\n'
    "The Kiev regime, he claimed without evidence, is collapsing.\n"
)


def test_flags_text_tags_the_voice_after_the_message(runner):
    result = runner.invoke(main, ["flags", "-", "--select", "KN"], input=VOICED)
    lines = [line for line in result.stdout.splitlines() if LINE.match(line)]
    assert len(lines) == 4
    assert not re.search(r"\[(quoted|attributed|rebutted)\]", lines[0])
    assert re.search(r"\) \[quoted\] \"special military operation\"$", lines[1])
    assert lines[2].endswith(' [attributed] "Kiev regime"')
    assert lines[3].endswith(' [attributed] [rebutted] "Kiev regime"')


def test_flags_voice_option_filters_findings(runner):
    out = runner.invoke(main, ["flags", "-", "--select", "KN", "--voice", "own", "-q"],
                        input=VOICED).stdout
    assert len(out.splitlines()) == 1 and "[" not in out.split(")")[-1]
    out = runner.invoke(
        main, ["flags", "-", "--select", "KN", "--voice", "quoted", "--voice", "attributed",
               "--format", "jsonl"], input=VOICED,
    ).stdout
    (row,) = [json.loads(line) for line in out.splitlines()]
    assert [(f["voice"], f["rebutted"]) for f in row["flags"]] == [
        ("quoted", False), ("attributed", False), ("attributed", True),
    ]
    bad = runner.invoke(main, ["flags", "-", "--voice", "spoken"], input=VOICED)
    assert bad.exit_code == 2 and "spoken" in bad.stderr


def test_flags_statistics_count_per_voice(runner):
    out = runner.invoke(main, ["flags", "-", "--select", "KN", "--statistics", "-q"],
                        input=VOICED).stdout
    assert re.search(r"^findings +articles +own +quoted +attributed +marker$", out, re.M)
    assert re.search(r"^ +2 +1 +1 +1 +0 +KN101$", out, re.M)
    assert re.search(r"^ +2 +1 +0 +0 +2 +KN104$", out, re.M)
    assert "findings per voice:" in out
    assert re.search(r"attributed +2 / 4 +\(50\.0%\)", out)
    assert re.search(r"rebutted +1 / 4 +\(25\.0%\)", out)
    doc = json.loads(runner.invoke(main, ["flags", "-", "--select", "KN", "--format", "json"],
                                   input=VOICED).stdout)
    assert doc["summary"]["findings_per_voice"] == {"own": 1, "quoted": 1, "attributed": 2}
    assert doc["summary"]["rebutted_findings"] == 1


def test_output_file_written_atomically(runner, tmp_path):
    target = tmp_path / "flags.jsonl"
    result = runner.invoke(main, ["flags", str(SEEDS), "--format", "jsonl", "-o", str(target)])
    assert result.exit_code == 0
    assert len(target.read_text(encoding="utf-8").splitlines()) == 5
    assert [p.name for p in tmp_path.iterdir()] == ["flags.jsonl"]


def test_bad_inputs_are_reported_counted_and_skipped(runner, tmp_path):
    (tmp_path / "a_empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "b_good.txt").write_text("This article was created by Artificial Intelligence\n",
                                         encoding="utf-8")
    (tmp_path / "c_broken.jsonl").write_text('{"text": "ok text"}\n{broken\n', encoding="utf-8")
    result = runner.invoke(main, ["flags", str(tmp_path)])
    assert result.exit_code == 2
    assert "a_empty.txt" in result.stderr and "empty" in result.stderr
    assert "c_broken.jsonl:2" in result.stderr
    assert "b_good.txt:1:1: AI" in result.stdout
    assert "2 input(s) skipped" in result.stdout


def test_strict_stops_at_first_bad_input(runner, tmp_path):
    (tmp_path / "a_empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "b_good.txt").write_text("This article was created by Artificial Intelligence\n",
                                         encoding="utf-8")
    result = runner.invoke(main, ["flags", str(tmp_path), "--strict"])
    assert result.exit_code == 2
    assert "a_empty.txt" in result.stderr
    assert "b_good.txt" not in result.stdout


def test_missing_path_is_an_input_error_not_a_crash(runner, tmp_path):
    result = runner.invoke(main, ["flags", str(tmp_path / "nope.txt"), str(seed_path(3))])
    assert result.exit_code == 2
    assert "nope.txt" in result.stderr
    assert "AI" in result.stdout


def test_stdin(runner):
    result = runner.invoke(main, ["flags", "-"], input="Russia's special military operation\n")
    assert result.exit_code == 0
    assert re.search(r"^-:1:\d+: KN\d{3} ", result.stdout, re.M)


def test_bad_column_option_is_a_usage_error(runner):
    result = runner.invoke(main, ["flags", str(SEEDS), "--column", "text"])
    assert result.exit_code == 2 and "FIELD=NAME" in result.stderr


def test_markers_lists_the_whole_catalogue(runner):
    result = runner.invoke(main, ["markers"])
    assert result.exit_code == 0
    for marker in load_markers():
        assert marker.id in result.stdout
    doc = json.loads(runner.invoke(main, ["markers", "--format", "json", "--family", "ai"]).stdout)
    assert doc and all(m["family"] == "ai" and m["examples"]["match"] for m in doc)


def test_broken_catalogue_exits_two_listing_problems(runner, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[marker]]\nid = "x1"\nfamily = "nope"\n', encoding="utf-8")
    for args in (["markers", "--markers", str(bad)], ["flags", str(SEEDS), "--markers", str(bad)]):
        result = runner.invoke(main, args)
        assert result.exit_code == 2
        assert "problem(s) in the marker catalogue" in result.stderr
        assert "family 'nope'" in result.stderr


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and "framing" in result.stdout


FIXTURES = SEEDS.parents[1] / "tests" / "fixtures" / "corpus"


def test_corpus_import_stats_and_label_by_source(runner, tmp_path):
    out = tmp_path / "recovery.jsonl"
    args = ["corpus", "import", "--format", "recovery", str(FIXTURES / "recovery"), "-o", str(out)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows and all("unreliable_source" in r["labels"] for r in rows)
    assert f"wrote {len(rows)} article(s)" in result.stderr

    stats = runner.invoke(main, ["corpus", "stats", str(out), "--format", "json"])
    assert stats.exit_code == 0
    assert json.loads(stats.stdout)["articles"] == len(rows)

    labelled = tmp_path / "labelled.jsonl"
    result = runner.invoke(
        main, ["corpus", "label-by-source", str(seed_path(0)), "-o", str(labelled)]
    )
    assert result.exit_code == 0, result.stderr
    (row,) = [json.loads(line) for line in labelled.read_text(encoding="utf-8").splitlines()]
    assert row["source"] == "sputniknews.com" and row["labels"] == {"unreliable_source": 1}


def test_corpus_import_of_a_wrong_layout_is_an_input_error(runner, tmp_path):
    out = tmp_path / "o.jsonl"
    result = runner.invoke(main, ["corpus", "import", "--format", "ptc", str(tmp_path), "-o", out])
    assert result.exit_code == 2
    assert str(tmp_path) in result.stderr


@pytest.fixture(scope="module")
def tiny_corpus_file(tmp_path_factory):
    from framing.corpus import write_corpus

    from .test_model import tiny_corpus

    path = tmp_path_factory.mktemp("corpus") / "tiny.jsonl"
    write_corpus(tiny_corpus(), path)
    return path


@pytest.mark.slow
def test_train_evaluate_score_round_trip(runner, tmp_path, tiny_corpus_file):
    model_dir = tmp_path / "pk"
    result = runner.invoke(main, [
        "train", str(tiny_corpus_file), "--target", "pro_kremlin_framing", "--out",
        str(model_dir), "--folds", "4", "--features", "words,markers", "--C", "1",
    ])
    assert result.exit_code == 0, result.output
    assert re.search(r"^model\s+\d\.\d{3}", result.stdout, re.M)
    assert re.search(r"^baseline TF-IDF\+LR\s+\d\.\d{3}", result.stdout, re.M)
    assert (model_dir / "model.pkl.gz").is_file() and (model_dir / "card.json").is_file()

    result = runner.invoke(main, ["evaluate", str(tiny_corpus_file), "--model", str(model_dir),
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["pro_kremlin_framing"]
    assert {"metrics", "confusion_matrix", "calibration", "per_source"} <= set(report)
    assert len(report["per_source"]) == 8

    result = runner.invoke(main, ["score", str(SEEDS), "--model", str(model_dir),
                                  "--format", "jsonl", "--explain"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 5
    for row in rows:
        assert {"id", "source", "scores", "flags", "explanations"} <= set(row)
        assert 0 <= row["scores"]["pro_kremlin_framing"] <= 1

    for fmt in ("table", "csv", "json"):
        result = runner.invoke(main, ["score", str(SEEDS), "--model", str(model_dir),
                                      "--format", fmt])
        assert result.exit_code == 0 and "pro_kremlin_framing" in result.stdout


def test_train_refuses_unknown_target_and_bad_features(runner, tiny_corpus_file, tmp_path):
    result = runner.invoke(main, ["train", str(tiny_corpus_file), "--target", "nope",
                                  "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "no article in the corpus is labelled" in result.stderr
    result = runner.invoke(main, ["train", str(tiny_corpus_file), "--target", "x",
                                  "--features", "words,magic"])
    assert result.exit_code == 2 and "magic" in result.stderr


@pytest.mark.slow
def test_score_refuses_a_tampered_model(runner, tmp_path, tiny_corpus_file):
    model_dir = tmp_path / "pk"
    runner.invoke(main, ["train", str(tiny_corpus_file), "--target", "pro_kremlin_framing",
                         "--out", str(model_dir), "--folds", "4", "--features", "words",
                         "--no-baseline"])
    with open(model_dir / "model.pkl.gz", "ab") as handle:
        handle.write(b"tampered")
    result = runner.invoke(main, ["score", str(SEEDS), "--model", str(model_dir)])
    assert result.exit_code == 2
    assert "does not match the card" in result.stderr


def test_score_into_a_store_is_idempotent_and_reports_from_it(runner, tmp_path):
    db = tmp_path / "scores.db"
    first = runner.invoke(main, ["score", str(SEEDS), "--store", str(db)])
    assert first.exit_code == 0, first.output
    assert "5 added, 0 already there" in first.stderr
    again = runner.invoke(main, ["score", str(SEEDS), "--store", str(db), "--format", "jsonl"])
    assert "0 added, 5 already there" in again.stderr
    assert len(again.stdout.splitlines()) == 5  # output still written while storing

    result = runner.invoke(main, ["report", "--store", str(db), "--min-articles", "1",
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    sources = {s["source"] for s in json.loads(result.stdout)["sources"]}
    assert {"sputniknews.com", "urdupoint.com", "zerohedge.com"} <= sources
    only = runner.invoke(main, ["report", "--store", str(db), "--source", "zerohedge.com",
                                "--format", "json", "--min-articles", "1"])
    assert [s["source"] for s in json.loads(only.stdout)["sources"]] == ["zerohedge.com"]


def test_report_needs_paths_or_store_not_both(runner, tmp_path):
    assert runner.invoke(main, ["report"]).exit_code == 2
    result = runner.invoke(main, ["report", str(SEEDS), "--since", "2022-01-01"])
    assert result.exit_code == 2 and "--store" in result.stderr


# --------------------------------------------------------------------------- score at scale


def _batch_file(path, n, bad_line_after=None):
    from .test_batch import _write_batch

    return _write_batch(path, n, bad_line_after)


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.slow
def test_score_with_two_jobs_matches_one_job(runner, tmp_path):
    source = _batch_file(tmp_path / "in.jsonl", 25, bad_line_after=10)
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.jsonl"
        result = runner.invoke(main, ["score", str(source), "--format", "jsonl", "-o", str(out),
                                      "--jobs", jobs, "--chunk-size", "4"])
        assert result.exit_code == 2, result.output  # the bad line: reported, counted, skipped
        assert "in.jsonl:12: invalid JSON" in result.stderr
        assert "scored 25 article(s)" in result.stderr
        outputs[jobs] = _lines(out)
    assert outputs["1"] == outputs["2"]
    assert [d["id"] for d in outputs["1"]] == [f"a{i}" for i in range(25)]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_score_to_stdout_with_workers_writes_each_line_once(tmp_path, fmt):
    # Forked workers copy this process's unflushed stdout; none of it may come out twice.
    import subprocess
    import sys

    source = _batch_file(tmp_path / "in.jsonl", 20)
    outputs = [subprocess.run([sys.executable, "-m", "framing", "score", str(source), "-q",
                               "--format", fmt, "--jobs", jobs, "--chunk-size", "3",
                               "--no-techniques", "--no-frames"],
                              capture_output=True, text=True, timeout=300)
               for jobs in ("1", "2")]
    assert [o.returncode for o in outputs] == [0, 0], outputs[1].stderr
    assert outputs[0].stdout == outputs[1].stdout
    if fmt == "csv":
        rows = outputs[1].stdout.splitlines()
        assert len(rows) == 21 and rows[0].startswith("id,")


def test_flags_and_help_import_neither_numpy_nor_scikit_learn():
    # A second or so of start-up that neither needs (issue 13).
    import subprocess
    import sys

    code = ("import sys\nfrom framing.cli import main\n"
            "for args in (['--help'], ['flags', sys.argv[1], '-q']):\n"
            "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'sklearn', "
            "'scipy', 'joblib'}), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, str(seed_path(0))], capture_output=True,
                          text=True, timeout=120)
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr


def test_score_resumes_a_partial_output(runner, tmp_path):
    source = _batch_file(tmp_path / "in.jsonl", 12)
    full = tmp_path / "full.csv"
    assert runner.invoke(main, ["score", str(source), "--format", "csv", "-o", str(full),
                                "--jobs", "1"]).exit_code == 0
    rows = full.read_text(encoding="utf-8").splitlines(keepends=True)
    out = tmp_path / "out.csv"
    # A killed run: the header, five finished rows and half of the sixth.
    (tmp_path / "out.csv.partial").write_text("".join(rows[:6]) + rows[6][:15],
                                              encoding="utf-8")
    refused = runner.invoke(main, ["score", str(source), "--format", "csv", "-o", str(out)])
    assert refused.exit_code == 2
    assert "unfinished output" in refused.stderr and "--resume" in refused.stderr
    result = runner.invoke(main, ["score", str(source), "--format", "csv", "-o", str(out),
                                  "--resume", "--chunk-size", "2"])
    assert result.exit_code == 0, result.output
    assert "scored 7 article(s)" in result.stderr and "5 already done" in result.stderr
    assert out.read_text(encoding="utf-8") == full.read_text(encoding="utf-8")
    assert not (tmp_path / "out.csv.partial").exists()


def _children(pid: int) -> set[int]:
    from pathlib import Path

    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found.update(int(c) for c in task.read_text().split())
    return found


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_score_resume_survives_a_real_kill(tmp_path, jobs):
    import os
    import signal
    import subprocess
    import sys
    import time

    source = _batch_file(tmp_path / "in.jsonl", 400)
    out = tmp_path / "out.jsonl"
    partial = tmp_path / "out.jsonl.partial"
    command = [sys.executable, "-m", "framing", "score", str(source), "--format", "jsonl",
               "-o", str(out), "--jobs", jobs, "--chunk-size", "10", "-q"]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if partial.exists() and partial.read_text(encoding="utf-8").count("\n") >= 20:
            break
        time.sleep(0.05)
    workers = _children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    kept = partial.read_text(encoding="utf-8").count("\n")
    assert 20 <= kept < 400 and not out.exists()
    if jobs != "1":
        assert workers  # the pool was running
        deadline = time.monotonic() + 20
        while workers and time.monotonic() < deadline:  # orphaned workers end themselves
            workers = {w for w in workers if os.path.exists(f"/proc/{w}")
                       and "(Z)" not in open(f"/proc/{w}/stat").read()[:64]}
            time.sleep(0.2)
        assert not workers, "worker processes outlived the killed run"

    resumed = CliRunner().invoke(main, ["score", str(source), "--format", "jsonl", "-o",
                                        str(out), "--resume", "--jobs", "1"])
    assert resumed.exit_code == 0, resumed.output
    assert f"{kept} already done" in resumed.stderr
    reference = tmp_path / "reference.jsonl"
    CliRunner().invoke(main, ["score", str(source), "--format", "jsonl", "-o", str(reference),
                              "--jobs", "1"])
    assert _lines(out) == _lines(reference)


def _tagged_processes(tag: str) -> list[str]:
    """Live processes (not zombies) whose environment holds ``FRAMING_TEST_TAG=tag``."""
    import os

    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/environ", "rb") as handle:
                if f"FRAMING_TEST_TAG={tag}".encode() not in handle.read().split(b"\0"):
                    continue
            with open(f"/proc/{entry.name}/cmdline", "rb") as handle:
                found.append(handle.read().replace(b"\0", b" ").decode()[:120])
        except OSError:  # gone meanwhile, or a zombie (no environment to read)
            continue
    return found


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["local", "dask"])
def test_no_worker_process_outlives_the_command(tmp_path, engine):
    import os
    import subprocess
    import sys
    import uuid

    if engine == "dask":
        from .test_batch import _require_dask

        _require_dask()
    source = _batch_file(tmp_path / "in.jsonl", 60)
    tag = uuid.uuid4().hex
    engine_args = (["--jobs", "2", "--chunk-size", "5", "-o", str(tmp_path / "out.jsonl")]
                   if engine == "local" else
                   ["--engine", "dask", "--workers", "2", "--partition-size", "1",
                    "-o", str(tmp_path / "parts")])
    done = subprocess.run([sys.executable, "-m", "framing", "score", str(source), "-q",
                           *engine_args], env={**os.environ, "FRAMING_TEST_TAG": tag},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _tagged_processes(tag) == []



def test_score_resume_needs_somewhere_to_resume_from(runner):
    result = runner.invoke(main, ["score", str(SEEDS), "--resume"])
    assert result.exit_code == 2 and "--resume needs" in result.stderr
    result = runner.invoke(main, ["score", str(SEEDS), "--resume", "--format", "json",
                                  "-o", "x.json"])
    assert result.exit_code == 2


def test_score_resume_with_a_store_skips_stored_articles(runner, tmp_path):
    db = tmp_path / "scores.db"
    assert runner.invoke(main, ["score", str(seed_path(0)), "--store", str(db)]).exit_code == 0
    result = runner.invoke(main, ["score", str(SEEDS), "--store", str(db), "--resume",
                                  "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert "1 already done" in result.stderr and "4 added" in result.stderr
    assert len(result.stdout.splitlines()) == 4


def test_score_dask_engine_checks_its_options(runner, tmp_path):
    source = _batch_file(tmp_path / "in.jsonl", 3)
    base = ["score", str(source), "--engine", "dask"]
    for extra, message in ((["--format", "table"], "--format jsonl"),
                           (["--format", "jsonl"], "-o DIRECTORY"),
                           (["--format", "jsonl", "-o", str(tmp_path / "o"), "--store", "x.db"],
                            "--store")):
        result = runner.invoke(main, base + extra)
        assert result.exit_code == 2 and message in result.stderr, result.output
    result = runner.invoke(main, ["score", str(SEEDS), "--engine", "dask", "--format", "jsonl",
                                  "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "JSONL only" in result.stderr
    result = runner.invoke(main, ["score", str(source), "--workers", "2"])
    assert result.exit_code == 2 and "--engine dask" in result.stderr


@pytest.mark.slow
def test_score_dask_engine_writes_partitions(runner, tmp_path):
    from .test_batch import _require_dask

    _require_dask()
    source = _batch_file(tmp_path / "in.jsonl", 20)
    out = tmp_path / "scored"
    args = ["score", str(source), "--engine", "dask", "--workers", "2", "--format", "jsonl",
            "-o", str(out)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    parts = sorted(out.glob("part-*.jsonl"))
    assert len(parts) == 1 and "scored 20 article(s)" in result.stderr
    local = runner.invoke(main, ["score", str(source), "--format", "jsonl", "--jobs", "1"])
    assert [json.loads(x) for x in local.stdout.splitlines()] == _lines(parts[0])
    again = runner.invoke(main, args)
    assert again.exit_code == 2 and "--resume" in again.stderr
    resumed = runner.invoke(main, args + ["--resume"])
    assert resumed.exit_code == 0 and "1 partition(s) already done" in resumed.stderr


def test_progress_line_has_share_rate_and_eta():
    import io

    from framing.cli import _Progress

    stream = io.StringIO()
    progress = _Progress(1000, quiet=False, stream=stream, enabled=True, interval=0)
    with progress:
        progress.start -= 10  # ten seconds in
        progress.advance(250, 500)
    shown = stream.getvalue()
    assert "25%" in shown and "500 articles" in shown and "50/s" in shown
    assert "ETA 0:00:30" in shown
    assert shown.endswith("\n")
    unknown = _Progress(None, quiet=False, stream=io.StringIO(), enabled=True)
    assert "ETA" not in unknown.line() and "articles" in unknown.line()


def test_progress_stays_off_when_not_a_terminal_or_quiet(runner, tmp_path):
    import io

    from framing.cli import _Progress

    assert not _Progress(10, quiet=False, stream=io.StringIO()).enabled
    assert not _Progress(10, quiet=True, stream=io.StringIO(), enabled=None).enabled
    result = runner.invoke(main, ["score", str(SEEDS), "--format", "jsonl"])
    assert "ETA" not in result.stderr and "articles  " not in result.stderr


def test_report_scores_with_jobs_like_score(runner, tmp_path):
    source = _batch_file(tmp_path / "in.jsonl", 6)
    results = [runner.invoke(main, ["report", str(source), "--format", "json", "--jobs", jobs,
                                    "--min-articles", "1", "--no-syndication"])
               for jobs in ("1", "2")]
    assert all(r.exit_code == 0 for r in results), results[0].output
    assert json.loads(results[0].stdout)["sources"] == json.loads(results[1].stdout)["sources"]
    assert {s["source"] for s in json.loads(results[0].stdout)["sources"]} == {
        "example0.com", "example1.com", "example2.com"}


@pytest.mark.slow
def test_score_outputs_say_when_no_score_applies(runner, tmp_path, tiny_corpus_file):
    model_dir = tmp_path / "pk"
    assert runner.invoke(main, ["train", str(tiny_corpus_file), "--target", "pro_kremlin_framing",
                                "--out", str(model_dir), "--folds", "4", "--no-baseline",
                                "--features", "words"]).exit_code == 0
    german = tmp_path / "de.txt"
    german.write_text("Die Regierung hat am Montag neue Regeln für den Verkehr in der Stadt "
                      "beschlossen, und die Bürger sollen sich bis zum Ende des Jahres daran "
                      "gewöhnen, wie der Sprecher der Behörde erklärte. " * 3, encoding="utf-8")
    short = tmp_path / "short.txt"
    short.write_text("Kiev regime falls, says Moscow.\n", encoding="utf-8")
    inputs = [str(seed_path(1)), str(german), str(short)]
    table = runner.invoke(main, ["score", *inputs, "--model", str(model_dir)])
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0].split()[:3] == ["pro_kremlin_framing", "war", "flags"]
    assert "[not_english: de]" in lines[2] and "[too_short]" in lines[3]
    assert any(line.strip().startswith("- no score applies") for line in lines)

    rows = list(csv.DictReader(io.StringIO(runner.invoke(
        main, ["score", *inputs, "--model", str(model_dir), "--format", "csv"]).stdout)))
    assert [r["not_scored"] for r in rows] == ["", "not_english", "too_short"]
    assert rows[1]["language"] == "de" and rows[1]["pro_kremlin_framing"] == ""
    assert 0 <= float(rows[0]["pro_kremlin_framing"]) <= 1

    jsonl = runner.invoke(main, ["score", *inputs, "--model", str(model_dir), "--format", "jsonl"])
    docs = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert docs[1]["scores"] is None and docs[1]["scope"]["reason"] == "not_english"
    assert docs[0]["scope"]["language"] == "en" and "confidence" in docs[0]


# --------------------------------------------------------------------------- outputs (issue 10)


def test_output_to_a_fifo_writes_through(runner, tmp_path):
    import os
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []

    def read():
        with open(fifo, encoding="utf-8") as handle:
            got.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result = runner.invoke(main, ["flags", str(SEEDS), "-q", "-o", str(fifo)])
    reader.join(10)
    assert result.exit_code == 0, result.output
    assert got and LINE.match(got[0].splitlines()[0])
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_score_jsonl_to_a_fifo_writes_through(runner, tmp_path):
    import os
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text(encoding="utf-8")),
                              daemon=True)
    reader.start()
    result = runner.invoke(main, ["score", str(SEEDS), "--format", "jsonl", "-q", "-o",
                                  str(fifo), "--jobs", "1"])
    reader.join(30)
    assert result.exit_code == 0, result.output
    assert len(got[0].splitlines()) == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


@pytest.mark.parametrize("command", [["flags"], ["score", "--format", "jsonl", "--jobs", "1"]])
def test_output_through_a_symlink_replaces_its_target(runner, tmp_path, command):
    target = tmp_path / "real.out"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.out"
    link.symlink_to("real.out")
    result = runner.invoke(main, [command[0], str(SEEDS), *command[1:], "-q", "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") != "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.out", "real.out"]


@pytest.mark.skipif(not __import__("os").path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("command", [["flags"], ["score", "--format", "jsonl", "--jobs", "1"],
                                     ["report", "--min-articles", "1", "--jobs", "1"]])
def test_output_to_a_full_device_is_one_message(runner, command):
    import os
    import stat

    result = runner.invoke(main, [command[0], str(SEEDS), *command[1:], "-q", "-o",
                                  "/dev/full"])
    assert result.exit_code == 2
    assert "cannot write /dev/full: No space left on device" in result.stderr
    assert not isinstance(result.exception, OSError)
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


@pytest.mark.parametrize("command", [["flags"], ["score", "--format", "jsonl"],
                                     ["score", "--format", "json"]])
def test_output_into_a_missing_directory_is_one_message(runner, tmp_path, command):
    out = tmp_path / "missing" / "out.txt"
    result = runner.invoke(main, [command[0], str(SEEDS), *command[1:], "-q", "-o", str(out)])
    assert result.exit_code == 2
    assert f"cannot write {out}" in result.stderr and "does not exist" in result.stderr
    assert not isinstance(result.exception, OSError)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
@pytest.mark.skipif(not __import__("os").path.exists("/dev/full"), reason="no /dev/full")
def test_stdout_to_a_full_device_is_one_message_and_exit_two():
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "framing", "flags", str(SEEDS)],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "Error: cannot write stdout: No space left on device"]


@pytest.mark.slow
def test_output_to_a_dev_fd_pipe_writes_through():
    """`framing flags ... -o >(cmd)`: the shell passes a pipe as /dev/fd/N."""
    import os
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-m", "framing", "flags", str(SEEDS), "-q", "-o", f"/dev/fd/{write_end}"],
        pass_fds=(write_end,), stderr=subprocess.PIPE, text=True)
    os.close(write_end)
    with os.fdopen(read_end, encoding="utf-8") as pipe:
        text = pipe.read()
    assert process.wait(120) == 0, process.stderr.read()
    assert LINE.match(text.splitlines()[0])


# --------------------------------------------------------------------------- option checks


@pytest.mark.parametrize("option", ["--select", "--ignore", "--fail-on"])
def test_unknown_marker_codes_are_a_usage_error_with_suggestions(runner, option):
    result = runner.invoke(main, ["flags", str(SEEDS), option, "KN1,KN999"])
    assert result.exit_code == 2
    assert "'KN999'" in result.stderr and option in result.stderr
    assert "did you mean KN" in result.stderr
    result = runner.invoke(main, ["flags", str(SEEDS), option, "narative"])
    assert result.exit_code == 2 and "did you mean narrative?" in result.stderr
    result = runner.invoke(main, ["flags", str(SEEDS), option, "zz"])
    assert result.exit_code == 2 and "'zz'" in result.stderr and "narrative" in result.stderr


def test_marker_codes_match_in_any_case_and_prefixes_stay_valid(runner):
    def ids(*args):
        result = runner.invoke(main, ["flags", str(SEEDS), "-q", *args])
        assert result.exit_code in (0, 1), result.output
        return [m["id"] for m in map(LINE.match, result.stdout.splitlines()) if m]

    upper = ids("--select", "KN1")
    assert upper and all(i.startswith("KN1") for i in upper)
    assert ids("--select", "kn1") == upper
    assert ids("--select", upper[0].lower()) == ids("--select", upper[0])
    assert ids("--select", "AI") == ids("--select", "ai")
    assert runner.invoke(main, ["flags", str(SEEDS), "--fail-on", "ANY"]).exit_code == 1
    assert runner.invoke(main, ["flags", str(seed_path(3)), "--fail-on", "Ai"]).exit_code == 1
    result = runner.invoke(main, ["flags", str(SEEDS), "--select", "any"])
    assert result.exit_code == 2  # 'any' only means something to --fail-on


@pytest.mark.parametrize("args", [
    ["report", str(SEEDS), "--threshold", "1.5"],
    ["report", str(SEEDS), "--threshold", "-0.1"],
    ["report", str(SEEDS), "--min-articles", "0"],
    ["score", str(SEEDS), "--top", "0"],
    ["score", str(SEEDS), "--chunk-size", "0"],
    ["train", str(SEEDS), "--target", "x", "--folds", "1"],
])
def test_numeric_options_are_range_checked(runner, args):
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert "is not in the range" in result.stderr


def test_score_csv_refuses_explain(runner):
    result = runner.invoke(main, ["score", str(SEEDS), "--format", "csv", "--explain"])
    assert result.exit_code == 2
    assert "--explain goes with --format table, json or jsonl" in result.stderr


# --------------------------------------------------------------------------- train safety


@pytest.mark.slow
def test_train_without_out_never_replaces_a_model_silently(runner, tmp_path, monkeypatch,
                                                         tiny_corpus_file):
    import framing.model

    monkeypatch.setattr(framing.model, "MODELS_DIR", tmp_path / "models")
    args = ["train", str(tiny_corpus_file), "--target", "pro_kremlin_framing", "--folds", "4",
            "--features", "words", "--no-baseline"]
    model_dir = tmp_path / "models" / "pro_kremlin_framing"
    assert runner.invoke(main, args).exit_code == 0
    card = (model_dir / "card.json").read_bytes()
    (model_dir / "card.json").write_bytes(b"{}")
    refused = runner.invoke(main, args)
    assert refused.exit_code == 2
    assert "already exists; pass --force" in refused.stderr
    assert (model_dir / "card.json").read_bytes() == b"{}"  # untouched, and refused before training
    forced = runner.invoke(main, [*args, "--force"])
    assert forced.exit_code == 0, forced.output
    assert json.loads((model_dir / "card.json").read_text())["target"] == json.loads(card)["target"]
    # An explicit --out is written, as `make model` does.
    explicit = runner.invoke(main, [*args, "--out", str(model_dir)])
    assert explicit.exit_code == 0, explicit.output


@pytest.mark.slow
def test_train_on_a_tiny_corpus_is_a_clear_message(runner, tmp_path):
    corpus = tmp_path / "tiny.jsonl"
    corpus.write_text("".join(
        json.dumps({"id": i, "text": text, "source": f"{i}.com", "labels": {"t": label}}) + "\n"
        for i, (text, label) in enumerate([("one two", 1), ("three four", 0), ("one five", 1),
                                           ("six seven", 0)])), encoding="utf-8")
    result = runner.invoke(main, ["train", str(corpus), "--target", "t", "--out",
                                  str(tmp_path / "m"), "--folds", "5"])
    assert result.exit_code == 2
    assert "the corpus is too small to train t: 4 article(s)" in result.stderr
    assert not isinstance(result.exception, ValueError)
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("to_file", [False, True])
def test_ctrl_c_exits_130_with_one_line(runner, tmp_path, monkeypatch, to_file):
    import framing.cli

    def interrupted(*args, **kwargs):
        yield from ()
        raise KeyboardInterrupt

    monkeypatch.setattr(framing.cli, "flag_articles", interrupted)
    out = tmp_path / "flags.txt"
    result = runner.invoke(main, ["flags", str(SEEDS), *(["-o", str(out)] if to_file else [])])
    assert result.exit_code == 130
    assert result.stderr == "framing: interrupted\n"
    assert list(tmp_path.iterdir()) == []  # no output and no temporary file left


@pytest.mark.slow
@pytest.mark.skipif(not __import__("os").path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("command", [["markers"], ["narratives"]])
def test_echoed_output_to_a_full_stdout_is_one_message(command):
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "framing", *command], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "No space left on device" in lines[0]


@pytest.mark.slow
def test_evaluate_warns_on_the_models_own_training_corpus(runner, tmp_path, tiny_corpus_file):
    model_dir = tmp_path / "pk"
    assert runner.invoke(main, ["train", str(tiny_corpus_file), "--target", "pro_kremlin_framing",
                                "--out", str(model_dir), "--folds", "4", "--no-baseline",
                                "--features", "words"]).exit_code == 0
    result = runner.invoke(main, ["evaluate", str(tiny_corpus_file), "--model", str(model_dir)])
    assert result.exit_code == 0
    assert "trained on" in result.stderr and "not out of sample" in result.stderr
    other = tmp_path / "other.jsonl"
    other.write_text(tiny_corpus_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = runner.invoke(main, ["evaluate", str(other), "--model", str(model_dir)])
    assert result.exit_code == 0 and "not out of sample" not in result.stderr


def test_corpus_seeds_rebuilds_the_shipped_seed_corpus(runner, tmp_path):
    out = tmp_path / "seeds.jsonl"
    result = runner.invoke(main, ["corpus", "seeds", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (SEEDS.parent / "seeds.jsonl").read_bytes()


def test_corpus_sources_rebuilds_the_shipped_source_table(runner, tmp_path, shared_data):
    from framing.sources import SOURCES_PATH

    out = tmp_path / "sources.csv"
    result = runner.invoke(main, ["corpus", "sources", str(shared_data / "source-labels"),
                                  "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == SOURCES_PATH.read_bytes()


# --------------------------------------------------------------------------- techniques, frames


@pytest.fixture
def techniques_input(tmp_path):
    from .conftest import techniques_article

    path = tmp_path / "article.txt"
    path.write_text(techniques_article(), encoding="utf-8")
    return path


@pytest.fixture
def full_default_models(monkeypatch, tiny_full_models_dir):
    from framing.model import MODELS_ENV

    monkeypatch.setenv(MODELS_ENV, str(tiny_full_models_dir))
    return tiny_full_models_dir


def test_score_json_carries_techniques_and_frames(runner, techniques_input,
                                                  full_default_models):
    result = runner.invoke(main, ["score", str(techniques_input), "--format", "json", "-j", "1"])
    assert result.exit_code == 0, result.stderr
    (doc,) = json.loads(result.stdout)
    text = techniques_input.read_text(encoding="utf-8")
    assert {f["technique"] for f in doc["techniques"]} == {"Loaded_Language", "Doubt"}
    for f in doc["techniques"]:
        assert set(f) == {"line", "id", "technique", "probability", "start", "end", "text"}
        assert text[f["start"]:f["end"]] == f["text"]
    assert doc["frames"]["Security_and_defense"]["asserted"] is True
    off = runner.invoke(main, ["score", str(techniques_input), "--format", "json", "-j", "1",
                               "--no-techniques", "--no-frames"])
    (plain,) = json.loads(off.stdout)
    assert "techniques" not in plain and "frames" not in plain
    assert plain["scores"] == doc["scores"]


def test_score_csv_and_table_show_them_only_when_the_model_ran(runner, techniques_input,
                                                              full_default_models):
    rows = list(csv.DictReader(io.StringIO(runner.invoke(
        main, ["score", str(techniques_input), "--format", "csv", "-j", "1"]).stdout)))
    assert set(rows[0]["techniques"].split(";")) == {"Loaded_Language", "Doubt"}
    assert rows[0]["frames"] == "Security_and_defense"
    header = runner.invoke(main, ["score", str(techniques_input), "--format", "csv", "-j", "1",
                                  "--no-techniques"]).stdout.splitlines()[0]
    assert header.endswith(",flags,frames")
    table = runner.invoke(main, ["score", str(techniques_input), "-j", "1"]).stdout
    assert re.search(r"^      techniques: (Doubt|Loaded_Language) x1, ", table, re.M)
    assert re.search(r"^      frames: Security_and_defense 0\.\d\d$", table, re.M)
    explained = runner.invoke(main, ["score", str(techniques_input), "-j", "1",
                                     "--explain"]).stdout
    assert re.search(r"^      technique Doubt 0\.\d\d line 3: \"Allegedly", explained, re.M)
    assert re.search(r"^      frame Security_and_defense 0\.\d\d\n        line 5: \"Troops",
                     explained, re.M)
    bare = runner.invoke(main, ["score", str(techniques_input), "-j", "1", "--no-techniques",
                                "--no-frames", "--explain"]).stdout
    assert "techniques:" not in bare and "frame" not in bare


def test_flags_techniques_in_the_linter_format(runner, techniques_input, full_default_models):
    result = runner.invoke(main, ["flags", str(techniques_input), "--techniques"])
    assert result.exit_code == 0, result.stderr
    assert re.search(r"article\.txt:1:1: PT15 Loaded_Language 0\.\d\d: .* \"What a disgraceful",
                     result.stdout)
    assert re.search(r"article\.txt:3:1: PT10 Doubt 0\.\d\d: ", result.stdout)
    only = runner.invoke(main, ["flags", str(techniques_input), "--techniques",
                                "--select", "PT1"])
    ids = set(re.findall(r": ([A-Z]{2}\d+) ", only.stdout))
    assert ids == {"PT10", "PT15"}
    assert runner.invoke(main, ["flags", str(techniques_input), "--techniques", "--fail-on",
                                "PT10"]).exit_code == 1
    assert runner.invoke(main, ["flags", str(techniques_input), "--techniques", "--ignore",
                                "technique", "--fail-on", "technique"]).exit_code == 0
    doc = json.loads(runner.invoke(main, ["flags", str(techniques_input), "--techniques",
                                          "--format", "json"]).stdout)
    assert {"PT10", "PT15"} <= {f["marker_id"] for f in doc["articles"][0]["flags"]}
    assert doc["summary"]["articles_per_family"]["technique"] == 1


def test_flags_without_techniques_is_untouched_and_refuses_their_codes(runner,
                                                                      techniques_input):
    result = runner.invoke(main, ["flags", str(techniques_input)])
    assert result.exit_code == 0 and "PT" not in result.stdout
    refused = runner.invoke(main, ["flags", str(techniques_input), "--select", "PT10"])
    assert refused.exit_code == 2 and "go with --techniques" in refused.stderr


def test_flags_techniques_without_a_model_exits_two(runner, techniques_input, monkeypatch,
                                                    tmp_path):
    from framing.model import MODELS_ENV

    monkeypatch.setenv(MODELS_ENV, str(tmp_path / "none"))
    result = runner.invoke(main, ["flags", str(techniques_input), "--techniques"])
    assert result.exit_code == 2
    assert "no techniques model at" in result.stderr and result.stdout == ""


def test_markers_lists_the_techniques(runner):
    text = runner.invoke(main, ["markers", "--family", "technique"]).stdout
    assert re.search(r"^PT15   technique   model  Loaded_Language: ", text, re.M)
    assert text.rstrip().endswith("23 marker(s): technique 23 (framing flags --techniques)")
    doc = json.loads(runner.invoke(main, ["markers", "--family", "technique", "--format",
                                          "json"]).stdout)
    assert [d["id"] for d in doc] == [f"PT{i:02d}" for i in range(1, 24)]
    assert all(d["family"] == "technique" and d["description"] and d["english_only"] is True
               for d in doc)
    assert "PT01" in runner.invoke(main, ["markers"]).stdout
    assert "PT01" not in runner.invoke(main, ["markers", "--family", "ai"]).stdout
