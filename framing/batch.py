"""Scoring at scale: streamed chunks on all local cores, or partitions on a Dask cluster.

The local engine (:func:`score_stream`) reads the inputs in this process and cuts them into
chunks of articles; worker processes score the chunks and the results come back in input
order. Only the chunks in flight are held, so memory stays flat however big the input is. On
Linux the workers are forked from this process once it has loaded the models, so they start in
milliseconds with the models in memory (shared, copy-on-write); elsewhere they are a loky pool
whose workers import scikit-learn and load the models once each.

The Dask engine (:func:`score_with_dask`) cuts JSONL inputs into byte ranges instead
(:func:`plan_partitions`): each task reads, scores and writes its own partition file, so only
counts and input problems travel back to the client, and a rerun with ``resume=True`` skips the
partitions already written.

Resuming the local engine skips articles by id or content hash (:class:`DoneSet`).

:func:`run` is the whole of a local scoring run, as ``framing score`` does it: the inputs
scored, the scores written as they finish (a jsonl or csv file growing in ``OUTPUT.partial``
and renamed when complete, so a killed run can be resumed), kept in a store too, and counted.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import hashlib
import importlib
import itertools
import json
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from framing import atomic
from framing import output as writers
from framing.article import Article, Problem, content_id
from framing.atomic import atomic_write
from framing.errors import FramingError, InputError
from framing.ingest import input_files, input_size, iter_articles, iter_jsonl_range, jsonl_ranges
from framing.markers import Extractor
from framing.store import Store, article_key

# framing.model and framing.scoring import scikit-learn (about a second), and DoneSet numpy:
# this module imports them only where they are used, since `framing flags` and --help import
# it too.
if TYPE_CHECKING:
    import numpy as np

    from framing.article import ScoredArticle
    from framing.model import Model

# 64 articles is one vectorised batch of score_articles: as fast per article as bigger chunks,
# and small enough that the last chunks of a run keep every worker busy to the end.
DEFAULT_CHUNK_SIZE = 64
POOL_MIN_CHUNKS = 4
# Workers forked from the process that loaded the models start with them in memory. Only on
# Linux: macOS can fork, but system libraries there are not safe to use in a forked child (the
# reason Python spawns there), and Windows cannot.
FORK_WORKERS = sys.platform.startswith("linux")
# Without fork (the loky pool): inputs from this size on start the pool before anything else
# (see start_pool); smaller ones may still use it, once read far enough to hold more than
# POOL_MIN_CHUNKS chunks.
POOL_START_BYTES = 8 << 20
DEFAULT_PARTITION_BYTES = 32 << 20
# Dask: an input is cut into at least this many partitions (of MIN_PARTITION_BYTES at least),
# since a worker idles while another finishes the last partition: with 2 workers and 8
# partitions, that was up to an eighth of the run. A partition is a task of a few
# milliseconds' overhead.
MIN_PARTITIONS = 64
MIN_PARTITION_BYTES = 256 << 10
MANIFEST = "manifest.json"


class BatchError(FramingError):
    """A batch run cannot start or go on (engine missing, output directory in use, ...)."""


class ResumeNeeded(BatchError):
    """Work of an earlier run is kept (an unfinished output, finished partitions, the chunks
    scored before a worker died): resuming the run goes on from it.

    The message says how in this library's terms (``resume=True``); :meth:`telling` says it
    with the caller's own word for resuming, such as a command-line option.
    """

    def __init__(self, before: str, after: str):
        self.before, self.after = before, after
        super().__init__(self.telling("resume=True"))

    def telling(self, resume: str) -> str:
        """The message, with ``resume`` as the way to resume."""
        return f"{self.before}{resume}{self.after}"


# --------------------------------------------------------------------------- the job


@dataclass(frozen=True)
class ScoringJob:
    """What a worker needs to score: model directories and options, nothing loaded.

    Small and picklable, so it can travel to worker processes and cluster nodes; each process
    loads the models itself, once (:meth:`load`).
    """

    model_dirs: tuple[str, ...]
    explain: bool = False
    top: int = 5
    columns: tuple[tuple[str, str], ...] = ()
    strict: bool = False
    #: Read the persuasion techniques / media frames when a techniques / frames model is
    #: among the directories; off, that model is not even loaded.
    techniques: bool = True
    frames: bool = True

    def used_dirs(self) -> tuple[str, ...]:
        """The model directories this job loads: ``model_dirs`` without the techniques or
        frames model it is told to leave out."""
        off = {kind for kind, on in (("techniques", self.techniques), ("frames", self.frames))
               if not on}
        if not off:
            return self.model_dirs
        return tuple(d for d in self.model_dirs if _card_field(d, "kind") not in off)

    def load_key(self) -> tuple:
        """What :meth:`load` caches its models under: the directories and their cards'
        sha256, so that a model retrained in place is not taken for the one loaded before."""
        dirs = self.used_dirs()
        return (dirs, tuple(_card_sha256(d) for d in dirs))

    def load(self) -> tuple[list[Model], Extractor]:
        """The models and the marker extractor, loaded once per process and job."""
        key = self.load_key()
        dirs = key[0]
        loaded = _LOADED.get(key)
        if loaded is None:
            from framing.model import load_model

            loaded = ([load_model(d) for d in dirs], Extractor())
            _LOADED.clear()  # one job per process at a time; do not pile up old models
            _LOADED[key] = loaded
            # The models' millions of objects live as long as the job: out of the cyclic
            # collector's way, whose full passes walked them all (building the counting maps
            # 0.16 -> 0.07 s a model, scoring 3-6% faster). Refcounting still frees them.
            gc.freeze()
        return loaded


# Per process: the loaded models of the current job. Keyed by the cards' sha256 too, so a model
# retrained in place between two runs in one process (tests, notebooks) is loaded afresh.
_LOADED: dict[tuple, tuple[list[Model], Extractor]] = {}


def _card_sha256(directory: str) -> str | None:
    return _card_field(directory, "sha256")


def _card_field(directory: str, name: str):
    from framing.model import CARD_FILE

    try:
        card = json.loads((Path(directory) / CARD_FILE).read_text("utf-8"))
        return card.get(name) if isinstance(card, dict) else None
    except (OSError, ValueError):
        return None  # load_model reports it


def available_cores() -> int:
    """CPUs this process may use (affinity and container limits respected)."""
    from joblib import cpu_count

    return max(1, cpu_count())


# --------------------------------------------------------------------------- resume


def _hash64(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "big")


class DoneSet:
    """Articles already scored, by id, by content hash or by store key: what resuming skips.

    ``keys`` are :func:`framing.store.article_key` strings, as :meth:`framing.store.Store.known`
    gives them: an article is done when its identity and text are stored, so the same text at
    another URL is not. Kept as sorted 64-bit hashes (8 bytes an entry) so that resuming a run
    of millions of articles does not hold millions of strings.
    """

    def __init__(self, ids: Iterable[str] = (), content_hashes: Iterable[str] = (),
                 keys: Iterable[str] = ()):
        import numpy as np  # here: `framing flags` and --help import this module, not numpy

        self._ids = np.unique(np.fromiter((_hash64(i) for i in ids), dtype=np.uint64))
        self._hashes = np.unique(np.fromiter((_hash64(h) for h in content_hashes),
                                             dtype=np.uint64))
        self._keys = np.unique(np.fromiter((_hash64(k) for k in keys), dtype=np.uint64))

    def __len__(self) -> int:
        return len(self._ids) + len(self._hashes) + len(self._keys)

    @staticmethod
    def _has(values: np.ndarray, key: str) -> bool:
        import numpy as np

        if not len(values):
            return False
        h = np.uint64(_hash64(key))
        i = np.searchsorted(values, h)
        return bool(i < len(values) and values[i] == h)

    def __contains__(self, article: Article) -> bool:
        if self._has(self._ids, article.id) or self._has(self._hashes, content_id(article.text)):
            return True
        return bool(len(self._keys)) and self._has(self._keys, article_key(article))


# --------------------------------------------------------------------------- local engine


@dataclass
class ChunkResult:
    """The scored articles of one chunk, in input order, and what reading them took."""

    index: int
    scored: list[ScoredArticle]
    bytes_read: int = 0
    skipped: int = 0


@dataclass
class _Chunk:
    index: int
    articles: list[Article]
    bytes_read: int
    skipped: int


def _chunks(articles: Iterable[Article], size: int, done: DoneSet | None,
            bytes_read: Callable[[], int] | None) -> Iterator[_Chunk]:
    batch: list[Article] = []
    skipped = index = 0
    seen_bytes = 0

    def cut() -> _Chunk:
        nonlocal seen_bytes, skipped, index, batch
        now = bytes_read() if bytes_read is not None else 0
        chunk = _Chunk(index, batch, now - seen_bytes, skipped)
        seen_bytes, skipped, index, batch = now, 0, index + 1, []
        return chunk

    for article in articles:
        if done is not None and article in done:
            skipped += 1
            if skipped >= size:  # keep progress moving through a long finished stretch
                yield cut()
            continue
        batch.append(article)
        if len(batch) >= size:
            yield cut()
    if batch or skipped or (bytes_read is not None and bytes_read() > seen_bytes):
        yield cut()


def _score_chunk(job: ScoringJob, articles: list[Article]) -> list[ScoredArticle]:
    # What travels back from a worker: the scored records without their articles (the parent
    # still holds them), so texts cross between processes once, not twice.
    from framing.scoring import score_articles

    models, extractor = job.load()
    out = []
    for scored in score_articles(articles, models, extractor, explain=job.explain,
                                 top=job.top, batch_size=64):
        scored.article = None
        out.append(scored)
    return out


POOL_IDLE_TIMEOUT = 60


def start_pool(jobs: int):
    """The loky pool of ``jobs`` worker processes, started now (and reused if it already runs).

    The route where workers are not forked (:data:`FORK_WORKERS` false): workers import
    scikit-learn as they start, which takes about a second, so starting the pool before the
    parent loads anything overlaps that with the parent's own start-up. :func:`score_stream`
    uses the same pool there. Idle workers exit after a minute, and all of them when the
    interpreter exits (:func:`stop_pool`).
    """
    global _POOL
    from joblib.externals.loky import get_reusable_executor

    pool = get_reusable_executor(max_workers=jobs, timeout=POOL_IDLE_TIMEOUT,
                                 initializer=_init_worker)
    _stop_at_exit()
    _POOL = pool
    return pool


_POOL = None
# Forked pools running, each owned by the stream scoring with it (normally one): a forked
# worker holds the models of one job, so a pool is not kept for another stream.
_FORKED: list = []


def _stop_at_exit() -> None:
    atexit.unregister(stop_pool)  # registered once however often a pool is started
    atexit.register(stop_pool)


def _forked_pool(jobs: int, job: ScoringJob):
    """``jobs`` workers forked from this process, now, with ``job``'s models loaded."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    pool = ProcessPoolExecutor(jobs, mp_context=get_context("fork"),
                               initializer=_init_forked_worker)
    _FORKED.append(pool)
    _stop_at_exit()
    # The processes are launched now (a forking pool starts them all at its first task), so
    # that they are forked within _forking.
    with _forking(job):
        pool.submit(int).result()
    return pool


@contextlib.contextmanager
def _forking(job: ScoringJob):
    """Around forking workers that inherit ``job``'s loaded models (the local pool's and a
    LocalCluster's): the models loaded, buffered output flushed, the collector kept off."""
    job.load()
    # Buffered text on stdout or stderr (a table row, the progress line) would be written a
    # second time by each worker, which flushes them as it exits.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    # Objects left out of the workers' garbage collections: a collection writes to every
    # object it scans, which would copy the parent's pages (the models) into each worker.
    # Frozen already (ScoringJob.load freezes what it loads), they stay so here too.
    frozen = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not frozen:
            gc.unfreeze()


def _stop_forked(pool) -> None:
    with contextlib.suppress(ValueError):
        _FORKED.remove(pool)
    pool.shutdown(wait=True, cancel_futures=True)


def stop_pool() -> None:
    """Stop the worker pools and wait until their processes have exited.

    Runs at interpreter exit once a pool was started, so no worker outlives the command that
    started it; a later :func:`start_pool` or :func:`score_stream` starts a new pool. (A
    forked pool already stops when the stream that started it ends.) Chunks not started yet
    are dropped. A no-op when none runs.
    """
    global _POOL
    for pool in list(_FORKED):
        _stop_forked(pool)
    pool, _POOL = _POOL, None
    if pool is None:
        return
    pool.shutdown(wait=True)
    _stop_resource_tracker("joblib.externals.loky.backend.resource_tracker")


_TRACKERS = ("multiprocessing.resource_tracker",
             "joblib.externals.loky.backend.resource_tracker")


def _stop_resource_tracker(module: str) -> None:
    # A pool's resource tracker is a process of its own that stops only after this one has
    # exited, unless stopped here (and waited for). Private API, hence the guard.
    with contextlib.suppress(ImportError, AttributeError, OSError, ChildProcessError):
        importlib.import_module(module)._resource_tracker._stop()


def _init_worker() -> None:
    _exit_with_parent()
    import framing.scoring  # noqa: F401  (the slow import, done before the first chunk)


def _init_forked_worker() -> None:
    # Ctrl-C reaches the whole process group: the parent stops the pool (stop_pool), and a
    # worker interrupted between chunks would only break it for the parent.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A resource tracker stops when the last holder of its pipe closes it: the copy forked
    # into this worker would keep the parent waiting for a tracker that never stops.
    for module in _TRACKERS:
        tracker = getattr(sys.modules.get(module), "_resource_tracker", None)
        fd = getattr(tracker, "_fd", None)
        if isinstance(fd, int):
            with contextlib.suppress(OSError):
                os.close(fd)
            tracker._fd = tracker._pid = None
    _exit_with_parent()


def _exit_with_parent(interval: float = 0.5) -> None:
    """End this worker process when the process that started it dies.

    A parent killed outright (SIGKILL, out of memory) cannot stop its pool, and an idle
    worker would otherwise live on, orphaned.
    """
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="framing-parent-watch", daemon=True).start()


def score_stream(
    articles: Iterable[Article],
    job: ScoringJob,
    *,
    jobs: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    done: DoneSet | None = None,
    bytes_read: Callable[[], int] | None = None,
) -> Iterator[ChunkResult]:
    """Score ``articles`` chunk by chunk, in input order, with ``jobs`` processes.

    ``jobs=1`` scores in this process. With more, a pool of worker processes scores the
    chunks, but only once the input holds more than one chunk (forked workers, which start in
    milliseconds) or more than ``POOL_MIN_CHUNKS`` chunks (the loky pool of
    :func:`start_pool`, whose workers take seconds to start): a smaller input is scored here.
    At most ``2 * jobs`` chunks are in flight, which bounds memory. ``done`` articles are
    skipped and counted in :attr:`ChunkResult.skipped`; ``bytes_read`` (a running total of
    input bytes, see ``iter_articles(on_bytes=...)``) lets each result say how much input it
    stands for, for progress bars.

    Input problems are reported by the reader that produced ``articles``, in this process.
    """
    if jobs < 1:
        raise BatchError(f"jobs must be at least 1, got {jobs}")
    if chunk_size < 1:
        raise BatchError(f"chunk size must be at least 1, got {chunk_size}")
    chunks = _chunks(articles, chunk_size, done, bytes_read)
    ahead: list[_Chunk] = []
    if jobs > 1:
        enough = 1 if FORK_WORKERS else POOL_MIN_CHUNKS
        for chunk in chunks:
            ahead.append(chunk)
            if len(ahead) > enough:
                yield from _score_in_pool(itertools.chain(ahead, chunks), job, jobs)
                return
    for chunk in itertools.chain(ahead, chunks):
        yield _result(chunk, _score_chunk(job, chunk.articles))


def _result(chunk: _Chunk, outcomes: list[ScoredArticle]) -> ChunkResult:
    for article, scored in zip(chunk.articles, outcomes, strict=True):
        scored.article = article
    return ChunkResult(chunk.index, list(outcomes), chunk.bytes_read, chunk.skipped)


def _score_in_pool(chunks: Iterator[_Chunk], job: ScoringJob, jobs: int) -> Iterator[ChunkResult]:
    from concurrent.futures.process import BrokenProcessPool

    forked = FORK_WORKERS
    pool = _forked_pool(jobs, job) if forked else start_pool(jobs)
    window: deque = deque()
    try:
        for chunk in chunks:
            window.append((chunk, pool.submit(_score_chunk, job, chunk.articles)))
            # Results are taken in input order; a full window waits for its oldest chunk.
            if len(window) >= 2 * jobs:
                chunk, future = window.popleft()
                yield _result(chunk, future.result())
        while window:
            chunk, future = window.popleft()
            yield _result(chunk, future.result())
    except BrokenProcessPool as exc:  # loky's TerminatedWorkerError is one too
        if not forked:
            stop_pool()  # a broken pool takes no more work; the next run starts another
        raise ResumeNeeded(f"a worker process died ({exc}); the articles scored before it "
                           "are kept, rerun with ", " to go on") from None
    finally:
        for _, future in window:
            future.cancel()
        if forked:
            # Its workers hold this job's models and copies of this process's open files:
            # they end with the stream, not at some later exit.
            _stop_forked(pool)


def start_pool_for(paths: Sequence[str], input_format: str, jobs: int) -> None:
    """Start the worker pool at once when the input looks big enough to use it.

    Called before the models are loaded, so that the workers' start-up overlaps this
    process's. Where workers are forked (:data:`FORK_WORKERS`) it does nothing: they are
    forked once the models are loaded, and start at once.
    """
    if jobs > 1 and not FORK_WORKERS:
        size = input_size(paths, input_format)
        if size is None or size >= POOL_START_BYTES:
            start_pool(jobs)


def score_paths(
    paths: Sequence[str],
    job: ScoringJob,
    *,
    jobs: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    input_format: str = "auto",
    done: DoneSet | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    on_chunk: Callable[[ChunkResult], None] | None = None,
) -> Iterator[ScoredArticle]:
    """The scored articles of the inputs at ``paths``, in input order (see :func:`score_stream`).

    The inputs are read with the job's columns and strictness; ``on_problem`` gets each input
    problem. ``on_chunk`` is called after the last article of each chunk has been taken, with
    the chunk's result: its ``bytes_read`` and ``skipped`` are what a progress line counts.
    """
    read = 0

    def count(n: int) -> None:
        nonlocal read
        read += n

    articles = iter_articles(paths, input_format=input_format, columns=dict(job.columns),
                             on_problem=on_problem, strict=job.strict, on_bytes=count)
    for result in score_stream(articles, job, jobs=jobs, chunk_size=chunk_size, done=done,
                               bytes_read=lambda: read):
        yield from result.scored
        if on_chunk is not None:
            on_chunk(result)


def resumable(path: str | Path | None, fmt: str) -> bool:
    """Whether a run writing ``fmt`` to ``path`` can be resumed from what it wrote: a jsonl
    or csv file (a device, FIFO or pipe is written through, with nothing to read back)."""
    return (not writers.is_stdout(path) and fmt in writers.LINE_FORMATS
            and not atomic.writes_through(path))


def partial_output(path: str | Path | None, fmt: str) -> Path | None:
    """Where a run writing ``fmt`` to ``path`` keeps its unfinished output, if it can."""
    return atomic.partial_path(path) if resumable(path, fmt) else None


@contextlib.contextmanager
def resumable_output(path: str | Path, resume: bool):
    """:func:`framing.atomic.resumable_write`, its write failures one
    :class:`framing.output.OutputError`, and an unfinished output in the way (without
    ``resume``) a :class:`ResumeNeeded`. Yields ``(stream, continued)``."""
    partial = atomic.partial_path(path)
    if not resume and partial.exists():
        raise ResumeNeeded(f"cannot write {path}: {partial} holds the unfinished output of an "
                           "earlier run; pass ", " to continue it, or delete it to start again")
    with writers.guarded(str(path), atomic.resumable_write(path, resume=resume)) as opened:
        yield opened


@dataclass
class RunSummary:
    """What :func:`run` did: articles scored and written, skipped as done, stored."""

    targets: list[str]
    scored: int = 0
    skipped: int = 0
    added: int | None = None  # None: no store
    present: int | None = None


def run(
    paths: Sequence[str],
    job: ScoringJob,
    *,
    output: str | Path | None = None,
    fmt: str = "jsonl",
    resume: bool = False,
    store: str | Path | Store | None = None,
    jobs: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    input_format: str = "auto",
    on_problem: Callable[[Problem], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Score the inputs at ``paths`` and write the scores, as ``framing score`` does.

    The scores go to ``output`` (stdout when ``None`` or ``-``) in ``fmt``, one of
    :data:`framing.output.SCORE_FORMATS`. A jsonl or csv file grows in ``OUTPUT.partial`` as
    chunks finish and is renamed to ``output`` when complete; other outputs are written
    atomically. ``store`` (a path or an open :class:`framing.store.Store`) keeps the scored
    articles too. With ``resume``, articles already in the partial (or finished) output, or
    held by the store scored by these models, are skipped; without it, an unfinished output in
    the way is a :class:`ResumeNeeded`.

    ``on_problem`` gets each input problem; ``on_progress(input_bytes, articles)`` each
    finished chunk. Returns the counts; input problems are the caller's to count.
    """
    from framing.scoring import reads_frames, reads_techniques, reported_models

    can_resume = resumable(output, fmt)
    if resume and store is None and not can_resume:
        raise BatchError("resuming needs a store, or an output file in jsonl or csv")
    start_pool_for(paths, input_format, jobs)
    models, _ = job.load()
    scored_by = reported_models(models)
    summary = RunSummary([m.target for m in scored_by])
    with contextlib.ExitStack() as stack:
        continued = False
        if can_resume:
            out, continued = stack.enter_context(resumable_output(output, resume))
        else:
            out = stack.enter_context(writers.open_output(output))
        done_ids = (writers.written_ids(atomic.partial_path(output), fmt) if continued
                    else [])
        if isinstance(store, (str, os.PathLike)):
            store = stack.enter_context(Store(store))
        known = (store.known(m.card["sha256"] for m in scored_by)
                 if (store is not None and resume) else ())
        writer = writers.ScoreWriter(out, fmt, summary.targets, job.explain,
                                    header=not continued, techniques=reads_techniques(models),
                                    frames=reads_frames(models))

        def on_chunk(result: ChunkResult) -> None:
            summary.scored += len(result.scored)
            summary.skipped += result.skipped
            out.flush()  # a killed run keeps every chunk it finished
            if on_progress is not None:
                on_progress(result.bytes_read, len(result.scored) + result.skipped)

        def written() -> Iterator[ScoredArticle]:
            for scored in score_paths(paths, job, jobs=jobs, chunk_size=chunk_size,
                                      input_format=input_format,
                                      done=DoneSet(done_ids, keys=known) if resume else None,
                                      on_problem=on_problem, on_chunk=on_chunk):
                writer.write(scored)
                yield scored

        if store is not None:
            # The store takes the stream in batches; each article is written out on its way.
            summary.added, summary.present = store.add(written(), scored_by)
        else:
            for _ in written():
                pass
        writer.close()
    return summary


# --------------------------------------------------------------------------- Dask engine


@dataclass(frozen=True)
class Partition:
    """One byte range of one JSONL input: a Dask task's share of the work."""

    index: int
    path: str
    start: int
    end: int
    first_line: int

    @property
    def name(self) -> str:
        """The partition's output file name."""
        return f"part-{self.index:05d}.jsonl"


@dataclass
class PartitionResult:
    """What a partition task reports back: counts and input problems, not the scores."""

    partition: Partition
    articles: int = 0
    problems: list[Problem] = field(default_factory=list)
    resumed: bool = False

    @property
    def bytes(self) -> int:
        return self.partition.end - self.partition.start


def plan_partitions(paths: Sequence[str], block_size: int = DEFAULT_PARTITION_BYTES
                    ) -> list[Partition]:
    """Byte ranges of about ``block_size`` over the JSONL files at ``paths`` (deterministic).

    Raises :class:`InputError` for stdin or a file that is not JSONL: Dask tasks read their
    share of a file themselves, which needs line-delimited records.
    """
    partitions: list[Partition] = []
    for path, fmt in input_files(paths):
        if path == "-":
            raise InputError("the dask engine cannot read stdin; save the input as JSONL first")
        if fmt != "jsonl":
            raise InputError(f"{path}: the dask engine reads JSONL only (this is {fmt}); "
                             "use the local engine or convert it")
        try:
            ranges = list(jsonl_ranges(path, block_size))
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
        for start, end, line in ranges:
            partitions.append(Partition(len(partitions), path, start, end, line))
    return partitions


def partition_size(total: int, largest: int = DEFAULT_PARTITION_BYTES) -> int:
    """The partition size for ``total`` input bytes: ``largest`` at most, less for an input
    that would make fewer than ``MIN_PARTITIONS`` partitions, but not under
    ``MIN_PARTITION_BYTES`` (unless ``largest`` is). Depends on these alone, so that a resumed
    run cuts its inputs the same way."""
    return max(min(largest, MIN_PARTITION_BYTES), min(largest, -(-total // MIN_PARTITIONS)))


def score_partition(partition: Partition, job: ScoringJob, out_dir: str) -> PartitionResult:
    """Read, score and write one partition (atomically, as ``out_dir/part-NNNNN.jsonl``)."""
    from framing.scoring import score_articles

    problems: list[Problem] = []
    articles = iter_jsonl_range(partition.path, partition.start, partition.end,
                                partition.first_line, columns=dict(job.columns),
                                on_problem=problems.append, strict=job.strict)
    models, extractor = job.load()
    count = 0
    with atomic_write(Path(out_dir) / partition.name) as out:
        for scored in score_articles(articles, models, extractor, explain=job.explain,
                                     top=job.top):
            out.write(json.dumps(scored.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    return PartitionResult(partition, count, problems)


def _manifest(partitions: Sequence[Partition], job: ScoringJob) -> dict:
    inputs = {}
    for p in partitions:
        if p.path not in inputs:
            stat = os.stat(p.path)
            inputs[p.path] = {"bytes": stat.st_size, "modified": stat.st_mtime_ns}
    return {
        "inputs": inputs,
        "partitions": [[p.path, p.start, p.end] for p in partitions],
        "models": [_card_sha256(d) for d in job.used_dirs()],
        "explain": job.explain,
        "top": job.top,
    }


def prepare_output_dir(out_dir: str | Path, partitions: Sequence[Partition], job: ScoringJob,
                       resume: bool) -> list[Partition]:
    """Check ``out_dir`` and write its manifest; return the partitions still to score.

    A directory holding a run already is refused without ``resume`` (its work is never
    overwritten) and, with ``resume``, unless its manifest matches this run (same inputs, cut
    the same way, same models), since partition files of another plan would not line up.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = _manifest(partitions, job)
    path = out_dir / MANIFEST
    existing = sorted(out_dir.glob("part-*.jsonl"))
    if path.exists() or existing:
        if not resume:
            raise ResumeNeeded(f"{out_dir} holds partitions of an earlier run; pass ",
                               " to finish it, or choose an empty directory")
        try:
            old = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            old = None
        if old != json.loads(json.dumps(manifest)):
            raise BatchError(f"{out_dir}: the earlier run had other inputs, partitions or "
                             "models (manifest.json differs); cannot resume it")
    with atomic_write(path) as handle:
        json.dump(manifest, handle, indent=1)
        handle.write("\n")
    return [p for p in partitions if not (out_dir / p.name).exists()]


def score_with_dask(
    partitions: Sequence[Partition],
    job: ScoringJob,
    out_dir: str | Path,
    *,
    scheduler: str | None = None,
    workers: int = 2,
    resume: bool = False,
    on_result: Callable[[PartitionResult], None] | None = None,
) -> list[PartitionResult]:
    """Score ``partitions`` with Dask, one output file per partition in ``out_dir``.

    Connects to the scheduler at ``scheduler`` (workers must see the inputs, ``out_dir`` and
    the model directories at the same paths, e.g. on a shared file system) or, without one,
    starts a ``LocalCluster`` of ``workers`` single-threaded processes on this machine.
    Results are reported to ``on_result`` as partitions finish (in any order) and returned in
    partition order, with the partitions a resumed run skipped marked ``resumed``.
    """
    try:
        import dask.bag as db
        from distributed import Client, as_completed
    except ImportError:
        raise BatchError("the dask engine needs dask and distributed: "
                         "pip install 'framing[dask]'") from None
    out_dir = Path(out_dir).resolve()
    todo = prepare_output_dir(out_dir, partitions, job, resume)
    left = {p.index for p in todo}
    results = {p.index: PartitionResult(p, resumed=True) for p in partitions
               if p.index not in left}
    if todo:
        with contextlib.ExitStack() as stack:
            if scheduler:
                client = stack.enter_context(Client(scheduler))
            else:
                cluster = stack.enter_context(_local_cluster(job, workers))
                client = stack.enter_context(Client(cluster))
            bag = db.from_sequence(todo, npartitions=len(todo))
            futures = client.compute(
                bag.map(score_partition, job=job, out_dir=str(out_dir)).to_delayed())
            for future in as_completed(futures):
                for result in future.result():
                    results[result.partition.index] = result
                    if on_result is not None:
                        on_result(result)
        if not scheduler:
            _stop_resource_tracker("multiprocessing.resource_tracker")
    return [results[p.index] for p in partitions]



@contextlib.contextmanager
def _local_cluster(job: ScoringJob, workers: int):
    """A ``LocalCluster`` of ``workers`` single-threaded processes; on Linux forked from this
    process with the job's models loaded, as the local engine's workers are, instead of
    spawned to import Dask, scikit-learn and the models again (two seconds or more each)."""
    import dask
    from distributed import LocalCluster

    options = dict(n_workers=workers, threads_per_worker=1, processes=True,
                   dashboard_address=None)
    # One partition at a time per worker, the others queued on the scheduler: by default each
    # worker is handed a second one ahead, which another worker, idle meanwhile, waits for.
    # And no statistical profiler sampling the task's stack every 10 ms (about 8% of a run).
    config = {"distributed.scheduler.worker-saturation": 1.0,
              "distributed.worker.profile.enabled": False}
    if FORK_WORKERS:
        config["distributed.worker.multiprocessing-method"] = "fork"
    with _forking(job) if FORK_WORKERS else contextlib.nullcontext(), dask.config.set(config):
        cluster = LocalCluster(**options)
    with cluster:
        yield cluster


@dataclass
class DaskSummary:
    """What :func:`run_dask` did: articles scored, partitions scored and skipped as done."""

    targets: list[str]
    scored: int = 0
    partitions: int = 0
    resumed: int = 0


def run_dask(
    paths: Sequence[str],
    job: ScoringJob,
    out_dir: str | Path,
    *,
    partition_bytes: int = DEFAULT_PARTITION_BYTES,
    scheduler: str | None = None,
    workers: int = 2,
    resume: bool = False,
    on_problem: Callable[[Problem], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> DaskSummary:
    """Score the JSONL inputs at ``paths`` on Dask into partition files under ``out_dir``.

    :func:`plan_partitions` then :func:`score_with_dask`; ``on_problem`` gets the input
    problems and ``on_progress(input_bytes, articles)`` each partition, as they finish.
    Partitions are ``partition_bytes`` at most, smaller for a small input
    (:func:`partition_size`).
    """
    from framing.scoring import reported_targets

    partitions = plan_partitions(paths, partition_size(input_size(paths) or 0,
                                                       partition_bytes))
    models, _ = job.load()

    def on_result(result: PartitionResult) -> None:
        for problem in result.problems:
            if on_problem is not None:
                on_problem(problem)
        if on_progress is not None:
            on_progress(result.bytes, result.articles)

    results = score_with_dask(partitions, job, out_dir, scheduler=scheduler, workers=workers,
                              resume=resume, on_result=on_result)
    resumed = sum(r.resumed for r in results)
    return DaskSummary(reported_targets(models), sum(r.articles for r in results),
                       len(results) - resumed, resumed)
