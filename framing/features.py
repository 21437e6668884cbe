"""scikit-learn transformers that turn article texts into model features.

The transformers take ``X`` as a sequence of article texts (``str``), one per article, like
scikit-learn's text vectorizers, and follow its conventions: ``__init__`` only stores parameters,
``fit`` sets the attributes ending in ``_`` and returns ``self``, ``transform`` raises
:class:`~sklearn.exceptions.NotFittedError` before ``fit``, and ``get_feature_names_out`` names
every output column.

- :class:`MarkerCounts`: how often each framing marker of the catalogue (and each family) occurs
  in an article. Sparse output: most articles have no marker at all.
- :class:`framing.style.StyleFeatures`, in its own module: about twenty dense style measures
  (VADER sentiment, readability, quoting, punctuation). No shipped model uses them, so scoring
  never imports that module; ``framing.features.StyleFeatures`` still resolves to it, for
  models pickled when it lived here.

None learns anything from the training texts. ``MarkerCounts.fit`` snapshots the marker
catalogue, so that a fitted model keeps giving the same numbers when the catalogue changes later.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import date

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from framing.markers import FAMILIES, Evidence, Extractor, Marker, load_markers

__all__ = ["MarkerCounts"]

# Names that moved to framing.style, resolved on first use so that importing this module (and
# scoring) does not load it: a model pickled with ``framing.features.StyleFeatures`` still loads.
_MOVED_TO_STYLE = frozenset({"StyleFeatures", "split_sentences"})


def __getattr__(name: str):
    if name in _MOVED_TO_STYLE:
        from framing import style

        return getattr(style, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _texts(X) -> list[str]:
    """``X`` as a list of texts, or a clear error (a lone string would iterate as characters)."""
    if isinstance(X, (str, bytes)):
        raise ValueError(
            "expected a sequence of article texts, got a single string; wrap it in a list"
        )
    texts = list(X)
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"text #{index} is {type(text).__name__}, expected str")
    return texts


class _TextTransformer(TransformerMixin, BaseEstimator):
    """What the text transformers share: raw-text input tags and a one-pass ``fit_transform``.

    Also the base of :class:`framing.style.StyleFeatures`.
    """

    def fit_transform(self, X, y=None, **fit_params):
        """``fit`` then ``transform``, reading ``X`` once (it may be a generator)."""
        texts = _texts(X)
        return self.fit(texts, y, **fit_params).transform(texts)

    def __sklearn_tags__(self):
        # Declare raw-text input, as scikit-learn's own vectorizers do (scikit-learn >= 1.6).
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


# --------------------------------------------------------------------------- marker counts

_SCALES = ("log1p", "count", "binary")
_VOICE_MODES = ("split", "any")


class MarkerCounts(_TextTransformer):
    """Per-article counts of the framing markers of a catalogue, and of their families.

    Parameters
    ----------
    markers : None, path or sequence of :class:`~framing.markers.Marker`, default=None
        The catalogue: ``None`` for the shipped one (with the code markers of
        :mod:`framing.checks`), a path to a TOML catalogue of the same format, or markers
        already loaded. Loaded at ``fit`` time, and the fitted transformer keeps that snapshot:
        editing the catalogue file later does not change a fitted model.
    select, ignore : iterable of str or comma-separated str, default=()
        Marker ids, id prefixes (``"KN1"``) or family names to keep or drop, as for
        ``framing flags --select/--ignore``.
    per_family : bool, default=True
        Also output one column per family: the sum of its markers' counts.
    scale : {"log1p", "count", "binary"}, default="log1p"
        ``log1p`` gives ``log(1 + count)``: the first occurrence of a marker says most, repeats
        add less. ``count`` gives raw counts, ``binary`` 1 for present.
    voice : {"split", "any"}, default="split"
        Who speaks the marker (:mod:`framing.voice`). ``split`` counts the article's own voice
        apart from other voices, so that quoting or reporting Kremlin wording does not push a
        score like adopting it: ``marker__KN101`` counts own-voice findings that are not
        rebutted, ``marker_other__KN101`` the quoted, attributed or rebutted ones (and
        ``family__narrative`` / ``family_other__narrative`` likewise). ``any`` counts every
        finding in ``marker__``/``family__`` columns whatever its voice (the layout of models
        fitted before voices existed, which load as ``any``).

    Counts are per article and deliberately not divided by the article's length: a marker is
    sparse evidence ("special military operation" once is as telling in a long article as in a
    short one), and a rate would shrink strong evidence in long articles and inflate it in short
    ones. A model that wants length can take it from :class:`framing.style.StyleFeatures`.

    Attributes
    ----------
    extractor_ : :class:`~framing.markers.Extractor`
        The compiled catalogue, after ``select``/``ignore``; ``extractor_.markers`` is the
        snapshot of the catalogue.
    marker_ids_ : tuple of str
        Marker ids of the ``marker__`` (and ``marker_other__``) columns, in catalogue order.
    families_ : tuple of str
        Families of the ``family__`` (and ``family_other__``) columns (empty unless
        ``per_family``), in the order of :data:`framing.markers.FAMILIES`.

    Notes
    -----
    The output is a ``scipy.sparse`` CSR matrix of float64: markers fire on a few percent of
    articles, so almost every row is empty, and the matrix stacks with TF-IDF output without
    densifying it. A fitted transformer pickles with its catalogue; code markers are pickled as
    references to their functions in :mod:`framing.checks`, so custom code markers must be
    module-level functions to pickle.
    """

    def __init__(
        self,
        markers: str | os.PathLike | Sequence[Marker] | None = None,
        select: Iterable[str] | str = (),
        ignore: Iterable[str] | str = (),
        per_family: bool = True,
        scale: str = "log1p",
        voice: str = "split",
    ):
        self.markers = markers
        self.select = select
        self.ignore = ignore
        self.per_family = per_family
        self.scale = scale
        self.voice = voice

    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("_catalogue", None)  # a key of this process's scans, not part of the model
        return state

    def __setstate__(self, state):
        # Pickles made before the ``voice`` parameter existed (the shipped models until they
        # are retrained) count every finding in one column per marker: they are ``any``. Set it
        # so that get_params, repr and clone work on them too.
        state = dict(state)
        state.setdefault("voice", "any")
        super().__setstate__(state)

    def fit(self, X, y=None):
        """Load and compile the catalogue; ``X`` is only checked (nothing is learnt from it).

        Returns ``self``. Raises ``ValueError`` for an unknown ``scale`` or ``voice`` or when
        ``select`` and ``ignore`` leave no marker, :class:`~framing.errors.MarkerDataError` for a
        bad catalogue.
        """
        _texts(X)
        if self.scale not in _SCALES:
            raise ValueError(f"scale must be one of {', '.join(_SCALES)}; got {self.scale!r}")
        if self.voice not in _VOICE_MODES:
            raise ValueError(
                f"voice must be one of {', '.join(_VOICE_MODES)}; got {self.voice!r}"
            )
        if self.markers is None:
            catalogue = load_markers()
        elif isinstance(self.markers, (str, os.PathLike)):
            catalogue = load_markers(self.markers)
        else:
            catalogue = list(self.markers)
        extractor = Extractor(catalogue, select=_codes(self.select), ignore=_codes(self.ignore))
        if not extractor.markers:
            raise ValueError(
                f"select={self.select!r} and ignore={self.ignore!r} leave no marker of the "
                f"{len(catalogue)} in the catalogue"
            )
        self.extractor_ = extractor
        self.marker_ids_ = tuple(m.id for m in extractor.markers)
        present = {m.family for m in extractor.markers}
        self.families_ = tuple(f for f in FAMILIES if f in present) if self.per_family else ()
        return self

    def _split(self) -> bool:
        # getattr: a model pickled before the parameter existed has no ``voice`` attribute
        # unless unpickled through __setstate__ above; either way it must keep its old columns
        # (every finding counted once, whatever its voice) until it is retrained.
        return getattr(self, "voice", "any") == "split"

    def transform(self, X):
        """Marker (and family) counts of each text: a CSR matrix of float64, one row per text.

        Columns as :meth:`get_feature_names_out` names them.
        """
        check_is_fitted(self)
        texts = _texts(X)
        split = self._split()
        n_markers, n_families = len(self.marker_ids_), len(self.families_)
        marker_col = {mid: j for j, mid in enumerate(self.marker_ids_)}
        # With split, other-voice columns follow the own-voice ones of the same block: offset
        # n_markers for markers, n_families for families.
        family_base = n_markers * (2 if split else 1)
        family_col = {f: family_base + k for k, f in enumerate(self.families_)}
        width = family_base + n_families * (2 if split else 1)
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for text in texts:
            counts: dict[int, int] = {}
            for evidence in self._scan(text):
                other = split and evidence.borrowed
                j = marker_col[evidence.marker_id] + (n_markers if other else 0)
                counts[j] = counts.get(j, 0) + 1
                k = family_col.get(evidence.family)
                if k is not None:
                    k += n_families if other else 0
                    counts[k] = counts.get(k, 0) + 1
            for j in sorted(counts):
                indices.append(j)
                data.append(counts[j])
            indptr.append(len(indices))
        values = np.asarray(data, dtype=np.float64)
        if self.scale == "log1p":
            values = np.log1p(values)
        elif self.scale == "binary":
            values = np.ones_like(values)
        return sp.csr_matrix(
            (values, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
            shape=(len(texts), width),
        )

    def get_feature_names_out(self, input_features=None):
        """Column names: ``marker__KN101``, ..., then ``family__narrative``, ...

        With ``voice="split"``: ``marker__KN101``, ... (own voice, not rebutted), then
        ``marker_other__KN101``, ... (quoted, attributed or rebutted), then ``family__...``,
        then ``family_other__...``. ``input_features`` is accepted for the scikit-learn API and
        ignored: the input is raw text, which has no feature names.
        """
        check_is_fitted(self)
        split = self._split()
        names = [f"marker__{mid}" for mid in self.marker_ids_]
        if split:
            names += [f"marker_other__{mid}" for mid in self.marker_ids_]
        names += [f"family__{family}" for family in self.families_]
        if split:
            names += [f"family_other__{family}" for family in self.families_]
        return np.asarray(names, dtype=object)

    def evidence(self, text: str, *, published: date | None = None) -> list[Evidence]:
        """The markers found in one text, with spans and messages, by the fitted catalogue.

        The same evidence the counts of :meth:`transform` are made of, for showing next to a
        score. ``published`` is the page's date when known (see :meth:`Extractor.scan`).
        """
        check_is_fitted(self)
        if published is None:
            return list(self._scan(text))
        return self.extractor_.scan(text, published=published)

    #: Scans kept per catalogue: a batch's texts, counted, then explained one by one.
    SCANS_KEPT = 256

    def _scan(self, text: str) -> list[Evidence]:
        # Shared by every transformer with the same catalogue (the shipped models that count
        # markers have one): each text of a batch is scanned once for all of them.
        key = self.__dict__.get("_catalogue")
        if key is None:
            key = self.__dict__["_catalogue"] = tuple(self.extractor_.markers)
        scans = _SCANS.setdefault(key, {})
        found = scans.get(text)
        if found is None:
            if len(scans) >= self.SCANS_KEPT:
                scans.clear()
            found = scans[text] = self.extractor_.scan(text)
        return found


_SCANS: dict[tuple, dict[str, list[Evidence]]] = {}


def _codes(codes: Iterable[str] | str) -> tuple[str, ...]:
    """``select``/``ignore`` as a tuple; a string is a comma-separated list, as on the CLI."""
    if isinstance(codes, str):
        codes = codes.split(",")
    return tuple(c.strip() for c in codes if c.strip())


def clear_scans() -> None:
    """Forget the marker scans kept between calls (benchmarks time a cold start with it)."""
    _SCANS.clear()
