"""Shared fixtures: the bundled seeds, a tiny trained model set, the optional ../shared/data.

Unit tests score with :func:`tiny_models` (trained once per session on :func:`tiny_corpus`,
written here), never with the shipped ``models/``: retraining those must not break a test of
the code. Only the acceptance tests of the shipped models (test_judgments, test_docs,
test_install) read ``models/``.
"""

import os
from pathlib import Path

import pytest

from framing.article import Article

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "corpus" / "seeds"


def shared_data_dir() -> Path:
    """../shared/data beside the checkout, or $FRAMING_SHARED_DATA."""
    env = os.environ.get("FRAMING_SHARED_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


def append(path: Path, text: str) -> None:
    """Append ``text`` to ``path`` as it is (no newline translation): a bad line for a test."""
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write(text)


def assert_problem(problems, path_end, line, words, severity="error"):
    """One of ``problems`` is at ``path_end``:``line`` with that severity and all ``words``."""
    matches = [
        p for p in problems
        if p.path.endswith(path_end) and p.line == line and p.severity == severity
        and all(w in p.message for w in words)
    ]
    assert matches, [str(p) for p in problems]


@pytest.fixture
def shared_data() -> Path:
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"public data sets not found at {path} (set FRAMING_SHARED_DATA)")
    return path


@pytest.fixture
def seeds() -> Path:
    return SEEDS


def seed_path(number: int) -> Path:
    (path,) = SEEDS.glob(f"{number:03d}_*.txt")
    return path


# --------------------------------------------------------------------------- tiny models

WAR = [
    "Russian forces shelled Kharkiv overnight and Ukrainian troops held the line near Bakhmut.",
    "Ukraine's army reported heavy fighting in the Donbas as Russian artillery hit Avdiivka.",
    "Drone attacks on Odesa damaged the port and grain exports from Ukraine were halted again.",
]
PRO = [
    "The special military operation liberates Donbass from the Kiev regime and its masters.",
    "The collective West keeps arming the Kiev regime, prolonging a proxy war against Russia.",
    "Denazification of Ukraine goes on, the ministry said, as the Kiev regime loses ground.",
]
CON = [
    "Russia's full-scale invasion of Ukraine entered its third year as Kyiv counted its dead.",
    "Ukrainian soldiers pushed back the invading Russian troops near Kharkiv, officials said.",
    "Kyiv said Russian forces shelled residential areas overnight, killing four civilians.",
]
OFF = [
    "The city council approved new bus lanes after a long debate about traffic and parking.",
    "Doctors urged people to wash their hands and stay at home as the flu season peaked.",
    "The football club signed a new striker for the season after a week of negotiations.",
]
SHOCK = [
    "SHOCKING: they do not want you to know this miracle cure, share before it is deleted!",
    "The mainstream media hides the truth, wake up, the elites are lying to all of you!!!",
    "You won't believe what this insider revealed, the cover-up is bigger than anyone thinks!",
]
#: Per target: the texts of label 1 and of label 0 (each article mixes two of its pool).
TINY_POOLS = {
    "war_topic": (WAR, OFF),
    "pro_kremlin_framing": (PRO, CON),
    "unreliable_source": (SHOCK, OFF),
}
TINY_SOURCES_PER_LABEL = 4
TINY_PER_SOURCE = 3


def tiny_corpus(target: str) -> list[Article]:
    """Labelled articles of ``target``: four outlets per label, three articles each.

    Every text mixes two sentences of a pool and numbers itself, so no two are the same, and a
    grouped split always has both labels on each side.
    """
    ones, zeros = TINY_POOLS[target]
    articles = []
    for label, pool, other in ((1, ones, zeros), (0, zeros, ones)):
        for s in range(TINY_SOURCES_PER_LABEL):
            for i in range(TINY_PER_SOURCE):
                # One article per label reads like the other label's: the grouped evaluation
                # then measures something short of perfect, with an interval of some width.
                mixed = other if (s, i) == (0, 0) else pool
                text = f"{mixed[i % 3]} {mixed[(i + s + 1) % 3]} Report number {s}-{i}."
                articles.append(Article(id=f"{target}-{label}-{s}-{i}", text=text,
                                        source=f"{target[:3]}{label}{s}.example",
                                        labels={target: label}))
    return articles


def tiny_contrast() -> list[Article]:
    """Written contrast articles for pro_kremlin_framing (label 0), trained on only."""
    return [Article(id=f"contrast-{i}", text=f"{CON[i]} {WAR[i]}", source="contrast.example",
                    labels={"pro_kremlin_framing": 0}) for i in range(3)]


@pytest.fixture(scope="session")
def tiny_corpus_files(tmp_path_factory) -> dict[str, Path]:
    """Corpus JSONL files: ``tiny_<target>.jsonl`` per target, and ``tiny_contrast.jsonl``."""
    from framing.corpus import write_corpus

    root = tmp_path_factory.mktemp("tiny-corpus")
    files = {}
    for name, articles in [*((t, tiny_corpus(t)) for t in TINY_POOLS),
                           ("contrast", tiny_contrast())]:
        files[name] = root / f"tiny_{name}.jsonl"
        write_corpus(articles, files[name])
    return files


@pytest.fixture(scope="session")
def tiny_corpus_file(tiny_corpus_files) -> Path:
    """The tiny pro_kremlin_framing corpus (24 articles, 8 sources) as a JSONL file."""
    return tiny_corpus_files["pro_kremlin_framing"]


@pytest.fixture(scope="session")
def tiny_models_dir(tmp_path_factory, tiny_corpus_files) -> Path:
    """A models directory like ``models/``: war_topic, pro_kremlin_framing, unreliable_source.

    pro_kremlin_framing is gated by war_topic and has a train-only file, as the shipped one.
    No marker block: compiling the catalogue at each of the many tiny fits would double the
    session's set-up time, and the tests of marker features train their own (test_scoring).
    """
    from framing.model import Dataset, FeatureConfig, save_model, train

    root = tmp_path_factory.mktemp("tiny-models")
    for target in TINY_POOLS:
        extra, extra_files = None, []
        if target == "pro_kremlin_framing":
            extra = Dataset.from_articles(tiny_contrast(), target, own_groups=True)
            extra_files = [tiny_corpus_files["contrast"]]
        model, _ = train(Dataset.from_articles(tiny_corpus(target), target),
                         config=FeatureConfig(markers=False, C=1.0), folds=2, baseline=False,
                         corpus_files=[tiny_corpus_files[target]], extra=extra,
                         extra_files=extra_files)
        if target == "pro_kremlin_framing":
            model.card["gate"] = "war_topic"
        save_model(model, root / target)
    return root


@pytest.fixture(scope="session")
def tiny_models(tiny_models_dir) -> dict:
    """The tiny models, loaded, by target."""
    from framing.model import discover_models, load_model

    return {d.name: load_model(d) for d in discover_models(tiny_models_dir)}


@pytest.fixture
def tiny_default_models(monkeypatch, tiny_models_dir) -> Path:
    """Make the tiny models the default ones ($FRAMING_MODELS) for the test."""
    from framing.model import MODELS_ENV

    monkeypatch.setenv(MODELS_ENV, str(tiny_models_dir))
    return tiny_models_dir


# --------------------------------------------------------------------------- techniques, frames

#: Paragraphs of the tiny techniques and frames models: a cue word per label.
LOADED = "What a disgraceful shameful outrage, the council met on day {k} in district {d}."
DOUBT = "Allegedly the figures were supposedly true, the council met on day {k} in district {d}."
PLAIN = "The council met on day {k} in district {d}."
TINY_TECHNIQUES = ["Loaded_Language", "Doubt", "Slogans"]
TINY_FRAMES = ["Economic", "Security_and_defense", "Health_and_safety"]
FRAME_PARAGRAPHS = {
    "Economic": "Higher taxes and rising prices squeezed household budgets and markets fell.",
    "Security_and_defense": "Troops and tanks massed near the border as the army went on alert.",
    "Health_and_safety": "Doctors at the hospital treated patients for the virus and vaccines.",
}


@pytest.fixture(scope="session")
def tiny_techniques_dir(tmp_path_factory) -> Path:
    """A techniques model directory (card kind techniques) on three labels: 'disgraceful'
    marks Loaded_Language, 'allegedly' Doubt."""
    from framing.model import save_model
    from framing.techniques import Paragraph, train

    paragraphs = []
    for a in range(12):
        for k, (template, labels) in enumerate(((LOADED, {"Loaded_Language"}),
                                                (DOUBT, {"Doubt"}), (PLAIN, set())) * 2):
            paragraphs.append(Paragraph(f"art{a}", k + 1, template.format(k=k, d=a % 4),
                                        frozenset(labels)))
    model = train(paragraphs, labels=TINY_TECHNIQUES, chars=False, C=10.0)
    directory = tmp_path_factory.mktemp("tiny-techniques") / "techniques"
    save_model(model, directory)
    return directory


@pytest.fixture(scope="session")
def tiny_frames_dir(tmp_path_factory) -> Path:
    """A frames model directory (card kind frames) on three frames, each with its own
    paragraph."""
    import sklearn

    from framing import __version__
    from framing.frames import FrameClassifier
    from framing.model import Model, save_model

    texts, sets = [], []
    for k in range(8):
        for frame, paragraph in FRAME_PARAGRAPHS.items():
            texts.append(f"Report number {k}\n\n{PLAIN.format(k=k, d=1)}\n\n{paragraph}")
            sets.append([frame])
        texts.append(f"Report number {k}\n\n{PLAIN.format(k=k, d=2)}")
        sets.append([])
    classifier = FrameClassifier(labels=TINY_FRAMES, min_df=1, inner_folds=3).fit(texts, sets)
    card = {"kind": "frames", "target": "frames",
            "versions": {"framing": __version__, "scikit-learn": sklearn.__version__}}
    directory = tmp_path_factory.mktemp("tiny-frames") / "frames"
    save_model(Model(classifier, card), directory)
    return directory


@pytest.fixture(scope="session")
def tiny_full_models_dir(tmp_path_factory, tiny_models_dir, tiny_techniques_dir,
                         tiny_frames_dir) -> Path:
    """:func:`tiny_models_dir` plus the tiny techniques and frames models, as ``models/``
    holds them once they ship (``tiny_models_dir`` itself stays without them)."""
    import shutil

    from framing.model import discover_models

    root = tmp_path_factory.mktemp("tiny-full-models")
    for directory in [*discover_models(tiny_models_dir), tiny_techniques_dir, tiny_frames_dir]:
        shutil.copytree(directory, root / directory.name)
    return root


def techniques_article(k: int = 0) -> str:
    """A war article of five paragraphs (over 50 words): line 1 loaded, line 3 doubting,
    line 5 about the army, for the tiny techniques and frames models."""
    return "\n".join([
        f"What a disgraceful shameful outrage, Russian forces shelled Kharkiv on day {k}.",
        "",
        "Allegedly the figures were supposedly true, Ukrainian troops held the line near "
        "Bakhmut as the council met.",
        "",
        f"{FRAME_PARAGRAPHS['Security_and_defense']} Ukraine's army reported heavy fighting "
        "in the Donbas as Russian artillery hit Avdiivka and drones struck Odesa again.",
    ])
