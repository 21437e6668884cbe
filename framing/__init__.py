"""framing: offline detection of framing markers and source reliability in news articles.

The library's public face, what the README's "Use from Python" section shows:

- :func:`read` turns files, folders and ``"-"`` into :class:`Article` objects;
- :func:`flags` finds the framing markers of one text or article (:class:`Evidence`);
- :func:`score` gives every model's probability for texts or articles, with their flags,
  persuasion techniques and media frames;
- :func:`load_models` loads model directories (the shipped ones by default), sha256-checked;
- :func:`build_report` aggregates scored articles per source;
- :class:`FramingError` is the base of every error raised on purpose.

Everything but ``__version__`` is imported on first use (PEP 562), so ``import framing`` stays
cheap and pulls in neither scikit-learn, numpy nor trafilatura: the command line's ``--help``
and the modules that only need ``__version__`` (``framing.model``, setup.cfg's
``version = attr:``) pay for nothing else. The modules behind these names
(:mod:`framing.article`, :mod:`framing.ingest`, :mod:`framing.markers`,
:mod:`framing.scoring`, :mod:`framing.model`, :mod:`framing.report`) stay the full API; this
one only chooses sensible defaults.
"""

from __future__ import annotations

import functools
import importlib
import os
import warnings

# Read by framing.model (model cards) and by setup.cfg; keep it a plain literal defined first.
__version__ = "0.1.0"

# Type checkers take any TYPE_CHECKING as true; ``typing`` itself would double the import time.
TYPE_CHECKING = False
if TYPE_CHECKING:  # what the lazy names below are, for type checkers (framing ships py.typed)
    import datetime
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any

    from framing.article import Article, Problem, ScoredArticle
    from framing.errors import FramingError
    from framing.markers import Evidence, Extractor
    from framing.model import Model
    from framing.report import build_report

__all__ = [
    "Article",
    "Evidence",
    "FramingError",
    "build_report",
    "flags",
    "load_models",
    "read",
    "score",
]

#: Names re-exported from the module that owns them, imported on first access.
_LAZY: dict[str, str] = {
    "Article": "framing.article",
    "Evidence": "framing.markers",
    "FramingError": "framing.errors",
    "build_report": "framing.report",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    # The public names only: the helpers and the modules imported here are not the API.
    return sorted([*__all__, "__version__"])


def read(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    input_format: str = "auto",
    columns: Mapping[str, str] | None = None,
    strict: bool = False,
    on_problem: Callable[[Problem], None] | None = None,
) -> Iterator[Article]:
    """Yield the articles of files, folders (read recursively) and ``"-"`` (stdin), lazily.

    ``paths`` is one path or several. ``input_format`` is ``"auto"`` (by extension) or one of
    ``text``, ``jsonl``, ``csv``, ``html``, ``json``; ``columns`` maps article fields to the
    CSV column or JSONL key holding them (``{"text": "body"}``). An unreadable file or record
    is a :class:`~framing.article.Problem` passed to ``on_problem`` and skipped; without
    ``on_problem`` each problem is issued as a :class:`UserWarning`, so nothing is skipped
    silently. With ``strict=True`` the first problem raises :class:`~framing.errors.InputError`.
    See :func:`framing.ingest.iter_articles` for the formats and the remaining options.
    """
    from framing.ingest import iter_articles

    return iter_articles(paths, input_format=input_format, columns=columns, strict=strict,
                         on_problem=_warn if on_problem is None else on_problem)


def _warn(problem: Problem) -> None:
    warnings.warn(str(problem), UserWarning, stacklevel=2)


def flags(
    text_or_article: str | Article,
    *,
    select: str | Iterable[str] = (),
    ignore: str | Iterable[str] = (),
    voices: str | Iterable[str] | None = None,
    published: datetime.date | None = None,
    language: str | None = None,
) -> list[Evidence]:
    """The framing markers found in one text or article, sorted by position.

    A string is scanned as it is (no metadata is read from its first lines; :func:`read` does
    that for files); ``published`` and ``language`` say what is known about it. An
    :class:`Article` brings its own ``published`` date and declared ``language``, as
    ``framing flags`` uses them. ``select`` and ``ignore`` take marker ids, id prefixes
    (``"KN1"``) or family names (``"narrative"``), as ``--select`` and ``--ignore`` do;
    ``voices`` keeps only findings of those voices (``own``, ``quoted``, ``attributed``).
    Raises ``ValueError`` for an unknown marker code or voice.
    """
    from framing.flagging import flag_articles

    article = _as_article(text_or_article)
    if published is not None or language is not None:
        import dataclasses

        article = dataclasses.replace(
            article,
            published=article.published if published is None else published,
            language=article.language if language is None else language,
        )
    if isinstance(voices, str):
        voices = (voices,)
    extractor = _extractor(_codes(select), _codes(ignore))
    (flagged,) = flag_articles([article], extractor, voices=voices)
    return flagged.flags


def score(
    texts_or_articles: str | Article | Iterable[str | Article],
    models: Iterable[Model | str | os.PathLike] | str | os.PathLike | None = None,
    *,
    explain: bool = False,
    top: int = 5,
    techniques: bool = True,
    frames: bool = True,
) -> list[ScoredArticle] | ScoredArticle:
    """Score texts or articles with every model: a list of :class:`~framing.article.ScoredArticle`.

    One string or one :class:`Article` gives one result rather than a list of one; any other
    iterable (a list, :func:`read`'s iterator) gives a list in input order. Each result has
    ``scores`` (``{target: probability}``, ``None`` when no score applies: not English, too
    short; ``scope`` says why), ``flags``, ``scope``, ``confidence``, ``narratives``,
    ``techniques`` and ``frames``, and ``to_dict()`` for JSON.

    ``techniques`` lists the persuasion techniques the techniques model asserts, paragraph by
    paragraph (``line``, ``id`` such as ``PT13``, ``technique``, ``probability`` and, where it
    points to one, the evidence sentence's ``start``, ``end`` and ``text``); ``frames`` maps
    each media frame to its ``probability`` and whether it is ``asserted``, with the
    ``paragraphs`` behind the asserted ones. Both are ``None`` when that model did not read
    the article: none among ``models``, switched off, or the article out of scope.
    ``techniques=False`` / ``frames=False`` leave those models out (they are not even loaded
    from directories), for speed when only the scores are wanted.

    ``models`` is ``None`` for the shipped models (looked up like the command line does:
    ``$FRAMING_MODELS``, the checkout's ``models/``, the installed ones), model directories,
    or models from :func:`load_models`. Models found by directory are loaded once per process
    and reused while their cards are unchanged. ``explain=True`` adds the ``top`` features
    pushing each score up and down. For streams too large for a list, use
    :func:`framing.scoring.score_articles`, which yields.
    """
    from framing.article import Article
    from framing.scoring import score_articles

    single = isinstance(texts_or_articles, (str, Article))
    items = [texts_or_articles] if single else texts_or_articles
    loaded, extractor = _scoring_models(models, techniques=techniques, frames=frames)
    results = list(score_articles((_as_article(x) for x in items), loaded, extractor,
                                  explain=explain, top=top, techniques=techniques,
                                  frames=frames))
    return results[0] if single else results


def load_models(paths: str | os.PathLike | Iterable[str | os.PathLike] | None = None
                ) -> list[Model]:
    """Load model directories, checking each card (sha256, versions) before unpickling.

    ``paths`` is one model directory or several (as ``--model`` takes them); ``None`` loads
    every shipped model (see :func:`score`). Raises :class:`~framing.model.ModelError` for a
    model that fails a check, or when ``None`` finds no model at all.
    """
    from framing.model import load_model

    return [load_model(d) for d in _model_dirs(paths)]


# --------------------------------------------------------------------------- helpers


def _as_article(item: str | Article) -> Article:
    from framing.article import Article

    if isinstance(item, Article):
        return item
    if isinstance(item, str):
        return Article(text=item)  # its id is the content id
    raise TypeError(f"expected a str or an Article, not {type(item).__name__}")


def _codes(values: str | Iterable[str]) -> tuple[str, ...]:
    """Marker codes as the extractor takes them (``"narrative"``, ``"KN1"``), checked."""
    from framing.markers import resolve_codes

    values = (values,) if isinstance(values, str) else tuple(values)
    return tuple(sorted(resolve_codes(values))) if values else ()


@functools.lru_cache(maxsize=8)
def _extractor(select: tuple[str, ...], ignore: tuple[str, ...]) -> Extractor:
    # Compiling the catalogue is the costly part of flagging; build each selection once.
    from framing.markers import Extractor

    return Extractor(select=select, ignore=ignore)


def _model_dirs(paths) -> list[str]:
    from framing.model import model_dirs

    return model_dirs(paths)


def _scoring_models(models, **switches) -> tuple[list[Model], Extractor]:
    """The models to score with and the extractor: directories through the per-process cache
    (``switches``: :class:`framing.batch.ScoringJob`'s ``techniques`` and ``frames``)."""
    from framing.batch import ScoringJob
    from framing.model import Model

    if models is None or isinstance(models, (str, os.PathLike)):
        return ScoringJob(tuple(_model_dirs(models)), **switches).load()
    models = list(models)
    if all(isinstance(m, Model) for m in models):
        return models, _extractor((), ())
    if any(isinstance(m, Model) for m in models):
        raise TypeError("give models as directories or as loaded models, not both")
    return ScoringJob(tuple(_model_dirs(models)), **switches).load()
