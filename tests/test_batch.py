"""Scoring at scale: chunked streams, worker pools, resume sets, Dask partitions."""

from __future__ import annotations

import json
import os
import signal
from dataclasses import dataclass
from pathlib import Path

import pytest

from framing import batch
from framing.article import Article, content_id
from framing.batch import BatchError, DoneSet, ScoringJob
from framing.errors import InputError
from framing.ingest import iter_articles
from framing.model import discover_models
from framing.scoring import score_articles

from .conftest import SEEDS

#: The job of these tests, on tiny models (set by _tiny_job): they test batching, not the
#: shipped models, which may be retrained.
JOB: ScoringJob


@pytest.fixture(autouse=True)
def _tiny_job(tiny_models_dir):
    global JOB
    JOB = ScoringJob(tuple(str(d) for d in discover_models(tiny_models_dir)))


@pytest.fixture(params=[True, False], ids=["forked", "not-forked"])
def fork(request, monkeypatch):
    """Both ways workers start: forked with the models loaded (Linux only), and the other way
    (a loky pool; spawned Dask workers)."""
    if request.param and not batch.FORK_WORKERS:
        pytest.skip("workers are forked on Linux only")
    monkeypatch.setattr(batch, "FORK_WORKERS", request.param)
    return request.param


def _write_batch(path: Path, n: int, bad_line_after: int | None = None) -> Path:
    """``n`` articles with unique ids: the seed texts, varied so that none is a twin."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            record = {"id": f"a{i}", "text": f"Item {i}.\n\n" + texts[i % len(texts)],
                      "url": f"https://example{i % 3}.com/story/{i}"}
            out.write(json.dumps(record) + "\n")
            if bad_line_after is not None and i == bad_line_after:
                out.write("{not json\n")
    return path


def _reference(path: Path) -> list[tuple[str, dict]]:
    models, extractor = JOB.load()
    return [(s.article.id, s.scores)
            for s in score_articles(iter_articles([path]), models, extractor)]


# --------------------------------------------------------------------------- the job


def test_job_loads_once_per_process_and_again_after_a_retrain(tmp_path):
    first = JOB.load()
    assert JOB.load() is first
    copy = Path(_copy_models(tmp_path)[0])
    job = ScoringJob((str(copy),))
    loaded = job.load()
    assert job.load() is loaded
    card = json.loads((copy / "card.json").read_text(encoding="utf-8"))
    card["sha256"] = "0" * 64  # what a retrain changes; load_model then refuses the file
    (copy / "card.json").write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(Exception, match="sha256"):
        job.load()


def test_job_is_small_when_pickled():
    import pickle

    assert len(pickle.dumps(JOB)) < 1000


# --------------------------------------------------------------------------- DoneSet


def test_done_set_by_id_and_by_content():
    a = Article(id="x1", text="Some text.")
    b = Article(id="x2", text="Other text.")
    c = Article(id="x3", text="Third text.")
    done = DoneSet(ids=["x1"], content_hashes=[content_id("Other text.")])
    assert a in done and b in done and c not in done
    assert len(done) == 2
    assert Article(id="x3", text="x") not in DoneSet()


# --------------------------------------------------------------------------- local engine


def test_stream_keeps_order_and_scores_of_a_plain_run(tmp_path):
    path = _write_batch(tmp_path / "in.jsonl", 23)
    reference = _reference(path)
    got = []
    for result in batch.score_stream(iter_articles([path]), JOB, chunk_size=5):
        assert len(result.scored) <= 5
        got.extend((s.article.id, s.scores) for s in result.scored)
    assert got == reference


@pytest.mark.slow
def test_pool_of_two_gives_the_same_output_in_input_order(tmp_path):
    path = _write_batch(tmp_path / "in.jsonl", 40)
    reference = _reference(path)
    results = list(batch.score_stream(iter_articles([path]), JOB, jobs=2, chunk_size=3))
    assert [r.index for r in results] == list(range(len(results)))
    got = [(s.article.id, s.scores) for r in results for s in r.scored]
    assert [i for i, _ in got] == [i for i, _ in reference]
    for (_, mine), (_, theirs) in zip(got, reference, strict=True):
        assert mine == pytest.approx(theirs, abs=1e-12)


@dataclass(frozen=True)
class _CountingJob(ScoringJob):
    """Records each actual model load (a cache miss) with the loading process id."""

    log_dir: str = ""

    def load(self):
        key_before = set(batch._LOADED)
        loaded = super().load()
        if set(batch._LOADED) != key_before:
            Path(self.log_dir, f"{os.getpid()}-{len(os.listdir(self.log_dir))}").touch()
        return loaded


def _copy_models(tmp_path: Path) -> tuple[str, ...]:
    """Fresh model directories: loky reuses worker processes between tests, and a worker
    that already loaded the shipped models would not load them again."""
    dirs = []
    for source in map(Path, JOB.model_dirs):
        copy = tmp_path / "models" / source.name
        copy.mkdir(parents=True)
        for name in ("model.pkl.gz", "card.json"):
            (copy / name).write_bytes((source / name).read_bytes())
        dirs.append(str(copy))
    return tuple(dirs)


@pytest.mark.slow
def test_pool_workers_load_the_models_once_each(tmp_path, fork):
    path = _write_batch(tmp_path / "in.jsonl", 30)
    logs = tmp_path / "loads"
    logs.mkdir()
    job = _CountingJob(_copy_models(tmp_path), log_dir=str(logs))
    try:
        results = list(batch.score_stream(iter_articles([path]), job, jobs=2, chunk_size=2))
    finally:
        batch.stop_pool()
    assert len(results) == 15
    loads = [p.name.split("-")[0] for p in logs.iterdir()]
    assert sorted(loads) == sorted(set(loads))  # no process loaded twice
    pids = set(loads) - {str(os.getpid())}
    if fork:
        # Forked after this process loaded them: the workers inherit the models.
        assert loads == [str(os.getpid())]
    else:
        assert 1 <= len(pids) <= 2


def _gone(pids) -> bool:
    # Joined and reaped by this process: not even a zombie is left.
    return [pid for pid in pids if os.path.exists(f"/proc/{pid}")] == []


@pytest.mark.slow
def test_forked_workers_end_with_their_stream(tmp_path):
    if not batch.FORK_WORKERS:
        pytest.skip("workers are forked on Linux only")
    path = _write_batch(tmp_path / "in.jsonl", 30)
    stream = batch.score_stream(iter_articles([path]), JOB, jobs=2, chunk_size=2)
    next(stream)
    (pool,) = batch._FORKED
    workers = list(pool._processes)
    assert len(workers) == 2
    assert sum(len(r.scored) for r in stream) == 28  # and the stream ends: so do they
    assert _gone(workers) and batch._FORKED == []
    # A stream left half-way (the consumer failed) stops its workers too.
    stream = batch.score_stream(iter_articles([path]), JOB, jobs=2, chunk_size=2)
    next(stream)
    workers = list(batch._FORKED[0]._processes)
    stream.close()
    assert _gone(workers) and batch._FORKED == []
    batch.stop_pool()  # nothing left to stop: a no-op


@pytest.mark.slow
def test_stopping_the_loky_pool_waits_for_its_workers(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "FORK_WORKERS", False)
    path = _write_batch(tmp_path / "in.jsonl", 30)
    list(batch.score_stream(iter_articles([path]), JOB, jobs=2, chunk_size=2))
    workers = list(batch._POOL._processes)
    assert workers
    batch.stop_pool()
    assert _gone(workers)
    assert batch._POOL is None
    batch.stop_pool()  # a second stop is a no-op


@dataclass(frozen=True)
class _DyingJob(ScoringJob):
    """Kills the worker process that loads it, as the out-of-memory killer would."""

    parent: int = 0

    def load(self):
        if os.getpid() != self.parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return super().load()


@pytest.mark.slow
def test_a_dead_worker_asks_for_resume(tmp_path, fork):
    path = _write_batch(tmp_path / "in.jsonl", 30)
    job = _DyingJob(JOB.model_dirs, parent=os.getpid())
    with pytest.raises(batch.ResumeNeeded, match="worker process died"):
        list(batch.score_stream(iter_articles([path]), job, jobs=2, chunk_size=2))
    assert batch._FORKED == [] and batch._POOL is None
    # The next run gets a pool of its own.
    results = list(batch.score_stream(iter_articles([path]), JOB, jobs=2, chunk_size=2))
    assert sum(len(r.scored) for r in results) == 30
    batch.stop_pool()


def test_small_input_is_scored_without_a_pool(tmp_path, monkeypatch):
    path = _write_batch(tmp_path / "in.jsonl", 4)

    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started for one chunk")

    monkeypatch.setattr(batch, "_score_in_pool", no_pool)
    results = list(batch.score_stream(iter_articles([path]), JOB, jobs=8))
    assert sum(len(r.scored) for r in results) == 4


def test_done_articles_are_skipped_and_counted(tmp_path):
    path = _write_batch(tmp_path / "in.jsonl", 12)
    done = DoneSet(ids=[f"a{i}" for i in range(0, 12, 2)])
    results = list(batch.score_stream(iter_articles([path]), JOB, chunk_size=4, done=done))
    ids = [s.article.id for r in results for s in r.scored]
    assert ids == [f"a{i}" for i in range(1, 12, 2)]
    assert sum(r.skipped for r in results) == 6


def test_every_input_byte_is_accounted_to_a_chunk(tmp_path):
    path = _write_batch(tmp_path / "in.jsonl", 30)
    read = [0]
    articles = iter_articles([path], on_bytes=lambda n: read.__setitem__(0, read[0] + n))
    results = list(batch.score_stream(articles, JOB, chunk_size=7, bytes_read=lambda: read[0]))
    assert sum(r.bytes_read for r in results) == path.stat().st_size


def test_bad_records_do_not_stop_the_stream(tmp_path):
    path = _write_batch(tmp_path / "in.jsonl", 10, bad_line_after=4)
    problems = []
    results = list(batch.score_stream(iter_articles([path], on_problem=problems.append), JOB,
                                      jobs=2, chunk_size=3))
    assert sum(len(r.scored) for r in results) == 10
    assert [(p.line, "invalid JSON" in p.message) for p in problems] == [(6, True)]


def test_bad_arguments_are_refused():
    with pytest.raises(BatchError, match="jobs"):
        list(batch.score_stream([], JOB, jobs=0))
    with pytest.raises(BatchError, match="chunk"):
        list(batch.score_stream([], JOB, chunk_size=0))
    assert list(batch.score_stream([], JOB)) == []


# --------------------------------------------------------------------------- a whole run


def test_run_writes_stores_and_resumes_like_the_command(tmp_path):
    path = _write_batch(tmp_path / "in.jsonl", 12)
    out, db = tmp_path / "out.jsonl", tmp_path / "scores.db"
    first = batch.run([str(path)], JOB, output=out, fmt="jsonl", store=db, chunk_size=4)
    assert (first.scored, first.skipped, first.added, first.present) == (12, 0, 12, 0)
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    assert [json.loads(line)["id"] for line in lines] == [f"a{i}" for i in range(12)]
    out.unlink()
    # A killed run: five finished lines and half of the sixth.
    (tmp_path / "out.jsonl.partial").write_text("".join(lines[:5]) + lines[5][:10],
                                                encoding="utf-8")
    with pytest.raises(batch.ResumeNeeded, match="resume=True") as refused:
        batch.run([str(path)], JOB, output=out, fmt="jsonl")
    assert "pass --resume to continue" in refused.value.telling("--resume")
    again = batch.run([str(path)], JOB, output=out, fmt="jsonl", resume=True, chunk_size=4)
    assert (again.scored, again.skipped, again.added) == (7, 5, None)
    assert out.read_text(encoding="utf-8") == "".join(lines)
    stored = batch.run([str(path)], JOB, output=tmp_path / "t.csv", fmt="csv", store=db,
                       resume=True)
    assert (stored.scored, stored.skipped) == (0, 12)
    with pytest.raises(BatchError, match="resuming needs"):
        batch.run([str(path)], JOB, resume=True)


# --------------------------------------------------------------------------- partitions


def test_plan_covers_every_byte_in_order(tmp_path):
    a = _write_batch(tmp_path / "a.jsonl", 20)
    b = _write_batch(tmp_path / "b.jsonl", 3)
    parts = batch.plan_partitions([str(a), str(b)], block_size=4000)
    assert [p.index for p in parts] == list(range(len(parts)))
    assert len([p for p in parts if p.path == str(a)]) > 2
    for name in (a, b):
        mine = [p for p in parts if p.path == str(name)]
        assert mine[0].start == 0 and mine[-1].end == name.stat().st_size
    assert parts == batch.plan_partitions([str(a), str(b)], block_size=4000)  # deterministic


def test_plan_refuses_what_tasks_cannot_split(tmp_path):
    (tmp_path / "a.csv").write_text("text\nx\n", encoding="utf-8")
    with pytest.raises(InputError, match="JSONL only"):
        batch.plan_partitions([str(tmp_path / "a.csv")])
    with pytest.raises(InputError, match="stdin"):
        batch.plan_partitions(["-"])


def test_partition_task_writes_its_file_and_reports_problems(tmp_path):
    path = _write_batch(tmp_path / "in.jsonl", 12, bad_line_after=8)
    parts = batch.plan_partitions([str(path)], block_size=1)
    out = tmp_path / "out"
    out.mkdir()
    results = [batch.score_partition(p, JOB, str(out)) for p in parts]
    lines = [json.loads(line) for p in parts
             for line in (out / p.name).read_text(encoding="utf-8").splitlines()]
    assert [d["id"] for d in lines] == [f"a{i}" for i in range(12)]
    assert [(d["id"], d["scores"]) for d in lines] == [
        (i, {t: round(p, 4) for t, p in s.items()}) for i, s in _reference(path)]
    problems = [p for r in results for p in r.problems]
    assert [p.line for p in problems] == [10]


def test_output_dir_is_never_overwritten_and_resumes_only_the_same_plan(tmp_path):
    path = _write_batch(tmp_path / "in.jsonl", 12)
    parts = batch.plan_partitions([str(path)], block_size=3000)
    out = tmp_path / "out"
    assert batch.prepare_output_dir(out, parts, JOB, resume=False) == parts
    (out / parts[0].name).write_text("{}\n", encoding="utf-8")
    with pytest.raises(BatchError, match="resume=True"):
        batch.prepare_output_dir(out, parts, JOB, resume=False)
    assert batch.prepare_output_dir(out, parts, JOB, resume=True) == parts[1:]
    other = batch.plan_partitions([str(path)], block_size=5000)
    with pytest.raises(BatchError, match="manifest"):
        batch.prepare_output_dir(out, other, JOB, resume=True)


# --------------------------------------------------------------------------- Dask


def _require_dask():
    # CI installs the dask extra and sets FRAMING_REQUIRE_DASK, so there a missing engine
    # fails instead of skipping.
    if os.environ.get("FRAMING_REQUIRE_DASK"):
        import dask  # noqa: F401
        import distributed  # noqa: F401
    else:
        pytest.importorskip("distributed")


@pytest.mark.slow
def test_dask_on_a_local_cluster_scores_every_partition_and_resumes(tmp_path):
    _require_dask()
    path = _write_batch(tmp_path / "in.jsonl", 30, bad_line_after=20)
    parts = batch.plan_partitions([str(path)], block_size=20_000)
    assert len(parts) >= 3
    out = tmp_path / "scored"
    seen = []
    results = batch.score_with_dask(parts, JOB, out, workers=2, on_result=seen.append)
    assert [r.partition for r in results] == parts
    assert sorted(r.partition.index for r in seen) == [p.index for p in parts]
    lines = [json.loads(line) for p in parts
             for line in (out / p.name).read_text(encoding="utf-8").splitlines()]
    assert [(d["id"], d["scores"]) for d in lines] == [
        (i, {t: round(p, 4) for t, p in s.items()}) for i, s in _reference(path)]
    assert [p.line for r in results for p in r.problems] == [22]

    finished = (out / parts[0].name).read_bytes()
    (out / parts[-1].name).unlink()  # as if the run had been killed before the last one
    again = batch.score_with_dask(parts, JOB, out, workers=2, resume=True)
    assert [r.resumed for r in again] == [True] * (len(parts) - 1) + [False]
    assert (out / parts[0].name).read_bytes() == finished
    assert (out / parts[-1].name).exists()
    with pytest.raises(BatchError, match="resume=True"):
        batch.score_with_dask(parts, JOB, out, workers=2)


@pytest.mark.slow
def test_dask_workers_load_the_models_once_each(tmp_path, fork):
    _require_dask()
    path = _write_batch(tmp_path / "in.jsonl", 30)
    parts = batch.plan_partitions([str(path)], block_size=4000)
    assert len(parts) >= 6
    logs = tmp_path / "loads"
    logs.mkdir()
    job = _CountingJob(_copy_models(tmp_path), log_dir=str(logs))
    results = batch.score_with_dask(parts, job, tmp_path / "out", workers=2)
    assert sum(r.articles for r in results) == 30
    loads = [p.name.split("-")[0] for p in logs.iterdir()]
    assert sorted(loads) == sorted(set(loads))  # no process loaded twice
    if fork:
        assert loads == [str(os.getpid())]  # the workers inherit them
    else:
        assert 1 <= len(set(loads) - {str(os.getpid())}) <= 2


def test_partition_size_cuts_small_inputs_finer():
    mb, kb = 1 << 20, 1 << 10
    assert batch.partition_size(4096 * mb) == 32 * mb
    assert batch.partition_size(64 * mb) == mb
    assert batch.partition_size(10 * mb) == 256 * kb
    assert batch.partition_size(0) == 256 * kb
    assert batch.partition_size(10 * mb, largest=128 * kb) == 128 * kb
    assert batch.partition_size(1000 * mb, largest=8 * mb) == 8 * mb


def test_switched_off_models_are_not_loaded_and_travel_to_partitions(tmp_path,
                                                                     tiny_full_models_dir):
    dirs = tuple(str(d) for d in discover_models(tiny_full_models_dir))
    full = ScoringJob(dirs)
    bare = ScoringJob(dirs, techniques=False, frames=False)
    assert full.used_dirs() == dirs
    assert [Path(d).name for d in bare.used_dirs()] == [Path(d).name for d in JOB.model_dirs]
    assert {m.card.get("kind") for m in full.load()[0]} >= {"techniques", "frames"}
    assert not {m.card.get("kind") for m in bare.load()[0]} & {"techniques", "frames"}
    path = _write_batch(tmp_path / "in.jsonl", 3)
    (part,) = batch.plan_partitions([str(path)])
    for job, name in ((full, "full"), (bare, "bare")):
        out = tmp_path / name
        out.mkdir()
        batch.score_partition(part, job, str(out))
        docs = [json.loads(line) for line in (out / part.name).read_text("utf-8").splitlines()]
        assert all(("techniques" in d) == (job is full) and ("frames" in d) == (job is full)
                   for d in docs)


def test_run_writes_the_technique_columns_only_with_the_model(tmp_path, tiny_full_models_dir):
    dirs = tuple(str(d) for d in discover_models(tiny_full_models_dir))
    path = _write_batch(tmp_path / "in.jsonl", 3)
    batch.run([str(path)], ScoringJob(dirs), output=tmp_path / "full.csv", fmt="csv")
    batch.run([str(path)], ScoringJob(dirs, techniques=False, frames=False),
              output=tmp_path / "bare.csv", fmt="csv")
    batch.run([str(path)], JOB, output=tmp_path / "tiny.csv", fmt="csv")
    full = (tmp_path / "full.csv").read_text("utf-8").splitlines()
    assert full[0].endswith(",flags,techniques,frames")
    assert (tmp_path / "bare.csv").read_bytes() == (tmp_path / "tiny.csv").read_bytes()
