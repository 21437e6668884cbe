"""Benchmark for framing.syndication: time and memory of find_shared_passages at 1k to 100k.

Prints figures, asserts nothing. Needs the ReCOVery articles in ../shared/data (or
$FRAMING_SHARED_DATA):

    .venv/bin/python bench/bench_syndication.py            # 1k, 10k, 100k
    .venv/bin/python bench/bench_syndication.py 1000 5000  # chosen sizes

Each size runs in a fresh process, so that peak memory is that size's alone. The synthetic
corpus, from a fixed seed:

- background articles: word sequences drawn from a bigram model of the ReCOVery texts (real
  vocabulary, phrase statistics and lengths, but no article copies another), so that the index
  meets the chance overlaps of ordinary news language;
- 2% "wire" articles: real ReCOVery texts, lightly perturbed, from one agency source per
  ReCOVery publisher (texts sharing a passage with another ReCOVery text are left out, so
  that the ground truth is known);
- 3% republishing articles: background text with one to three passages of three to six
  sentences copied from an earlier wire article of another source, with small perturbations
  (curly or straight quotes, no-break spaces, a Cyrillic look-alike letter, a dropped word);
- boilerplate: five footers of about 40 words, each used by 3% of the sources (at least 15).

Reported per size: time and peak memory of find_shared_passages (peak RSS of the process during
the call, and its increase over the RSS before it, which already holds the corpus), passages
and source links found, how many of the injected republishing pairs were found (the others
are mostly copies made of quotes or shorter than 25 words once a word is dropped, which the
detector leaves out by design), and how many passages hold no 8-word run of a ReCOVery text
("chance": false passages from chance overlaps of the bigram text).
"""

from __future__ import annotations

import datetime
import json
import os
import random
import re
import resource
import subprocess
import sys
import time

import numpy as np
from _shared import shared_data

from framing.ingest import iter_articles
from framing.syndication import find_shared_passages, link_sources, normalize

SIZES = (1_000, 10_000, 100_000)
SEED = 20240601
HOMOGLYPHS = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "c": "\u0441", "p": "\u0440"}


class Bigrams:
    """A word bigram model of the ReCOVery texts (words keep their punctuation)."""

    def __init__(self, texts: list[str]) -> None:
        vocab: dict[str, int] = {}
        seqs = [[vocab.setdefault(w, len(vocab)) for w in t.split()] for t in texts]
        self.words = np.array(list(vocab), dtype=object)
        self.sentence_end = np.array([w.endswith((".", "?", "!")) for w in vocab])
        cur = np.concatenate([s[:-1] for s in seqs if len(s) > 1])
        nxt = np.concatenate([s[1:] for s in seqs if len(s) > 1])
        order = np.argsort(cur, kind="stable")
        self.next = nxt[order]
        counts = np.bincount(cur, minlength=len(vocab))
        # Words never followed by anything restart from a random word.
        self.count = np.maximum(counts, 0)
        self.offset = np.concatenate(([0], np.cumsum(counts)[:-1]))
        self.lengths = np.array([len(s) for s in seqs])

    def generate(self, rng: np.random.Generator, n: int) -> list[str]:
        lengths = np.minimum(rng.choice(self.lengths, n), 4000)
        state = rng.integers(0, len(self.words), n)
        out = np.empty((n, int(lengths.max())), dtype=np.int64)
        for step in range(out.shape[1]):
            out[:, step] = state
            count = self.count[state]
            pick = self.offset[state] + (rng.random(n) * np.maximum(count, 1)).astype(np.int64)
            state = np.where(count > 0, self.next[np.minimum(pick, len(self.next) - 1)],
                             rng.integers(0, len(self.words), n))
        texts = []
        for row, length in zip(out, lengths, strict=True):
            ids = row[:length]
            # Paragraph breaks after about one sentence end in four.
            ends = np.flatnonzero(self.sentence_end[ids] & (rng.random(len(ids)) < 0.25)) + 1
            paragraphs = np.split(ids, ends)
            texts.append("\n\n".join(" ".join(self.words[p]) for p in paragraphs if len(p)))
        return texts


def perturb(text: str, rnd: random.Random) -> str:
    """Typographic and small editorial changes a republisher makes."""
    if rnd.random() < 0.5:
        text = re.sub(r'"([^"\n]*)"', "\u201c\\1\u201d", text)
    else:
        text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
    words = text.split(" ")
    for _ in range(max(1, len(words) // 200)):
        i = rnd.randrange(len(words))
        choice = rnd.random()
        if choice < 0.4:
            words[i] = ""  # a dropped word
        elif choice < 0.7:
            words[i] = "".join(HOMOGLYPHS.get(c, c) if rnd.random() < 0.3 else c
                               for c in words[i])
        else:
            words[i] = words[i] + "\u00a0"
    return re.sub(" +", " ", " ".join(words))


def build(n: int, texts: list[tuple[str, str]]):
    """The synthetic corpus of ``n`` articles and the injected (republisher, origin) pairs.

    ``texts`` are ``(text, publisher)``; a wire article's source is its publisher's agency,
    one per publisher, so that a publisher's own page furniture (Sputnik's cookie notice) stays
    within one source as it does in real data.
    """
    rnd = random.Random(SEED)
    rng = np.random.default_rng(SEED)
    model = Bigrams([t for t, _ in texts])
    n_sources = max(20, n // 20)
    sources = [f"outlet{i:05d}.example" for i in range(n_sources)]
    footers = [" ".join(model.generate(rng, 1)[0].split()[:40]) for _ in range(5)]
    footer_of = {}
    for footer in footers:
        for s in rnd.sample(sources, max(15, n_sources * 3 // 100)):
            footer_of[s] = footer
    background = []
    docs = []
    wires: list[int] = []
    injected: set[tuple[str, str]] = set()
    start = datetime.date(2020, 1, 1)
    for i in range(n):
        if not background:
            background = model.generate(rng, 2000)
        source = rnd.choice(sources)
        published = start + datetime.timedelta(days=rnd.randrange(150))
        roll = rnd.random()
        if roll < 0.02:
            real = rnd.randrange(len(texts))
            text = perturb(texts[real][0], rnd)
            source = "wire-" + re.sub(r"[^a-z0-9]+", "-", texts[real][1].lower()) + ".example"
            wires.append(i)
        else:
            text = background.pop()
            if roll < 0.05 and wires:
                origin = rnd.choice(wires)
                if docs[origin][1] != source:
                    paragraphs = text.split("\n\n")
                    sentences = re.split(r"(?<=[.!?])\s+", docs[origin][2])
                    for _ in range(rnd.randint(1, 3)):
                        first = rnd.randrange(max(1, len(sentences) - 3))
                        piece = " ".join(sentences[first : first + rnd.randint(3, 6)])
                        paragraphs.insert(rnd.randrange(len(paragraphs) + 1), perturb(piece, rnd))
                    text = "\n\n".join(paragraphs)
                    published = docs[origin][3] + datetime.timedelta(days=rnd.randint(0, 5))
                    injected.add((f"a{i}", f"a{origin}"))
        if source in footer_of and rnd.random() < 0.8:
            text += "\n\n" + footer_of[source]
        docs.append((f"a{i}", source, text, published))
    return docs, injected


def distinct_texts(texts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``texts`` without those sharing a passage with an earlier one (ReCOVery has some: the
    same agency story at two publishers, a story embedded in every page of another), so that
    any overlap in the synthetic corpus is one the benchmark put there."""
    found = find_shared_passages(
        ((str(i), str(i), t, None) for i, (t, _) in enumerate(texts)), max_sources=len(texts)
    )
    drop = {max(int(p.article_a), int(p.article_b)) for p in found}
    return [t for i, t in enumerate(texts) if i not in drop]


def not_from_recovery(passages, texts: list[str], n: int = 8) -> int:
    """Passages with no run of ``n`` words from a ReCOVery text: chance overlaps of the bigram
    background (the real passages are injected copies, or boilerplate that wires carry)."""

    def runs(text: str) -> set[int]:
        words = normalize(text).replace("'", "").split()
        return {hash(tuple(words[i : i + n])) for i in range(len(words) - n + 1)}

    real: set[int] = set()
    for text in texts:
        real |= runs(text)
    return sum(1 for p in passages if not runs(p.text_a) & real)


def peak_rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_one(n: int) -> dict:
    data = shared_data()
    texts = [(a.text, a.source or "unknown") for a in iter_articles([str(data / "recovery")])
             if len(a.text.split()) > 50]
    texts = distinct_texts(texts)
    docs, injected = build(n, texts)
    words = sum(len(d[2].split()) for d in docs)
    before = rss_mb()
    # Reset the process's peak RSS, so that the peak read afterwards is the call's.
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    start = time.perf_counter()
    passages = find_shared_passages(docs)
    elapsed = time.perf_counter() - start
    peak = peak_rss_mb()
    found_pairs = {(p.article_a, p.article_b) for p in passages}
    found_pairs |= {(b, a) for a, b in found_pairs}
    links = link_sources(passages)
    return {
        "articles": n,
        "words": words,
        "seconds": round(elapsed, 2),
        "peak_rss_mb": round(peak),
        "rss_before_mb": round(before),
        "passages": len(passages),
        "links": len(links),
        "injected_pairs": len(injected),
        "injected_found": len(injected & found_pairs),
        "not_recovery": not_from_recovery(passages, [t for t, _ in texts]),
    }


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--one":
        print(json.dumps(run_one(int(argv[1]))))
        return
    if shared_data() is None:
        print("bench_syndication: ../shared/data not found (set FRAMING_SHARED_DATA); skipped")
        return
    sizes = [int(a) for a in argv] or list(SIZES)
    print(f"{'articles':>9} {'words':>11} {'seconds':>8} {'peak MB':>8} {'+MB':>6} "
          f"{'passages':>9} {'links':>6} {'injected found':>15} {'chance':>7}")
    previous = None
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], check=True,
                             capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        growth = ""
        if previous:
            ratio = r["seconds"] / max(previous["seconds"], 1e-9)
            growth = f"  x{ratio:.1f} time for x{n / previous['articles']:.0f} articles"
        print(f"{r['articles']:>9,} {r['words']:>11,} {r['seconds']:>8.1f} "
              f"{r['peak_rss_mb']:>8,} {r['peak_rss_mb'] - r['rss_before_mb']:>6,} "
              f"{r['passages']:>9,} {r['links']:>6,} "
              f"{r['injected_found']:>7,}/{r['injected_pairs']:<7,} {r['not_recovery']:>7,}"
              f"{growth}", flush=True)
        previous = r


if __name__ == "__main__":
    main(sys.argv[1:])
