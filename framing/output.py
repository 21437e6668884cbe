"""Outputs: the formats findings, scores and reports are written in, and the progress line.

One home for every output format, so that the command line and a Python caller write the same
bytes: :class:`FlagWriter` (text, json, jsonl), :class:`ScoreWriter` (table, json, jsonl,
csv) and :func:`report_text` (table, markdown, csv, html, json). What a writer wrote it also
reads back: :func:`written_ids` gives the article ids of a jsonl or csv scores output, which is
what resuming it skips.

:func:`open_output` opens stdout or a file (atomically replaced); a failed write there is one
:class:`OutputError` naming the output. :class:`Progress` is the live progress line on stderr.

Nothing here imports scikit-learn: ``framing flags`` writes through this module too.
"""

from __future__ import annotations

import contextlib
import csv
import json
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from framing.atomic import atomic_write
from framing.errors import FramingError
from framing.text import clip
from framing.voice import VOICES

if TYPE_CHECKING:
    from framing.article import Problem, ScoredArticle
    from framing.flagging import FlaggedArticle, FlagStats

SPAN_WIDTH = 80
SCORE_FORMATS = ("table", "json", "jsonl", "csv")
# Formats written a line per article, so that a run can go on from where it stopped.
LINE_FORMATS = ("jsonl", "csv")
FLAG_FORMATS = ("text", "json", "jsonl")
REPORT_FORMATS = ("table", "markdown", "csv", "html", "json")


class OutputError(FramingError):
    """An output cannot be written (missing directory, full disk, unreadable for resuming).

    ``name`` is the output's path, or ``"stdout"``.
    """

    def __init__(self, message: str, name: str | None = None):
        super().__init__(message)
        self.name = name


# --------------------------------------------------------------------------- streams


class _WriteFailed(Exception):
    """An output write failed (disk full, device error): told apart from the caller's errors."""

    def __init__(self, error: OSError):
        super().__init__(str(error))
        self.error = error


class _Guarded:
    """An output stream whose write errors raise :class:`_WriteFailed`."""

    def __init__(self, handle: IO[str]):
        self._handle = handle

    def write(self, text: str) -> int:
        try:
            return self._handle.write(text)
        except OSError as exc:
            raise _WriteFailed(exc) from exc

    def flush(self) -> None:
        try:
            self._handle.flush()
        except OSError as exc:
            raise _WriteFailed(exc) from exc

    def __getattr__(self, name: str):
        return getattr(self._handle, name)


def output_error(name: str, exc: OSError) -> OutputError:
    """One clear message for an output that cannot be written."""
    return OutputError(f"cannot write {name}: {exc.strerror or exc}", name)


@contextlib.contextmanager
def guarded(name: str, opener, flush: bool = False):
    """Enter ``opener`` and hand out what it gives, its stream guarded: failing to open or
    close it, or a write to it, is one :class:`OutputError` naming ``name``; an OSError from
    the caller's own work passes unchanged. ``opener`` gives a stream or a tuple whose first
    item is the stream. ``flush`` flushes the stream before closing."""
    stage = "open"
    try:
        with opener as opened:
            stage = "body"
            if isinstance(opened, tuple):
                yield (_Guarded(opened[0]), *opened[1:])
            else:
                yield _Guarded(opened)
            stage = "close"
            if flush:
                (opened[0] if isinstance(opened, tuple) else opened).flush()
    except _WriteFailed as failure:
        raise output_error(name, failure.error) from None
    except OSError as exc:
        if stage == "body":
            raise
        raise output_error(name, exc) from None


def is_stdout(path: str | Path | None) -> bool:
    return path is None or str(path) == "-"


@contextlib.contextmanager
def open_output(path: str | Path | None) -> Iterator[IO[str]]:
    """stdout (``None`` or ``-``), or a file: a regular or new file is replaced atomically, a
    device, FIFO or pipe written through, a symbolic link followed. A failed write (missing
    directory, full disk) is one :class:`OutputError`, leaving no partial file."""
    name = "stdout" if is_stdout(path) else str(path)
    opener = contextlib.nullcontext(sys.stdout) if is_stdout(path) else atomic_write(path)
    with guarded(name, opener, flush=True) as handle:
        yield handle


# --------------------------------------------------------------------------- progress


class Progress:
    """Progress of a long run on stderr: share done, count, rate and ETA.

    Shown only on a terminal and unless ``quiet``. Work is measured in input bytes by
    default (known up front for files, unlike the number of articles; feed :meth:`read` to the
    reader's ``on_bytes``), or in any unit the caller counts in ``advance``; without a total
    (stdin) the line shows the count and rate only.
    """

    BAR = 24

    def __init__(self, total_bytes: int | None, quiet: bool, stream: IO[str] | None = None,
                 enabled: bool | None = None, interval: float = 0.25, unit: str = "articles",
                 label: str = ""):
        self.stream = stream or sys.stderr
        if enabled is None:
            enabled = not quiet and self.stream.isatty()
        self.enabled = enabled
        self.total = total_bytes or None
        self.interval = interval
        self.unit, self.label = unit, label
        self.bytes_read = self.bytes_done = self.articles = 0
        self.start = self._shown = time.monotonic()

    def read(self, n: int) -> None:
        """The reader's ``on_bytes`` callback."""
        self.bytes_read += n

    def advance(self, nbytes: int, articles: int) -> None:
        """Count finished work; redraw at most every ``interval`` seconds."""
        self.bytes_done += nbytes
        self.articles += articles
        now = time.monotonic()
        if self.enabled and now - self._shown >= self.interval:
            self._shown = now
            self.stream.write("\r" + self.line(now) + "\x1b[K")
            self.stream.flush()

    def track(self, items: Iterable) -> Iterator:
        """``items`` unchanged, each counted as one, with the bytes read so far as done."""
        for item in items:
            yield item
            self.advance(self.bytes_read - self.bytes_done, 1)

    def clear(self) -> None:
        """Blank the progress line, so that a message printed next starts on a clean line."""
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self.start, 1e-9)
        rate = self.articles / elapsed
        text = f"{self.articles:,} {self.unit}  {rate:,.0f}/s  {_clock(elapsed)}"
        if self.total:
            share = min(self.bytes_done / self.total, 1.0)
            filled = int(share * self.BAR)
            eta = elapsed * (1 - share) / share if share > 0 else None
            bar = "#" * filled + "-" * (self.BAR - filled)
            text = (f"[{bar}] {share:4.0%}  " + text
                    + f"  ETA {_clock(eta) if eta is not None else '?'}")
        return "framing: " + (f"{self.label} " if self.label else "") + text

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info) -> None:
        if self.enabled:
            self.stream.write("\r" + self.line() + "\x1b[K\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


# --------------------------------------------------------------------------- findings


def short(span: str) -> str:
    """A passage quoted (JSON string syntax) and clipped to about ``SPAN_WIDTH`` characters."""
    quoted = json.dumps(span, ensure_ascii=False)
    if len(quoted) > SPAN_WIDTH:
        quoted = json.dumps(clip(span, SPAN_WIDTH - 3), ensure_ascii=False)
    return quoted


def _voice_tags(evidence) -> str:
    """`` [quoted]``, `` [attributed] [rebutted]``, ...: nothing for the article's own voice."""
    tags = "" if evidence.voice == "own" else f" [{evidence.voice}]"
    return tags + (" [rebutted]" if evidence.rebutted else "")


class FlagWriter:
    """Writes flagged articles in one of :data:`FLAG_FORMATS`, as they come.

    text: one ``file:line:col: ID message [voice] "span"`` line per finding, then a summary;
    jsonl: one object per article; json: one document with articles, summary and problems.
    """

    def __init__(self, out: IO[str], fmt: str):
        if fmt not in FLAG_FORMATS:
            raise ValueError(f"unknown flags format {fmt!r}")
        self.out, self.fmt = out, fmt
        self.documents: list[dict] = []

    def write(self, flagged: FlaggedArticle) -> None:
        if self.fmt == "text":
            for e in flagged.flags:
                self.out.write(f"{flagged.article.location}:{e.line}:{e.col}: {e.marker_id} "
                               f"{e.message}{_voice_tags(e)} {short(e.text)}\n")
        elif self.fmt == "jsonl":
            self.out.write(json.dumps(flagged.to_dict(), ensure_ascii=False) + "\n")
        else:
            self.documents.append(flagged.to_dict())

    def close(self, stats: FlagStats, problems: list[Problem], *, summary: bool = True,
              statistics: bool = False) -> None:
        """Finish the output: the json document, or the text summary (when ``summary`` or
        ``statistics``; ``statistics`` adds the counts per marker, family and voice)."""
        if self.fmt == "json":
            json.dump({"articles": self.documents, "summary": stats.to_dict(),
                       "problems": [{"path": p.path, "line": p.line, "severity": p.severity,
                                     "message": p.message} for p in problems]},
                      self.out, ensure_ascii=False, indent=2)
            self.out.write("\n")
        elif self.fmt == "text" and (statistics or summary):
            errors = sum(p.severity == "error" for p in problems)
            _write_flag_summary(self.out, stats, errors, len(problems) - errors, statistics)


def _write_flag_summary(out: IO[str], stats: FlagStats, errors: int, warnings: int,
                        statistics: bool) -> None:
    if statistics:
        out.write("\nfindings  articles       own    quoted  attributed  marker\n")
        for marker_id, count in sorted(stats.findings.items()):
            own, quoted, attributed = (stats.voices_per_marker[marker_id, v] for v in VOICES)
            out.write(
                f"{count:8d}  {stats.articles_per_marker[marker_id]:8d}  {own:8d}  {quoted:8d}"
                f"  {attributed:10d}  {marker_id}\n"
            )
        out.write("\narticles flagged per family:\n")
        for family, share in stats.family_shares().items():
            n = stats.articles_per_family[family]
            out.write(f"  {family:<12} {n:6d} / {stats.articles}  ({share:.1%})\n")
        total = sum(stats.findings.values())
        out.write("\nfindings per voice:\n")
        for voice in VOICES:
            n = stats.findings_per_voice[voice]
            out.write(f"  {voice:<12} {n:6d} / {total}  ({n / (total or 1):.1%})\n")
        out.write(f"  {'rebutted':<12} {stats.rebutted:6d} / {total}"
                  f"  ({stats.rebutted / (total or 1):.1%})\n")
    total = sum(stats.findings.values())
    line = (
        f"{total} finding(s) in {stats.flagged_articles} of {stats.articles} article(s)"
        + (f"; {errors} input(s) skipped" if errors else "")
        + (f"; {warnings} warning(s)" if warnings else "")
    )
    out.write(("\n" if total or statistics else "") + line + "\n")


# --------------------------------------------------------------------------- scores

_CSV_HEADER = ("id", "location", "source")
_CSV_TRAILER = ("war_topic", "language", "not_scored", "low_confidence", "flags")


class ScoreWriter:
    """Writes scored articles in one of :data:`SCORE_FORMATS`, as they come.

    jsonl and csv are a line per article (and can be continued: ``header=False`` leaves out
    what a continued file already has); table is a row per article, with the reasons under it
    when ``explain``; json is one document, written by :meth:`close`.

    ``techniques`` and ``frames`` say that a techniques or frames model read the articles:
    csv then ends with a ``techniques`` column (the asserted techniques, most frequent first,
    ``;``-joined) and a ``frames`` column (the asserted frames, most probable first); the
    table shows them under each row whatever these say. Without those models the csv is as
    before, column for column.
    """

    def __init__(self, out: IO[str], fmt: str, targets: list[str], explain: bool,
                 header: bool = True, *, techniques: bool = False, frames: bool = False):
        if fmt not in SCORE_FORMATS:
            raise ValueError(f"unknown scores format {fmt!r}")
        self.out, self.fmt, self.targets, self.explain = out, fmt, targets, explain
        self.techniques, self.frames = techniques, frames
        self.documents: list[dict] = []
        self.marks: set[str] = set()
        self.writer = csv.writer(out) if fmt == "csv" else None
        if header and fmt == "csv":
            self.writer.writerow([*_CSV_HEADER, *targets, *_CSV_TRAILER,
                                  *(["techniques"] if techniques else []),
                                  *(["frames"] if frames else [])])
        if header and fmt == "table":
            out.write("  ".join(targets) + "    war  flags  article\n")

    def write(self, scored: ScoredArticle) -> None:
        if self.fmt == "jsonl":
            self.out.write(json.dumps(scored.to_dict(), ensure_ascii=False) + "\n")
        elif self.fmt == "json":
            self.documents.append(scored.to_dict())
        elif self.fmt == "csv":
            scores = scored.scores or {}
            low = [t for t in self.targets if scored.exclusion(t) == "low_confidence"]
            war = scored.scope.get("war_topic")
            self.writer.writerow([
                scored.article.id, scored.article.location, scored.article.source or "",
                *[f"{scores[t]:.4f}" if t in scores else "" for t in self.targets],
                "" if war is None else f"{war:.4f}", scored.scope.get("language") or "",
                "" if scored.scores is not None else scored.scope.get("reason", ""),
                " ".join(low), " ".join(sorted({e.marker_id for e in scored.flags})),
                *([";".join(label for label, _ in technique_counts(scored.techniques))]
                  if self.techniques else []),
                *([";".join(asserted_frames(scored.frames))] if self.frames else [])])
        else:
            self.marks |= _write_score_row(self.out, scored, self.targets, self.explain)

    def close(self) -> None:
        if self.fmt == "json":
            json.dump(self.documents, self.out, ensure_ascii=False, indent=2)
            self.out.write("\n")
        elif self.fmt == "table" and self.marks:
            legend = {"?": "? low confidence: the article is unlike the model's training data",
                      "-": "- no score applies (the reason follows the article)",
                      "o": "o off topic: not about the Russia-Ukraine war, so the war score "
                           "is low by design"}
            self.out.write("".join(f"  {legend[m]}\n" for m in "-o?" if m in self.marks))


def _write_score_row(out, scored, targets, explain) -> set[str]:
    """One table row (and its explanation lines); returns the marks it used."""
    a = scored.article
    name = a.title or a.location
    marks: set[str] = set()
    cells = []
    for t in targets:
        why = scored.exclusion(t)
        if scored.scores is None or t not in scored.scores:
            cells.append(f"{'-':>{len(t)}}")
            marks.add("-")
            continue
        mark = {"low_confidence": "?", "off_topic": "o"}.get(why, " ")
        if mark != " ":
            marks.add(mark)
        cells.append(f"{scored.scores[t]:>{len(t) - 1}.3f}{mark}")
    war = scored.scope.get("war_topic")
    tail = ""
    if scored.scores is None:
        reason = scored.scope.get("reason", "")
        tail = f"  [{reason}" + (f": {scored.scope['language']}" if reason == "not_english"
                                 else "") + "]"
    out.write("  ".join(cells) + ("    " + (f"{war:.2f}" if war is not None else "   -"))
              + f"  {len(scored.flags):>5d}  {a.location} ({a.source or 'unknown source'})"
              + tail + "\n")
    if explain:
        out.write(f"      {name[:100]}\n")
    if scored.techniques is not None:
        counts = technique_counts(scored.techniques)
        out.write("      techniques: " + (", ".join(
            f"{label} x{n}" for label, n in counts[:TABLE_TECHNIQUES]) or "none") + "\n")
    if scored.frames is not None:
        out.write("      frames: " + (", ".join(
            f"{frame} {scored.frames[frame]['probability']:.2f}"
            for frame in asserted_frames(scored.frames)) or "none") + "\n")
    if not explain:
        return marks
    for target, explanation in scored.explanations.items():
        for direction, sign in (("up", "+"), ("down", "-")):
            items = []
            for entry in explanation[direction]:
                item = f"{entry.get('name', entry['feature'])} {entry['weight']:+.3f}"
                if entry.get("evidence"):
                    item += " [" + "; ".join(short(t) for t in entry["evidence"]) + "]"
                items.append(item)
            if items:
                out.write(f"      {target} {sign}: " + ", ".join(items) + "\n")
    for narrative in scored.narratives:
        if not narrative.get("asserted"):
            continue
        out.write(f"      narrative {narrative['narrative']} {narrative['probability']:.2f}\n")
        for paragraph in narrative.get("paragraphs", [])[:2]:
            out.write(f"        line {paragraph['line']}: {short(paragraph['text'])}\n")
    if scored.techniques:
        # The most probable findings, shown in line order, each with its evidence sentence.
        best = sorted(scored.techniques, key=lambda f: -f["probability"])[:EXPLAIN_TECHNIQUES]
        for finding in sorted(best, key=lambda f: f["line"]):
            evidence = f": {short(finding['text'])}" if finding.get("text") else ""
            out.write(f"      technique {finding['technique']} {finding['probability']:.2f}"
                      f" line {finding['line']}{evidence}\n")
    for frame in asserted_frames(scored.frames):
        paragraphs = scored.frames[frame].get("paragraphs") or []
        out.write(f"      frame {frame} {scored.frames[frame]['probability']:.2f}\n")
        for paragraph in paragraphs[:1]:
            out.write(f"        line {paragraph['line']}: {short(paragraph['text'])}\n")
    return marks


#: Techniques on the table's summary line, and findings under it with ``--explain``.
TABLE_TECHNIQUES = 5
EXPLAIN_TECHNIQUES = 5


def technique_counts(findings: list[dict] | None) -> list[tuple[str, int]]:
    """The distinct techniques of :attr:`ScoredArticle.techniques` with their number of
    findings, most frequent first (then the most probable finding, then by name)."""
    counts: dict[str, int] = {}
    best: dict[str, float] = {}
    for finding in findings or ():
        label = finding["technique"]
        counts[label] = counts.get(label, 0) + 1
        best[label] = max(best.get(label, 0.0), finding["probability"])
    return sorted(counts.items(), key=lambda item: (-item[1], -best[item[0]], item[0]))


def asserted_frames(frames: dict[str, dict] | None) -> list[str]:
    """The asserted frames of :attr:`ScoredArticle.frames`, most probable first."""
    asserted = [f for f, v in (frames or {}).items() if v.get("asserted")]
    return sorted(asserted, key=lambda f: -frames[f]["probability"])


def written_ids(path: str | Path, fmt: str) -> list[str]:
    """Article ids already written to a ``jsonl`` or ``csv`` scores output (for resuming).

    Raises :class:`OutputError` for a file that is not such an output, or another format.
    """
    ids: list[str] = []
    with open(path, encoding="utf-8", newline="") as handle:
        if fmt == "jsonl":
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    ids.append(str(json.loads(line)["id"]))
                except (ValueError, KeyError, TypeError):
                    raise OutputError(f"{path}:{number}: not a scores line with an id; "
                                      "cannot resume from this file", str(path)) from None
        elif fmt == "csv":
            reader = csv.DictReader(handle)
            if reader.fieldnames is None:
                return ids
            if "id" not in reader.fieldnames:
                raise OutputError(f"{path}: no id column; cannot resume from this file",
                                  str(path))
            ids.extend(row["id"] for row in reader)
        else:
            raise OutputError(f"cannot resume a {fmt} output; use jsonl or csv", str(path))
    return ids


# --------------------------------------------------------------------------- reports


def report_text(fmt: str, built) -> str:
    """A built :class:`framing.report.Report` in one of :data:`REPORT_FORMATS`."""
    if fmt == "json":
        return json.dumps(built.to_dict(), ensure_ascii=False, indent=2) + "\n"
    from framing import render

    return getattr(render, f"render_{fmt}")(built)


# --------------------------------------------------------------------------- catalogue, corpora


def markers_text(markers, all_examples: bool = False, techniques=()) -> str:
    """The marker catalogue listing: a line per marker, two examples (or, with
    ``all_examples``, every example labelled by its voice), then the persuasion
    ``techniques`` (:class:`framing.techniques.Technique`, family ``technique``, strength
    ``model``: found by a model), then the counts per family."""
    from framing.markers import FAMILIES

    lines = []
    for m in markers:
        tag = " [english only]" if m.english_only else ""
        lines.append(f"{m.id}  {m.family:<11} {m.strength:<6} {m.name}: {m.description}{tag}")
        if not all_examples:
            lines.extend(f"        e.g. {short(example)}" for example in m.examples_match[:2])
            continue
        # Every example, in full, labelled by the voice it must come out in.
        for label, examples in (
            ("e.g.", m.examples_match),
            ("quoted:", m.examples_quoted),
            ("attributed:", m.examples_attributed),
            ("rebutted:", m.examples_rebutted),
            ("no match:", m.examples_no_match),
        ):
            lines.extend(f"        {label} {json.dumps(example, ensure_ascii=False)}"
                         for example in examples)
    lines.extend(f"{t.id:<5}  {'technique':<11} {'model':<6} {t.label}: {t.description}"
                 " [english only]" for t in techniques)
    counts = ", ".join(
        f"{f} {sum(m.family == f for m in markers)}" for f in FAMILIES
        if any(m.family == f for m in markers)
    )
    if techniques:
        counts += (", " if counts else "") + (f"technique {len(techniques)} "
                                              "(framing flags --techniques)")
    lines.append(f"\n{len(markers) + len(techniques)} marker(s): {counts}")
    return "".join(line + "\n" for line in lines)


def markers_records(markers, techniques=()) -> list[dict]:
    """The catalogue listing as JSON records: :meth:`framing.markers.Marker.to_dict` per
    marker, then per technique the same keys that apply (family ``technique``, strength and
    kind ``model``, English-only as the model is)."""
    return [*(m.to_dict() for m in markers),
            *({"id": t.id, "family": "technique", "name": t.label,
               "description": t.description, "strength": "model", "kind": "model",
               "english_only": True} for t in techniques)]


def corpus_stats_text(stats: dict, top: int = 20) -> str:
    """:func:`framing.corpus.corpus_stats` as text, listing the ``top`` largest sources."""
    lines = [f"{stats['articles']} article(s), {stats['without_source']} without a source"]
    for target, info in stats["targets"].items():
        labels = ", ".join(f"{k}: {v}" for k, v in info["labels"].items())
        lines.append(f"  {target}: {labels} ({info['unlabelled']} unlabelled)")
    sources = list(stats["sources"].items())
    lines.append(f"{len(sources)} source(s); largest:")
    for name, info in sources[:top]:
        labels = "; ".join(
            f"{t} " + ", ".join(f"{k}: {v}" for k, v in counts.items())
            for t, counts in info["labels"].items()
        )
        lines.append(f"  {info['articles']:6d}  {name}  {labels}")
    return "".join(line + "\n" for line in lines)


# --------------------------------------------------------------------------- evaluations

METRICS_HEADER = f"{'':<22} {'ROC-AUC':>8} {'macro-F1':>9} {'Brier':>7} {'ECE':>7} {'n':>6}"


def metrics_line(name: str, m: dict) -> str:
    """One row under :data:`METRICS_HEADER`."""
    auc = "n/a" if m["roc_auc"] is None else f"{m['roc_auc']:.3f}"
    return (f"{name:<22} {auc:>8} {m['macro_f1']:>9.3f} {m['brier']:>7.3f} {m['ece']:>7.3f}"
            f" {m['n']:>6d}")


def training_text(target: str, data, card: dict) -> str:
    """What training measured: the data, the method, the metrics and their intervals."""
    evaluation = card["evaluation"]
    lines = [f"{target}: {len(data.texts)} articles from {len(set(data.groups))} sources"
             f" ({data.skipped} without this label skipped)",
             evaluation["method"], METRICS_HEADER, metrics_line("model", evaluation["model"])]
    if "baseline_tfidf_lr" in evaluation:
        lines.append(metrics_line("baseline TF-IDF+LR", evaluation["baseline_tfidf_lr"]))
    lines.append("95% intervals (bootstrap over sources):")
    for name in ("model", "baseline_tfidf_lr"):
        if name in evaluation:
            lines.append(f"  {name:<20} " + "  ".join(
                f"{k} [{v[0]:.3f}, {v[1]:.3f}]" if v else f"{k} n/a"
                for k, v in evaluation[name]["ci95"].items()))
    return "".join(line + "\n" for line in lines)


def evaluation_text(results: dict[str, dict]) -> str:
    """:func:`framing.model.detailed_report` results per target, as text."""
    lines = []
    for target, report in results.items():
        lines += [f"== {target}", METRICS_HEADER, metrics_line("model", report["metrics"])]
        cm = report["confusion_matrix"]
        lines.append(f"confusion at 0.5: tn {cm['tn']}  fp {cm['fp']}  fn {cm['fn']}"
                     f"  tp {cm['tp']}")
        lines.append("calibration:  bin        n  predicted  observed")
        lines.extend(f"              {row['bin']}  {row['n']:5d}  {row['predicted']:9.3f}"
                     f"  {row['observed']:8.3f}" for row in report["calibration"] if row["n"])
        lines.append("per source:   n  label  mean p  accuracy")
        lines.extend(f"  {row['n']:6d}  {row['label_mean']:5.2f}"
                     f"  {row['mean_probability']:6.3f}  {row['accuracy']:8.3f}  {source}"
                     for source, row in report["per_source"].items())
    return "".join(line + "\n" for line in lines)
