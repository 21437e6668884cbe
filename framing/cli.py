"""The ``framing`` command line: parses options, calls the library, formats the output.

Exit codes (stable, documented in the README):

* 0 -- success;
* 1 -- findings matched ``--fail-on``;
* 2 -- usage error, invalid marker catalogue, a refused model or corpus, an unfinished
  output in the way, a worker process that died, or at least one input could not be read
  (the other inputs were still processed and reported), or an output that cannot be
  written (missing directory, full disk);
* 130 -- interrupted (Ctrl-C).
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import json
import os
import sys
from pathlib import Path

import click

from framing import __version__, batch, datasets, ingest
from framing import corpus as corpus_lib
from framing import output as writers
from framing import sources as sources_lib
from framing.article import Problem, ProblemLog
from framing.errors import FramingError, MarkerCodeError
from framing.flagging import FlaggedArticle, FlagStats, flag_articles
from framing.ingest import iter_articles
from framing.markers import FAMILIES, Extractor, load_markers, resolve_codes
from framing.voice import VOICES

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


class _LazyModule:
    """A module imported on first use.

    framing.model and everything that scores import scikit-learn, about a second of start-up
    that `framing flags` does not need and that a starting worker pool should not wait for.
    """

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str):
        return getattr(importlib.import_module(self._name), attribute)


model_lib = _LazyModule("framing.model")
render = _LazyModule("framing.render")
report_lib = _LazyModule("framing.report")
store_lib = _LazyModule("framing.store")
SPAN_WIDTH = 80


class _FramingCommand(click.Command):
    """Runs the command, turning library errors into clean messages and exit codes."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except FramingError as exc:
            raise _click_error(exc) from exc


def _click_error(exc: FramingError) -> click.ClickException:
    if isinstance(exc, writers.OutputError) and exc.name == "stdout":
        _silence_stdout()
    message = exc.telling("--resume") if isinstance(exc, batch.ResumeNeeded) else str(exc)
    error = click.ClickException(message)
    error.exit_code = exc.exit_code
    return error


class _FramingGroup(click.Group):
    command_class = _FramingCommand

    def invoke(self, ctx):
        try:
            result = super().invoke(ctx)
            if ctx.parent is None:
                sys.stdout.flush()  # a full stdout fails here rather than at interpreter exit
            return result
        except KeyboardInterrupt:
            raise _Interrupted() from None
        except OSError as exc:
            if exc.errno not in _OUTPUT_ERRNOS:
                raise
            raise _click_error(_environment_error(exc)) from None


class _Interrupted(click.ClickException):
    """Ctrl-C: one line and exit 130 (128 + SIGINT), as a shell reports it; no traceback."""

    exit_code = 130

    def __init__(self):
        super().__init__("interrupted")

    def show(self, file=None) -> None:
        click.echo("framing: interrupted", err=True)


# Failures of the environment rather than of framing: a clean message, exit 2. (EPIPE, as in
# `framing flags | head`, is left to click, which exits quietly.)
_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS,
                  errno.EACCES, errno.EPERM, errno.ENOENT, errno.ENOTDIR, errno.EISDIR,
                  errno.ENXIO, errno.ELOOP}


@click.group(cls=_FramingGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="framing")
def main():
    """Tell how news articles frame what they report, with evidence.

    \b
    Examples:
      framing flags corpus/seeds                 # lint-style findings
      framing flags articles.jsonl --format jsonl -o flags.jsonl
      framing markers                            # the marker catalogue
      framing corpus import --format recovery ../shared/data/recovery -o recovery.jsonl
      framing score corpus/seeds --explain           # probabilities with reasons
    """


# --------------------------------------------------------------------------- helpers


def _marker_codes(values: tuple[str, ...], markers, option: str, *,
                  allow_any: bool = False) -> list[str]:
    try:
        return resolve_codes(values, markers, allow_any=allow_any)
    except MarkerCodeError as exc:
        message = str(exc)
        if not any(m.family == "technique" for m in markers) and any(
                c.strip().upper().startswith("PT") or c.strip().lower() == "technique"
                for v in values for c in v.split(",")):
            message += " (technique codes go with --techniques)"
        raise click.BadParameter(message, param_hint=option) from None


def _parse_columns(values: tuple[str, ...]) -> dict[str, str]:
    columns = {}
    for value in values:
        field, sep, name = value.partition("=")
        if not sep or not field.strip() or not name.strip():
            raise click.BadParameter(f"{value!r} is not FIELD=NAME", param_hint="--column")
        columns[field.strip()] = name.strip()
    return columns


def _output_error(name: str, exc: OSError) -> FramingError:
    """One clear message (exit 2) for an output that cannot be written."""
    if name == "stdout":
        _silence_stdout()
    return writers.output_error(name, exc)


def _environment_error(exc: OSError) -> FramingError:
    """The message for an OSError of the environment that escaped a command."""
    if exc.filename:
        return FramingError(f"{exc.filename}: {exc.strerror or exc}")
    try:
        sys.stdout.flush()  # a failed stdout keeps its buffer, and fails again
    except OSError:
        return _output_error("stdout", exc)
    return FramingError(f"cannot write: {exc.strerror or exc}")


def _silence_stdout() -> None:
    """Point a failed stdout at /dev/null, so that its unwritten buffer does not fail again
    (with a traceback-like message and exit 120) when the interpreter exits."""
    with contextlib.suppress(Exception):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


_Progress = writers.Progress


def _progress(paths, input_format: str, quiet: bool) -> _Progress:
    """The progress line of a run over ``paths``, measured in input bytes."""
    progress = _Progress(None, quiet)
    if progress.enabled:  # sizing walks the inputs: only for a line that shows
        progress.total = ingest.input_size(paths, input_format) or None
    return progress


class _ProblemLog(ProblemLog):
    """The command's problem log: counts like any :class:`ProblemLog` and prints each problem to
    stderr as it happens (errors even with -q), clearing the progress line first."""

    def __init__(self, quiet: bool):
        super().__init__(self._print)
        self.quiet = quiet
        self.problems: list[Problem] = []
        self.progress: _Progress | None = None  # its line is cleared before a message

    def _print(self, problem: Problem) -> None:
        self.problems.append(problem)
        if not self.quiet or problem.severity == "error":
            if self.progress is not None:
                self.progress.clear()
            click.echo(f"framing: {problem.severity}: {problem}", err=True)


def _fails(flagged: FlaggedArticle, fail_on: list[str]) -> bool:
    if not fail_on:
        return False
    return any(
        code == "any" or e.marker_id.startswith(code) or e.family == code
        for e in flagged.flags
        for code in fail_on
    )


# --------------------------------------------------------------------------- commands

_input_options = [
    click.option(
        "--input-format",
        type=click.Choice(list(ingest.FORMATS)),
        default="auto",
        show_default=True,
        help="How to read the inputs; auto goes by file extension and, for pages without a "
        "known one, by content (stdin: HTML if it starts like a page, after any comments; "
        "JSONL if it starts with '{'; else text).",
    ),
    click.option(
        "--column",
        "columns",
        multiple=True,
        metavar="FIELD=NAME",
        help="Read article FIELD (text, title, url, source, published, author, id) from "
        "CSV column / JSONL key NAME. Repeatable.",
    ),
    click.option(
        "--strict", is_flag=True, help="Stop at the first unreadable input instead of skipping it."
    ),
]


def _with_input_options(func):
    for option in reversed(_input_options):
        func = option(func)
    return func


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl"]),
    default="text",
    show_default=True,
    help="text: one 'file:line:col: ID message [voice] \"span\"' line per finding and a summary; "
    "json: one document with articles, summary and input problems; jsonl: one object per "
    "article.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write here (atomically) instead of stdout.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these markers: ids, id prefixes or families, comma-separated.")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Skip these markers: ids, id prefixes or families, comma-separated.")
@click.option("--fail-on", multiple=True, metavar="CODES",
              help="Exit 1 when a finding matches: ids, prefixes, families or 'any'.")
@click.option("--voice", "voices", multiple=True, type=click.Choice(VOICES),
              help="Only findings in this voice: own (the article's), quoted (inside quotes) or "
              "attributed (reported: 'so-called', 'Putin said'). Repeatable.")
@click.option("--statistics", is_flag=True,
              help="Text format: add counts per marker and per voice and the share of articles "
              "per family.")
@click.option("--markers", "catalogue", type=click.Path(dir_okay=False, exists=True),
              help="Use this marker catalogue (TOML) instead of the shipped one.")
@click.option("--techniques", is_flag=True,
              help="Add the persuasion techniques the techniques model asserts per paragraph "
              "(ids PT01..PT23, family technique, see framing markers --family technique), "
              "with the sentence carrying each. Loads models/techniques ($FRAMING_MODELS); "
              "without one, exit 2.")
@click.option("-q", "--quiet", is_flag=True, help="No summary line and no input warnings.")
@_with_input_options
def flags(paths, fmt, output, select, ignore, fail_on, voices, statistics, catalogue,
          techniques, quiet, input_format, columns, strict):
    """Flag framing markers in articles, with their evidence.

    PATHS are files, directories (read recursively) or - for stdin: plain text, JSONL, CSV
    or HTML. Each finding says who speaks: [quoted] inside quotes, [attributed] reported or
    distanced ("so-called", "Putin said"), nothing for the article's own voice; [rebutted]
    when the sentence rejects the claim.

    \b
    Examples:
      framing flags corpus/seeds
      framing flags corpus/seeds --voice own --select narrative
      framing flags news.csv --column text=body --column source=outlet
      framing flags crawl/ --format jsonl -o flags.jsonl --fail-on narrative,ai
      framing flags ../shared/data/recovery/reliable --statistics -q
      framing flags corpus/seeds --techniques --select PT13,PT16 --fail-on technique
      cat article.txt | framing flags -
    """
    catalogue_markers = load_markers(catalogue)
    known = catalogue_markers
    if techniques:
        from framing import flagging

        known = [*catalogue_markers, *flagging.technique_markers()]
    select_codes = _marker_codes(select, known, "--select")
    ignore_codes = _marker_codes(ignore, known, "--ignore")
    extractor = Extractor(catalogue_markers, select=select_codes, ignore=ignore_codes)
    finder = None
    if techniques:  # the model is loaded (and refused) before any input is read
        finder = flagging.TechniqueFinder(flagging.load_techniques_model(),
                                          select=select_codes, ignore=ignore_codes)
    fail_codes = _marker_codes(fail_on, known, "--fail-on", allow_any=True)
    log = _ProblemLog(quiet)
    stats = FlagStats()
    progress = log.progress = _Progress(ingest.input_size(paths, input_format), quiet)
    articles = iter_articles(paths, input_format=input_format, columns=_parse_columns(columns),
                             on_problem=log, strict=strict, on_bytes=progress.read)
    failed = False
    with writers.open_output(output) as out, progress:
        writer = writers.FlagWriter(out, fmt)
        for flagged in flag_articles(progress.track(articles), extractor, stats,
                                     voices=voices or None, techniques=finder):
            failed = failed or _fails(flagged, fail_codes)
            writer.write(flagged)
        writer.close(stats, log.problems, summary=not quiet, statistics=statistics)
    if fmt != "text" and not quiet:
        click.echo(
            f"framing: {sum(stats.findings.values())} finding(s) in {stats.articles} article(s)"
            + (f", {log.errors} input(s) skipped" if log.errors else ""),
            err=True,
        )
    ctx = click.get_current_context()
    if log.errors:
        ctx.exit(EXIT_INPUT)
    if failed:
        ctx.exit(EXIT_FINDINGS)


@main.command("markers")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--family", type=click.Choice([*FAMILIES, "technique"]), multiple=True,
              help="Only markers of this family (technique: the persuasion techniques of "
              "framing flags --techniques). Repeatable.")
@click.option("--markers", "catalogue", type=click.Path(dir_okay=False, exists=True),
              help="Validate and list this catalogue (TOML) instead of the shipped one.")
@click.option("--examples", "all_examples", is_flag=True,
              help="Every example, labelled: e.g. (own voice), quoted, attributed, rebutted, "
                   "no match.")
def markers_command(fmt, family, catalogue, all_examples):
    """List the marker catalogue: id, family, strength, description and examples.

    Markers flagged english_only end their line with [english only]. Also validates a
    catalogue: a broken one exits 2 listing every problem. The persuasion techniques that
    framing flags --techniques finds follow (ids PT01..PT23, family technique, found by a
    model rather than by phrases); not with --markers unless --family technique asks.

    \b
    Examples:
      framing markers
      framing markers --family narrative --examples
      framing markers --family ai --format json
      framing markers --family technique
      framing markers --markers my-markers.toml
    """
    markers = [m for m in load_markers(catalogue) if not family or m.family in family]
    techniques = []
    if "technique" in family or (not family and not catalogue):
        from framing.labels import technique_taxonomy

        techniques = technique_taxonomy()
    if fmt == "json":
        click.echo(json.dumps(writers.markers_records(markers, techniques),
                              ensure_ascii=False, indent=2))
        return
    click.echo(writers.markers_text(markers, all_examples, techniques), nl=False)


# --------------------------------------------------------------------------- corpus


@main.group(cls=_FramingGroup)
def corpus():
    """Build and inspect labelled corpora (JSONL with a `labels` map per article).

    \b
    Examples:
      framing corpus import --format recovery ../shared/data/recovery -o recovery.jsonl
      framing corpus label-by-source crawl.jsonl -o labelled.jsonl
      framing corpus stats recovery.jsonl
    """


def _finish(log: _ProblemLog) -> None:
    if log.errors:
        click.get_current_context().exit(EXIT_INPUT)


@corpus.command("import")
@click.option("--format", "fmt", type=click.Choice(datasets.IMPORT_FORMATS), required=True,
              help="The public data set's layout, as published.")
@click.argument("path", type=click.Path(exists=True))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Corpus JSONL to write (atomically).")
@click.option("--strict", is_flag=True, help="Stop at the first bad record instead of skipping it.")
@click.option("-q", "--quiet", is_flag=True, help="No summary and no warnings.")
def corpus_import(fmt, path, output, strict, quiet):
    """Convert a public data set into a labelled corpus.

    \b
    recovery     ReCOVery CSVs: unreliable_source = 1 - reliability (per publisher)
    semeval2025  SemEval-2025 Task 10 war articles: pro_kremlin_framing from the
                 narratives, mapped in framing/data/urw_narratives.csv
    ptc          Propaganda Techniques Corpus: propaganda = any technique span
    semeval2023  SemEval-2023 Task 3: genre; frames in meta

    \b
    Examples:
      framing corpus import --format recovery ../shared/data/recovery -o recovery.jsonl
      framing corpus import --format semeval2025 ../shared/data/semeval2025-urw/EN -o urw.jsonl
    """
    log = _ProblemLog(quiet)
    records = datasets.import_corpus(fmt, path, on_problem=log, strict=strict)
    count = corpus_lib.write_corpus(records, output)
    if not quiet:
        click.echo(f"framing: wrote {count} article(s) to {output}"
                   + (f"; {log.errors} record(s) skipped" if log.errors else ""), err=True)
    _finish(log)


@corpus.command("label-by-source")
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--sources", "sources_path", type=click.Path(dir_okay=False, exists=True),
              help="Domain rating table (default: the shipped framing/data/sources.csv).")
@click.option("--target", default="unreliable_source", show_default=True,
              help="Label to set from the source's rating.")
@click.option("--overwrite", is_flag=True, help="Replace labels the articles already have.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Corpus JSONL to write (atomically).")
@click.option("-q", "--quiet", is_flag=True, help="No summary and no warnings.")
@_with_input_options
def corpus_label_by_source(paths, sources_path, target, overwrite, output, quiet,
                           input_format, columns, strict):
    """Label articles by their source's rating (distant supervision, as in QProp and NELA-GT).

    Each article's source (given, or inferred from its URL or text) is looked up in the domain
    table; reliable -> 0, unreliable or blacklisted -> 1; mixed and unknown domains stay
    unlabelled, and so does a source found only from a credit line ("Source: CNN" names whom
    the text was taken from, not its publisher); one warning says how many.

    \b
    Examples:
      framing corpus label-by-source crawl.jsonl -o labelled.jsonl
      framing corpus label-by-source pages/ --sources my-ratings.csv -o labelled.jsonl
    """
    log = _ProblemLog(quiet)
    sources = sources_lib.load_sources(sources_path)
    articles = iter_articles(paths, input_format=input_format, columns=_parse_columns(columns),
                             on_problem=log, strict=strict)
    labelled = corpus_lib.label_by_source(articles, sources, target=target, on_problem=log,
                                          overwrite=overwrite)
    count = corpus_lib.write_corpus(labelled, output)
    if not quiet:
        click.echo(f"framing: wrote {count} article(s) to {output}", err=True)
    _finish(log)


@corpus.command("stats")
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True,
              help="Sources to list in text format.")
def corpus_stats(paths, fmt, top):
    """Counts per target, label and source of a corpus.

    \b
    Examples:
      framing corpus stats recovery.jsonl
      framing corpus stats recovery.jsonl urw.jsonl --format json
    """
    log = _ProblemLog(False)
    stats = corpus_lib.corpus_stats(corpus_lib.read_corpus(paths, on_problem=log))
    if fmt == "json":
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
    else:
        click.echo(writers.corpus_stats_text(stats, top), nl=False)
    _finish(log)


@corpus.command("sources")
@click.argument("source_labels_dir", type=click.Path(exists=True, file_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              default=str(sources_lib.SOURCES_PATH), show_default=True,
              help="Source table CSV to write (atomically).")
def corpus_sources(source_labels_dir, output):
    """Rebuild the domain rating table from the idiap News-Media-Reliability labels.

    \b
    Examples:
      framing corpus sources ../shared/data/source-labels
      framing corpus sources ../shared/data/source-labels -o my-sources.csv
    """
    rows = corpus_lib.build_sources_table(source_labels_dir)
    count = corpus_lib.write_sources_table(rows, output)
    click.echo(f"framing: wrote {count} row(s) to {output}", err=True)


@corpus.command("seeds")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              default=str(corpus_lib.SEEDS_PATH), show_default=True,
              help="Corpus JSONL to write (atomically).")
def corpus_seeds(output):
    """Rebuild corpus/seeds.jsonl from corpus/seeds and framing/data/seed_labels.toml.

    \b
    Examples:
      framing corpus seeds
      framing corpus seeds -o /tmp/seeds.jsonl
    """
    count = corpus_lib.write_corpus(corpus_lib.seed_records(), output)
    click.echo(f"framing: wrote {count} article(s) to {output}", err=True)


# --------------------------------------------------------------------------- model


def _read_labelled(paths, log) -> list:
    return list(corpus_lib.read_corpus(paths, on_problem=log))


def _load_models(model_dirs: tuple[str, ...]) -> list:
    return [model_lib.load_model(d) for d in model_lib.model_dirs(model_dirs)]


@main.command()
@click.argument("corpus_paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--target", required=True, help="Label to learn, e.g. unreliable_source.")
@click.option("--out", type=click.Path(file_okay=False),
              help="Model directory to write (default: models/TARGET, which an existing "
              "model there is only replaced in with --force).")
@click.option("--force", is_flag=True,
              help="Without --out: replace the model already in models/TARGET.")
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True,
              help="Publisher-grouped CV folds (at least 2).")
@click.option("--features", default="words,markers", show_default=True,
              help="Comma-separated: words, chars, markers, style. The default keeps scoring "
              "fast; chars were measured to cost speed for no gain, style to lower every target "
              "(it needs pip install 'framing[style]').")
@click.option("--C", "C", type=click.FloatRange(min=0, min_open=True), default=3.0,
              show_default=True, help="Inverse regularisation strength (above 0).")
@click.option("--idf", is_flag=True,
              help="Weight words by inverse document frequency (topic models: rare words name "
              "the topic; left off for framing targets, where it measured worse).")
@click.option("--marker-weight", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Weight of the marker block against the word block.")
@click.option("--marker-families", metavar="CODES", default="",
              help="Count only these marker families or ids, comma-separated (default: all).")
@click.option("--no-baseline", is_flag=True, help="Skip the TF-IDF + LR baseline comparison.")
@click.option("--train-only", "train_only", multiple=True, type=click.Path(exists=True),
              help="Corpus whose articles train in every fold and the final model but are "
              "never evaluated (e.g. written contrast examples); each article its own group.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--gate", type=click.Choice(["war_topic"]),
              help="Score only within the gate's scope: the probability is multiplied by the "
              "war_topic model's when both are loaded (for targets defined on war coverage).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def train(corpus_paths, target, out, force, folds, features, C, idf, marker_weight,
          marker_families, no_baseline, train_only, fmt, gate, quiet):
    """Train a model on labelled corpora, evaluated on publishers it never saw.

    Cross-validates with whole sources held out (never the same source in training and test),
    prints ROC-AUC, macro-F1, Brier score and expected calibration error next to a plain
    TF-IDF + logistic regression baseline under the same splits, then fits on everything and
    writes model.pkl.gz and its card (with the file's sha256) atomically. Same corpus, same
    options: same metrics.

    \b
    Examples:
      framing train recovery.jsonl --target unreliable_source
      framing train urw.jsonl --target pro_kremlin_framing --gate war_topic --out my-model
    """
    chosen = {f.strip() for f in features.split(",") if f.strip()}
    unknown = chosen - {"words", "chars", "markers", "style"}
    if unknown:
        raise click.BadParameter(f"unknown feature set(s): {', '.join(sorted(unknown))}",
                                 param_hint="--features")
    config = model_lib.FeatureConfig(
        words="words" in chosen, chars="chars" in chosen, markers="markers" in chosen,
        style="style" in chosen, C=C, word_idf=idf, marker_weight=marker_weight,
        marker_select=tuple(c.strip() for c in marker_families.split(",") if c.strip()),
    )
    if out is None:
        # The default lands among the shipped models: never replace one by accident. An
        # explicit --out (as `make model` passes) says where, and is written.
        out = str(model_lib.MODELS_DIR / target)
        if Path(out).exists() and not force:
            raise click.UsageError(f"{out} already exists; pass --force to replace it, or "
                                   "--out DIR to write elsewhere")
    log = _ProblemLog(False)
    data = model_lib.Dataset.from_articles(_read_labelled(corpus_paths, log), target)
    extra = (model_lib.Dataset.from_articles(_read_labelled(train_only, log), target,
                                             own_groups=True) if train_only else None)
    progress = _Progress(model_lib.steps(folds, not no_baseline), quiet, unit="steps",
                         label=f"training {target}")
    with progress:
        model, report = model_lib.train(
            data, config=config, folds=folds, baseline=not no_baseline,
            corpus_files=corpus_paths, progress=lambda n: progress.advance(n, n), extra=extra,
            extra_files=train_only,
        )
    if gate:
        model.card["gate"] = gate
    model_lib.save_model(model, out)
    if fmt == "json":
        click.echo(json.dumps({"card": model.card, "report": report}, indent=2))
    else:
        click.echo(writers.training_text(target, data, model.card), nl=False)
        click.echo(f"wrote {out}/{model_lib.MODEL_FILE} and {model_lib.CARD_FILE}")
    _finish(log)


@main.command()
@click.argument("corpus_paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--model", "model_dirs", multiple=True, type=click.Path(exists=True),
              help="Model directory (repeatable; default: every model in models/).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def evaluate(corpus_paths, model_dirs, fmt):
    """Measure models on a labelled corpus (ideally publishers they never saw).

    For each model whose target the corpus labels: ROC-AUC, macro-F1, Brier score, expected
    calibration error, the confusion matrix at 0.5, a calibration table and a per-source
    breakdown.

    \b
    Examples:
      framing evaluate heldout.jsonl
      framing evaluate heldout.jsonl --model models/unreliable_source --format json
    """
    log = _ProblemLog(False)
    articles = _read_labelled(corpus_paths, log)
    results = {}
    for model in _load_models(model_dirs):
        # The narratives model is multi-label; its figures are on its card (framing narratives).
        if model.card.get("kind") == "narratives":
            continue
        if not any(model.target in a.labels for a in articles):
            continue
        for path in model_lib.trained_on(model, corpus_paths):
            click.echo(f"framing: warning: {path} is one of the corpora {model.target} was "
                       "trained on (its card lists it): these figures are not out of sample",
                       err=True)
        data = model_lib.Dataset.from_articles(articles, model.target)
        p = model.predict_proba(data.texts)
        results[model.target] = model_lib.detailed_report(data, p)
    if not results:
        raise model_lib.ModelError("the corpus labels no target of the given models")
    if fmt == "json":
        click.echo(json.dumps(results, indent=2))
    else:
        click.echo(writers.evaluation_text(results), nl=False)
    _finish(log)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--model", "model_dirs", multiple=True, type=click.Path(exists=True),
              help="Model directory (repeatable; default: every model in models/).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv"]),
              default="table", show_default=True,
              help="jsonl and csv are written as articles finish (and can be resumed); table "
              "streams to stdout; json is one document at the end; --engine dask writes jsonl.")
@click.option("--explain", is_flag=True,
              help="Add the features pushing each score up and down, with marker evidence.")
@click.option("--top", type=click.IntRange(min=1), default=5, show_default=True,
              help="Features per direction with --explain.")
@click.option("--techniques/--no-techniques", default=True, show_default=True,
              help="Persuasion techniques per paragraph, with the sentence carrying each, "
              "when a techniques model is among the models; --no-techniques skips it (faster "
              "when only the scores are wanted).")
@click.option("--frames/--no-frames", default=True, show_default=True,
              help="Media frames per article, with the paragraphs behind them, when a frames "
              "model is among the models; --no-frames skips it.")
@click.option("-o", "--output", type=click.Path(allow_dash=True),
              help="Write here instead of stdout. jsonl/csv grow in OUTPUT.partial, renamed to "
              "OUTPUT when complete; other formats are written atomically. With --engine dask, "
              "a directory of partition files.")
@click.option("--store", "store_path", type=click.Path(dir_okay=False),
              help="Also keep the scored articles in this SQLite store (idempotent: an "
              "article already scored by the same model is not added again).")
@click.option("--resume", is_flag=True,
              help="Continue an interrupted run: skip articles whose id is already in the "
              "output (jsonl/csv) or that the store holds scored by these models; with "
              "--engine dask, skip finished partitions.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes for the local engine  [default: 0 = all cores]")
@click.option("--chunk-size", type=click.IntRange(min=1), default=batch.DEFAULT_CHUNK_SIZE,
              show_default=True,
              help="Articles per chunk: the unit of work sent to a worker and flushed to the "
              "output.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
              show_default=True,
              help="dask: partitioned JSONL scored on a Dask cluster (pip install "
              "'framing[dask]'), one output file per partition.")
@click.option("--scheduler", metavar="ADDRESS",
              help="With --engine dask: the scheduler to use, e.g. tcp://10.0.0.5:8786 "
              "(default: a LocalCluster on this machine).")
@click.option("--workers", type=click.IntRange(min=1),
              help="With --engine dask and no --scheduler: LocalCluster worker processes "
              "(default: --jobs).")
@click.option("--partition-size", type=click.IntRange(min=1), default=32, show_default=True,
              metavar="MB", help="With --engine dask: input megabytes per partition at most; "
              "an input under 64 x MB is cut into 64 partitions (of 256 KB at least), so "
              "that the workers share it evenly to the end.")
@click.option("-q", "--quiet", is_flag=True, help="No summary, progress bar or input warnings.")
@_with_input_options
def score(paths, model_dirs, fmt, explain, top, techniques, frames, output, store_path, resume,
          jobs, chunk_size, engine, scheduler, workers, partition_size, quiet, input_format,
          columns, strict):
    """Score articles with the trained models: a calibrated probability per target.

    Inputs are streamed in chunks: memory stays flat however large they are, jsonl and csv
    output grows as chunks finish, and a killed run keeps what it finished (--resume goes
    on from there). Chunks are scored on all cores (--jobs), in input order; a progress bar
    with rate and ETA shows on stderr when it is a terminal.

    With the techniques and frames models (models/techniques, models/frames), every article
    in scope also gets its persuasion techniques (line, technique, probability, evidence
    sentence) and media frames (probability, asserted, paragraphs): in json/jsonl as
    "techniques" and "frames", in csv as two columns, in the table as a line each under the
    row (--explain adds the evidence). --no-techniques --no-frames leave both models out.

    \b
    Examples:
      framing score corpus/seeds
      framing score corpus/seeds --explain
      framing score crawl.jsonl --no-techniques --no-frames --format csv -o scores.csv
      framing score crawl.jsonl --format jsonl -o scores.jsonl
      framing score crawl.jsonl --format jsonl -o scores.jsonl --resume   # after a kill
      framing score news.csv --column text=body --format csv --jobs 4
      framing score crawl/ --store scores.db -q --format jsonl -o scores.jsonl
      framing score parts/*.jsonl --engine dask --workers 2 -o scored/
      framing score parts/*.jsonl --engine dask --scheduler tcp://head:8786 -o /shared/out
    """
    if explain and fmt == "csv":
        raise click.UsageError("--explain goes with --format table, json or jsonl: a CSV row "
                               "has no room for the reasons")
    if engine == "dask" and (click.get_current_context().get_parameter_source("fmt")
                             is click.core.ParameterSource.DEFAULT):
        fmt = "jsonl"  # the only format partition files come in
    jobs = jobs or batch.available_cores()
    if engine == "local":
        batch.start_pool_for(paths, input_format, jobs)
    job = _scoring_job(model_dirs, explain=explain, top=top, columns=columns, strict=strict,
                       techniques=techniques, frames=frames)
    job.load()  # refuses a bad model before any option is checked further or input read
    if engine == "dask":
        _score_dask(paths, job, fmt, output, store_path, scheduler,
                    workers or jobs, partition_size, resume, quiet, input_format)
        return
    if scheduler or workers:
        raise click.UsageError("--scheduler and --workers go with --engine dask")
    if resume and not store_path and not batch.resumable(output, fmt):
        # A device, FIFO or pipe (-o >(cmd)) is written through: nothing there to resume from.
        raise click.UsageError("--resume needs --store, or -o FILE with --format jsonl or csv")
    log = _ProblemLog(quiet)
    progress = log.progress = _progress(paths, input_format, quiet)
    partial = batch.partial_output(output, fmt)
    # Without --resume an unfinished output in the way is refused, not a run that stopped.
    stoppable = partial is not None and (resume or not partial.exists())
    try:
        with progress:
            done = batch.run(paths, job, output=output, fmt=fmt, resume=resume,
                             store=store_path, jobs=jobs, chunk_size=chunk_size,
                             input_format=input_format, on_problem=log,
                             on_progress=progress.advance)
    except BaseException:
        if stoppable and partial.exists():
            click.echo(f"framing: stopped; the articles scored so far are in {partial} "
                       "(rerun with --resume to finish)", err=True)
        raise
    if not quiet:
        stored = (f"; store {store_path}: {done.added} added, {done.present} already there"
                  if store_path else "")
        resumed = f"; {done.skipped} already done (--resume)" if done.skipped else ""
        click.echo(f"framing: scored {done.scored} article(s) with {', '.join(done.targets)}"
                   + stored + resumed
                   + (f"; {log.errors} input(s) skipped" if log.errors else ""), err=True)
    _finish(log)


def _score_dask(paths, job, fmt, output, store_path, scheduler, workers,
                partition_size, resume, quiet, input_format) -> None:
    if fmt != "jsonl":
        raise click.UsageError("--engine dask writes jsonl partition files; use --format jsonl")
    if not output or output == "-":
        raise click.UsageError("--engine dask needs -o DIRECTORY for its partition files")
    if store_path:
        raise click.UsageError("--store goes with the local engine")
    if input_format not in ("auto", "jsonl"):
        raise click.UsageError("--engine dask reads JSONL only")
    log = _ProblemLog(quiet)
    progress = log.progress = _progress(paths, input_format, quiet)
    with progress:
        done = batch.run_dask(paths, job, output, partition_bytes=partition_size << 20,
                              scheduler=scheduler, workers=workers, resume=resume,
                              on_problem=log, on_progress=progress.advance)
    if not quiet:
        click.echo(f"framing: scored {done.scored} article(s) with {', '.join(done.targets)} "
                   f"in {done.partitions} partition(s) under {output}"
                   + (f"; {done.resumed} partition(s) already done (--resume)"
                      if done.resumed else "")
                   + (f"; {log.errors} input problem(s)" if log.errors else ""), err=True)
    _finish(log)


def _scoring_job(model_dirs, columns=(), **options) -> batch.ScoringJob:
    return batch.ScoringJob(tuple(model_lib.model_dirs(model_dirs)),
                            columns=tuple(_parse_columns(columns).items()), **options)


# --------------------------------------------------------------------------- report

@main.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--model", "model_dirs", multiple=True, type=click.Path(exists=True),
              help="Model directory (repeatable; default: every model in models/).")
@click.option("--format", "fmt", type=click.Choice(writers.REPORT_FORMATS), default="table",
              show_default=True, help="html: one self-contained file with charts.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write here (atomically) instead of stdout.")
@click.option("--min-articles", type=click.IntRange(min=1), default=5, show_default=True,
              help="Below this many articles a source gets 'insufficient evidence'.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Probability counted as 'above' in the share columns.")
@click.option("--sources", "sources_path", type=click.Path(dir_okay=False, exists=True),
              help="Domain rating table for the known ratings (default: the shipped one).")
@click.option("--store", "store_path", type=click.Path(dir_okay=False, exists=True),
              help="Report on the articles kept in this store instead of scoring PATHS.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="With --store: from this date.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="With --store: to this date.")
@click.option("--source", "only_sources", multiple=True,
              help="With --store: only this source (repeatable).")
@click.option("--syndication/--no-syndication", default=True, show_default=True,
              help="Find passages that sources share (republished text).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes scoring PATHS  [default: 0 = all cores]")
@click.option("-q", "--quiet", is_flag=True, help="No summary, progress bar or input warnings.")
@_with_input_options
def report(paths, model_dirs, fmt, output, min_articles, threshold, sources_path, store_path,
           since, until, only_sources, syndication, jobs, quiet, input_format, columns, strict):
    """Per-source report: scores with intervals, band, markers, known rating, shared text.

    Scores the articles at PATHS with the models, then aggregates by source. The band of a
    source: fewer than --min-articles articles is 'insufficient evidence'; otherwise the 95%
    interval of its mean unreliable_source probability at or above 0.65 is 'unreliable', at or
    below 0.35 'reliable', else 'mixed'.

    \b
    Examples:
      framing report corpus/seeds --min-articles 1
      framing report crawl/ --format html -o report.html
      framing report crawl.jsonl --format csv -o sources.csv
      framing report --store scores.db --since 2022-02-24 --format html -o war.html
    """
    if bool(paths) == bool(store_path):
        raise click.UsageError("give PATHS to score, or --store to read, not both")
    if not store_path and (since or until or only_sources):
        raise click.UsageError("--since, --until and --source go with --store")
    log = _ProblemLog(quiet)
    sources_table = sources_lib.load_sources(sources_path)
    if store_path:
        with store_lib.Store(store_path) as store:
            # Streamed: a report over 100k stored articles never holds their texts at once.
            scored = store.scored(since=since.date() if since else None,
                                  until=until.date() if until else None, sources=only_sources)
            built = report_lib.build_report(scored, sources_table=sources_table,
                                            threshold=threshold, min_articles=min_articles,
                                            syndication=syndication, cards=store.model_cards())
    else:
        jobs = jobs or batch.available_cores()
        batch.start_pool_for(paths, input_format, jobs)
        job = _scoring_job(model_dirs, columns=columns, strict=strict)
        models, _ = job.load()  # refuses a bad model before any input is read
        progress = log.progress = _progress(paths, input_format, quiet)
        with progress:
            scored = batch.score_paths(
                paths, job, jobs=jobs, input_format=input_format, on_problem=log,
                on_chunk=lambda r: progress.advance(r.bytes_read, len(r.scored) + r.skipped))
            built = report_lib.build_report(scored,
                                            sources_table=sources_table, threshold=threshold,
                                            min_articles=min_articles, syndication=syndication,
                                            cards=[m.card for m in models])
    with writers.open_output(output) as out:
        out.write(writers.report_text(fmt, built))
    if not quiet:
        click.echo(f"framing: reported {len(built.sources)} source(s) from {built.articles} "
                   "article(s)" + (f"; {log.errors} input(s) skipped" if log.errors else ""),
                   err=True)
    _finish(log)


# --------------------------------------------------------------------------- narratives


@main.command("narratives")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def narratives_command(fmt):
    """List the Ukraine-war narratives the narratives model asserts, with descriptions.

    The coarse URW narratives of the SemEval-2025 Task 10 taxonomy (an article with none of
    them is Other); `framing score` lists the ones each article carries, with the paragraphs
    behind them.

    \b
    Examples:
      framing narratives
      framing narratives --format json
    """
    from framing.labels import OTHER, narrative_taxonomy

    taxonomy = narrative_taxonomy()
    if fmt == "json":
        click.echo(json.dumps([n.to_dict() for n in taxonomy], ensure_ascii=False, indent=2))
        return
    for n in taxonomy:
        click.echo(f"{n.label}\n    {n.description}")
    click.echo(f"\n{len(taxonomy)} narrative(s); none of them: {OTHER}")
