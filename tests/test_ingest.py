"""Tests for framing.ingest: formats, metadata of the seed articles, and every bad input."""

from __future__ import annotations

import datetime
import io
import itertools
import json
import os
import re
import sys
import time
from pathlib import Path

import pytest

from framing import ingest
from framing.article import Article, Problem, content_id
from framing.errors import InputError
from framing.ingest import infer_source, iter_articles, parse_authors

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "corpus" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"

GOOD_TEXT = "A good title\n\nA body paragraph that reads fine.\n"


def read(paths, **kwargs):
    """Articles and problems of one batch."""
    problems: list[Problem] = []
    articles = list(iter_articles([str(p) for p in paths], on_problem=problems.append, **kwargs))
    return articles, problems


def only(problems, severity="error"):
    assert len(problems) == 1, [str(p) for p in problems]
    assert problems[0].severity == severity
    return problems[0]


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.txt"
    path.write_text(GOOD_TEXT, encoding="utf-8")
    return path


def set_stdin(monkeypatch, data: bytes):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


# --------------------------------------------------------------------------- seeds

SEED_EXPECTED = {
    "000": dict(
        url_prefix="https://sputniknews.com/20220531/pentagon-in-contact",
        published=datetime.date(2022, 5, 31),
        title="Pentagon in Contact With Moscow to Avoid Escalation in Ukraine, "
        "Chiefs of Staff Head Milley Says",
        source="sputniknews.com",
        source_method="url",
        author=None,
    ),
    "001": dict(
        url_prefix=None,
        published=None,
        title="High-level contact between Russia and the US: the Pentagon reveals its objective",
        source=None,
        source_method=None,
        author=None,
    ),
    "002": dict(
        url_prefix=None,
        published=datetime.date(2022, 3, 24),
        title="Pentagon Confirms Austin, Milley Unable To Reach Russian Counterparts Over Past "
        "Month",
        source="urdupoint.com",
        source_method="site-name",
        author="Sumaira FH",
    ),
    "003": dict(
        url_prefix=None,
        published=None,
        title="Joint Chiefs of Staff Gen Mark Milley attempts to contact Russian counterpart "
        "following missile incident",
        source="cnn.com",
        source_method="credit",
        author=None,
    ),
    "004": dict(
        url_prefix=None,
        published=datetime.date(2024, 12, 22),
        title="US, Russian Generals Talk For 1st Time Since War Began As Ukraine Vows "
        "'We Won't Cede Territory'",
        source="zerohedge.com",
        source_method="byline",
        author=None,
    ),
}


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    problems: list[Problem] = []
    articles = list(iter_articles([str(SEEDS)], on_problem=problems.append))
    assert problems == []
    return {Path(a.path).name[:3]: a for a in articles}


@pytest.mark.parametrize("prefix", sorted(SEED_EXPECTED))
def test_seed_metadata(seeds, prefix):
    article = seeds[prefix]
    want = SEED_EXPECTED[prefix]
    if want["url_prefix"] is None:
        assert article.url is None
    else:
        assert article.url.startswith(want["url_prefix"]) and article.url.endswith(".html")
    assert article.published == want["published"]
    assert article.title == want["title"]
    assert (article.source, article.source_method) == (want["source"], want["source_method"])
    assert article.author == want["author"]
    assert article.record is None and article.location == article.path


def test_seed_text_is_the_whole_file(seeds):
    for article in seeds.values():
        assert article.text == Path(article.path).read_text(encoding="utf-8")
        assert article.id == content_id(article.text)


def test_seed_image_credit_is_not_a_source():
    # 004 names "AP/Sputnik" only as an image credit; without its house byline nothing is known.
    text = (SEEDS / next(p.name for p in SEEDS.iterdir() if p.name.startswith("004"))).read_text(
        encoding="utf-8"
    )
    assert "Image: AP/Sputnik" in text
    without_byline = text.replace("Tyler Durden", "A Writer")
    assert infer_source(None, without_byline) == (None, None)


# --------------------------------------------------------------------------- plain-text heads


def test_text_head_never_invents(tmp_path):
    one_line = tmp_path / "a.txt"
    one_line.write_text("Just one line of text\n", encoding="utf-8")
    paragraph = tmp_path / "b.txt"
    paragraph.write_text(
        "This opens the story. It has two sentences, so it is no headline.\nMore.\n",
        encoding="utf-8",
    )
    articles, problems = read([one_line, paragraph])
    assert problems == []
    for article in articles:
        assert (article.title, article.url, article.published, article.author) == (None,) * 4
        assert (article.source, article.source_method) == (None, None)


def test_text_head_headers_and_byline(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(
        "Title: Harbour news\nURL: https://www.example.co.uk/story\nBy Jane Doe\n\nBody.\n",
        encoding="utf-8",
    )
    (article,), problems = read([path])
    assert problems == []
    assert article.title == "Harbour news"
    assert article.url == "https://www.example.co.uk/story"
    assert (article.source, article.source_method) == ("example.co.uk", "url")
    assert article.author == "Jane Doe"


def test_word_after_a_time_is_not_a_time_zone(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("March 3, 2022 10:00 Putin\n\nBody.\n", encoding="utf-8")
    (article,), _ = read([path])
    assert article.title == "March 3, 2022 10:00 Putin" and article.published is None


def test_title_case_line_with_date_is_a_title_not_a_byline(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Putin Speaks Out March 3, 2022\n\nBody.\n", encoding="utf-8")
    (article,), _ = read([path])
    assert article.title == "Putin Speaks Out March 3, 2022"
    assert article.author is None and article.published is None


# --------------------------------------------------------------------------- sources


@pytest.mark.parametrize(
    ("url", "text", "expected"),
    [
        ("https://cdn.img.sputniknews.com/x.jpg", "", ("sputniknews.com", "url")),
        (None, "RT\n\nA title\n\nBody.", ("rt.com", "site-name")),
        (None, "www.ZeroHedge.com\nTitle\nBody", ("zerohedge.com", "site-name")),
        (None, "Title\n\nMOSCOW (Sputnik) - Body text.", ("sputniknews.com", "dateline")),
        (
            None,
            "Title\n\nWASHINGTON (UrduPoint News / Sputnik - 24th March, 2022) The Pentagon said.",
            ("urdupoint.com", "dateline"),
        ),
        (None, "Title\n\nKYIV, Ukraine (AP) \u2014 Body.", ("apnews.com", "dateline")),
        (None, "Title\n\nLONDON, Dec 3 (Reuters) - Body.", ("reuters.com", "dateline")),
        (None, "Title\n\nBERLIN (Berliner Bote) - Body.", ("Berliner Bote", "dateline")),
        (None, "Title\n\nBody.\n\nSource: CNN\n", ("cnn.com", "credit")),
        (None, "Title\n\nBody.\n\nSource: Kyiv Post\n", ("Kyiv Post", "credit")),
        (None, "Title\n\nBody.\n\nVia PJMedia\n", ("PJMedia", "credit")),
        (None, "Title\n\nBody.\n\nReprinted from WND.com.\n", ("wnd.com", "credit")),
        # Where a text first appeared is said in a sentence whose name cannot be cut out.
        (None, "Title\n\nBody, originally published by Tyler Durden at Zero Hedge.\n",
         (None, None)),
        (None, "Title\n\nROME, February 2, 2018 (LifeSiteNews) \u2013 Body.",
         ("LifeSiteNews", "dateline")),
        (None, "Title\n\nBody.\n\nCredit: Getty Images\n", (None, None)),
        (None, "Title\n\nBody.\n\nImage: AP/Sputnik\n", (None, None)),
        (None, "Title\n\nNATO (North Atlantic Treaty Organization) said so.", (None, None)),
        (None, "Title\n\nBody.\n\nTyler Durden Fri, 05/20/2022 - 15:20\n", ("zerohedge.com",
                                                                           "byline")),
        (None, "Title\n\nTyler Durden, the pseudonym, is a movie character.\n", (None, None)),
    ],
)
def test_infer_source(url, text, expected):
    assert infer_source(url, text) == expected


def test_source_field_is_normalised(tmp_path):
    path = tmp_path / "a.jsonl"
    rows = [
        {"text": "t1", "publisher": "Sputnik International"},
        {"text": "t2", "publisher": "Chicago Sun-Times", "url": "https://chicago.suntimes.com/a"},
        {"text": "t3", "publisher": "Drudge Report", "url": "https://www.reuters.com/a"},
        {"text": "t4", "source": "https://www.rt.com/news/1/"},
        {"text": "t5", "url": "https://news.bbc.co.uk/a"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    articles, problems = read([path])
    assert problems == []
    assert [(a.source, a.source_method) for a in articles] == [
        ("sputniknews.com", "field"),
        ("suntimes.com", "field"),
        ("drudgereport.com", "field"),  # an aggregator: the URL names someone else
        ("rt.com", "field"),
        ("bbc.co.uk", "url"),
    ]


# Outlets, domains, datelines and credit lines: tests/test_sources.py.


# --------------------------------------------------------------------------- authors

# Dates: tests/test_dates.py.


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("['Josh Margolin']", "Josh Margolin"),
        ("['A B', \"C O'D\"]", "A B, C O'D"),
        ("[\u2018Rachel Roubein']", "Rachel Roubein"),
        ("['Anna Werner']]", "Anna Werner"),
        ("[]", None),
        ("", None),
        (["A", "B"], "A, B"),
        ("Plain Name", "Plain Name"),
        (None, None),
    ],
)
def test_parse_authors(value, expected):
    assert parse_authors(value) == expected


# --------------------------------------------------------------------------- paths, stdin


def test_directories_recursive_sorted_by_extension(tmp_path):
    for rel in ["b.txt", "a/z.txt", "a/c.text", "a/sub/x.htm.txt", "c.md", ".hidden/h.txt",
                "a/.h.txt"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Title {rel}\n\nBody of {rel}.\n", encoding="utf-8")
    articles, problems = read([tmp_path])
    # Hidden files are left out silently; the others are counted in one warning.
    assert only(problems, "warning").message.startswith("1 file(s) skipped: no input format for "
                                                        "their extension (1 .md)")
    rels = [Path(a.path).relative_to(tmp_path).as_posix() for a in articles]
    assert rels == ["a/c.text", "a/sub/x.htm.txt", "a/z.txt", "b.txt"]


def test_explicit_file_with_unknown_extension_is_text(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("Title\n\nBody.\n", encoding="utf-8")
    (article,), problems = read([path])
    assert problems == [] and article.title == "Title"


def test_stdin_text(monkeypatch):
    set_stdin(monkeypatch, GOOD_TEXT.encode())
    (article,), problems = read(["-"])
    assert problems == []
    assert article.path == "-" and article.location == "-" and article.text == GOOD_TEXT
    assert article.title == "A good title"


def test_stdin_jsonl_sniffed(monkeypatch):
    set_stdin(monkeypatch, b'\n  {"text": "one"}\n{"text": "two"}\n')
    articles, problems = read(["-"])
    assert problems == []
    assert [(a.text, a.location) for a in articles] == [("one", "-#2"), ("two", "-#3")]


def test_stdin_html_sniffed(monkeypatch):
    set_stdin(monkeypatch, (FIXTURES / "article.html").read_bytes())
    (article,), problems = read(["-"])
    assert problems == [] and article.title == "Harbour Town Opens Its New Ferry Pier"


class _EndlessJsonl(io.RawIOBase):
    """A stream of records that never ends: reading it all would hang."""

    def __init__(self):
        self.count = 0
        self.pending = b""

    def readable(self):
        return True

    def readinto(self, buffer):
        while len(self.pending) < len(buffer):
            self.count += 1
            self.pending += json.dumps({"text": f"article {self.count}"}).encode() + b"\n"
        n = len(buffer)
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


def test_jsonl_is_streamed(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(_EndlessJsonl())))
    first = list(itertools.islice(iter_articles(["-"]), 3))
    assert [a.text for a in first] == ["article 1", "article 2", "article 3"]


def test_stdin_forced_csv(monkeypatch):
    set_stdin(monkeypatch, b"title,text\nT,the body\n")
    (article,), problems = read(["-"], input_format="csv")
    assert problems == [] and article.location == "-#2" and article.title == "T"


def test_single_path_and_path_objects(good):
    assert [a.path for a in iter_articles(str(good))] == [str(good)]
    assert [a.path for a in iter_articles([good])] == [str(good)]


def test_paths_are_read_in_the_order_given(tmp_path, good):
    other = tmp_path / "a_other.txt"
    other.write_text("Other\n\nBody.\n", encoding="utf-8")
    articles, _ = read([good, other])
    assert [Path(a.path).name for a in articles] == ["good.txt", "a_other.txt"]


# --------------------------------------------------------------------------- ids, locations


def test_ids_stable_and_given_ids_kept(tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text(GOOD_TEXT, encoding="utf-8")
    b.write_text(GOOD_TEXT, encoding="utf-8")
    jl = tmp_path / "c.jsonl"
    jl.write_text(
        json.dumps({"text": GOOD_TEXT}) + "\n" + json.dumps({"text": GOOD_TEXT, "id": 42}) + "\n"
        + json.dumps({"text": GOOD_TEXT, "article_id": "abc"}) + "\n",
        encoding="utf-8",
    )
    articles, problems = read([a, b, jl])
    assert problems == []
    ids = [x.id for x in articles]
    assert ids[0] == ids[1] == ids[2] == content_id(GOOD_TEXT)
    assert re.fullmatch(r"[0-9a-f]{16}", ids[0])
    assert ids[3:] == ["42", "abc"]


def test_location_and_to_dict():
    article = Article(id="x", text="t", published=datetime.date(2022, 1, 2), path="f.txt")
    assert article.location == "f.txt"
    article.record = 7
    assert article.location == "f.txt#7"
    assert Article(id="x", text="t").location == "<memory>"
    as_dict = article.to_dict()
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert as_dict["published"] == "2022-01-02" and as_dict["record"] == 7


def test_problem_str():
    assert str(Problem("f.jsonl", 7, "invalid JSON: x")) == "f.jsonl:7: invalid JSON: x"
    assert str(Problem("f.txt", None, "empty file")) == "f.txt: empty file"


# --------------------------------------------------------------------------- JSONL and CSV


def test_jsonl_fields_labels_and_meta(tmp_path):
    path = tmp_path / "a.ndjson"
    record = {
        "maintext": "Body.",
        "headline": "Head",
        "link": "https://www.example.com/a",
        "date": "2022-05-31T08:17+0000",
        "authors": ["A", "B"],
        "news_id": 3,
        "labels": {"narratives": ["URW: Praise of Russia"], "nested": {"k": [1, 2]}},
        "lang": "en",
        "extra": {"x": 1},
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (article,), problems = read([path])
    assert problems == []
    assert article.text == "Body." and article.title == "Head"
    assert article.url == "https://www.example.com/a"
    assert article.published == datetime.date(2022, 5, 31)
    assert article.author == "A, B" and article.id == "3"
    assert article.labels == record["labels"]
    assert article.meta == {"lang": "en", "extra": {"x": 1}}
    assert (article.source, article.source_method) == ("example.com", "url")
    assert article.location == f"{path}#1"


def test_unparseable_date_is_kept_in_meta(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": "t", "date": "sometime"}) + "\n", encoding="utf-8")
    (article,), _ = read([path])
    assert article.published is None and article.meta == {"date": "sometime"}


def test_columns_mapping_overrides_aliases(tmp_path):
    csv_path = tmp_path / "a.csv"
    csv_path.write_text(
        "text,body_text,publisher,outlet\nnot this,the body,Nope,CNN\n", encoding="utf-8"
    )
    jsonl_path = tmp_path / "b.jsonl"
    jsonl_path.write_text(
        json.dumps({"text": "not this", "body_text": "the body", "outlet": "CNN"}) + "\n",
        encoding="utf-8",
    )
    columns = {"text": "body_text", "source": "outlet"}
    articles, problems = read([csv_path, jsonl_path], columns=columns)
    assert problems == []
    for article in articles:
        assert article.text == "the body"
        assert (article.source, article.source_method) == ("cnn.com", "field")
        assert article.meta["text"] == "not this"


def test_csv_mapped_text_column_missing(tmp_path, good):
    path = tmp_path / "a.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    articles, problems = read([path, good], columns={"text": "body"})
    assert "column 'body' for text not found (columns: a, b)" in str(only(problems))
    assert [a.path for a in articles] == [str(good)]


def test_csv_rows_record_their_starting_line(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(
        b'\xef\xbb\xbf,news_id,body_text,author\r\n0,0,"one\r\ntwo",[\'X Y\']\r\n\r\n'
        b'1,1,three,"[\'A\', \'B\']"\r\n'
    )
    articles, problems = read([path])
    assert problems == []
    assert [(a.record, a.id, a.text, a.author) for a in articles] == [
        (2, "0", "one\r\ntwo", "X Y"),
        (5, "1", "three", "A, B"),
    ]
    assert all("" not in a.meta and "news_id" not in a.meta for a in articles)


def test_csv_long_field(tmp_path):
    body = "word " * 100_000  # beyond the csv module's default field size limit of 128 KiB
    path = tmp_path / "a.csv"
    path.write_text(f'title,text\nT,"{body}"\n', encoding="utf-8")
    (article,), problems = read([path])
    assert problems == [] and article.text == body


# --------------------------------------------------------------------------- HTML


def test_html_fixture():
    (article,), problems = read([FIXTURES / "article.html"])
    assert problems == []
    assert article.title == "Harbour Town Opens Its New Ferry Pier"
    assert article.url == "https://news.example-gazette.co.uk/2023/04/harbour-pier"
    assert (article.source, article.source_method) == ("example-gazette.co.uk", "url")
    assert article.published == datetime.date(2023, 4, 18)
    assert article.author == "Jane Fixture"
    assert "the first boat left on time" in article.text
    assert "<p>" not in article.text and "Sport" not in article.text
    assert article.meta.get("sitename") == "Example Gazette"


def test_html_site_name_without_url(tmp_path):
    html = (FIXTURES / "article.html").read_text(encoding="utf-8")
    html = "\n".join(line for line in html.splitlines() if "example-gazette.co.uk" not in line)
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    (article,), problems = read([path])
    assert problems == []
    assert article.url is None
    assert (article.source, article.source_method) == ("Example Gazette", "site-name")


def _page_without_url(tmp_path, site: str, name: str = "page.html") -> Path:
    """The fixture page with no URL anywhere and ``site`` as its og:site_name."""
    html = (FIXTURES / "article.html").read_text(encoding="utf-8")
    html = "\n".join(line for line in html.splitlines() if "example-gazette.co.uk" not in line)
    html = html.replace('content="Example Gazette"', f'content="{site}"')
    html = html.replace(" | Example Gazette</title>", "</title>")
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return path


@pytest.mark.parametrize("site, want", [
    ("PBS NewsHour", ("pbs.org", "site-name")),  # a known outlet: one key, its domain
    ("Rolling Stone", ("rollingstone.com", "site-name")),
    ("Example Herald", ("Example Herald", "site-name")),  # unknown: the name as it is
    # Template filler, not a name: no source rather than a wrong one.
    ("Copyright (c) 2001-2009", (None, None)),
    ("Jan", (None, None)),
    ("Harbour Town Opens Its New Ferry Pier", (None, None)),  # the headline itself
])
def test_html_site_name_used_only_when_plausible(tmp_path, site, want):
    (article,), problems = read([_page_without_url(tmp_path, site)])
    assert problems == [] and article.url is None
    assert (article.source, article.source_method) == want


def test_html_url_wins_over_the_site_name(tmp_path):
    html = (FIXTURES / "article.html").read_text(encoding="utf-8")
    path = tmp_path / "page.html"
    path.write_text(html.replace('content="Example Gazette"', 'content="PBS NewsHour"'),
                    encoding="utf-8")
    (article,), _ = read([path])
    assert (article.source, article.source_method) == ("example-gazette.co.uk", "url")


def test_html_url_from_a_saved_from_note():
    (article,), problems = read([FIXTURES / "saved-from.html"])
    assert problems == []
    assert article.url == "https://www.example-courier.org/2024/02/bridge-repair"
    assert (article.source, article.source_method) == ("example-courier.org", "url")


@pytest.mark.parametrize("tag", [
    '<link rel="canonical" href="https://www.example-herald.net/a?x=1&amp;y=2">',
    '<meta property="og:url" content="https://www.example-herald.net/a?x=1&amp;y=2">',
])
def test_html_url_from_a_canonical_link_or_og_url_in_the_body(tmp_path, tag):
    html = (FIXTURES / "saved-from.html").read_text(encoding="utf-8")
    html = html.replace("<!-- saved from", "<!-- note").replace("<article>", f"{tag}\n<article>")
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    (article,), problems = read([path])
    assert problems == []
    assert article.url == "https://www.example-herald.net/a?x=1&y=2"
    assert article.source == "example-herald.net"


def test_html_page_url_fallbacks():
    # The page's own statement comes before the note of where it was saved from; relative and
    # non-web addresses are no URL.
    page = ('<!-- saved from url=(0018)https://saved.org/ --><html><body>'
            '<link rel="canonical" href="/relative"><meta name="og:url" content="https://own.org/x">')
    assert ingest._page_url(page) == "https://own.org/x"
    assert ingest._page_url(page.replace("og:url", "x")) == "https://saved.org/"
    assert ingest._page_url(page.replace("og:url", "x"), "https://mht.org/y") == "https://mht.org/y"
    assert ingest._page_url("<!-- saved from url=(0014)about:internet --><html>") is None


# --------------------------------------------------------------------------- MHTML


@pytest.mark.parametrize("name, url", [
    # Chrome: quoted-printable UTF-8 with a BOM, the address in Snapshot-Content-Location.
    ("saved-page.mhtml", "https://www.example-tribune.com/city/night-market"),
    # Internet Explorer: base64 Windows-1252, the address in the part's Content-Location.
    ("saved-page-ie.mht", "http://news.example-tribune.com/city/night-market.aspx"),
])
def test_mhtml_archive_is_read_as_its_page(name, url):
    (article,), problems = read([FIXTURES / name])
    assert problems == []
    assert article.title == "Night Market Returns to the Old Square"
    assert article.url == url
    assert (article.source, article.source_method) == ("example-tribune.com", "url")
    assert "caf\u00e9 cr\u00e8me" in article.text
    assert "Weather" not in article.text and "font-family" not in article.text
    assert article.language == "en"


@pytest.mark.parametrize("name", ["saved", "saved.php", "saved.html"])
def test_mhtml_is_recognised_without_its_extension(tmp_path, name):
    path = tmp_path / name
    path.write_bytes((FIXTURES / "saved-page.mhtml").read_bytes())
    (article,), problems = read([path])
    assert problems == [] and article.url == "https://www.example-tribune.com/city/night-market"


def test_stdin_mhtml_sniffed(monkeypatch):
    set_stdin(monkeypatch, (FIXTURES / "saved-page-ie.mht").read_bytes())
    (article,), problems = read(["-"])
    assert problems == [] and article.source == "example-tribune.com"


def test_mhtml_in_a_directory(tmp_path, good):
    (tmp_path / "page.mht").write_bytes((FIXTURES / "saved-page-ie.mht").read_bytes())
    articles, problems = read([tmp_path])
    assert problems == [] and len(articles) == 2


@pytest.mark.parametrize("body, message", [
    (b"--B\r\nContent-Type: image/gif\r\nContent-Transfer-Encoding: base64\r\n\r\n"
     b"R0lGODlhAQABAAAAACw=\r\n--B--\r\n", "MHTML archive holds no text/html part; skipped"),
    (b"--B\r\nContent-Type: text/html\r\n\r\n  \r\n--B--\r\n",
     "MHTML archive holds an empty HTML page; skipped"),
])
def test_mhtml_without_a_page_is_one_problem(tmp_path, good, body, message):
    bad = tmp_path / "bad.mhtml"
    bad.write_bytes(b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"B\"\r\n"
                    b"\r\n" + body)
    articles, problems = read([bad, good])
    assert str(only(problems)) == f"{bad}: {message}"
    assert [a.path for a in articles] == [str(good)]


def test_text_that_quotes_mail_headers_is_not_mhtml(tmp_path):
    path = tmp_path / "note"
    path.write_text("From: a reader\nSubject: letters\n\nContent-Type: multipart/related\n"
                    "is what the archive said.\n", encoding="utf-8")
    (article,), problems = read([path])
    assert problems == [] and article.text.startswith("From: a reader")


# --------------------------------------------------------------------------- bad inputs
# Each bad input gives one problem naming the file (and line), and the batch goes on.


@pytest.mark.parametrize("content", [b"[]", b" [ ]\n"])
def test_empty_json_array_is_one_problem(tmp_path, good, content):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    articles, problems = read([bad, good])
    assert str(only(problems)) == f"{bad}: empty JSON array: no article"
    assert [a.path for a in articles] == [str(good)]
    # Alone it is a reported problem, not "no input file found".
    articles, problems = read([bad])
    assert articles == [] and len(problems) == 1


@pytest.mark.parametrize("content", [b"", b"  \n\n\t \n"])
@pytest.mark.parametrize("name", ["bad.txt", "bad.jsonl", "bad.csv", "bad.html", "bad.json"])
def test_empty_file(tmp_path, good, name, content):
    bad = tmp_path / name
    bad.write_bytes(content)
    articles, problems = read([bad, good])
    assert str(only(problems)) == f"{bad}: empty file"
    assert [a.path for a in articles] == [str(good)]


@pytest.mark.parametrize("name", ["bad.txt", "bad.jsonl", "bad.csv", "bad.html", "bad.json",
                                  "bad.bin"])
def test_binary_file(tmp_path, good, name):
    bad = tmp_path / name
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)))
    articles, problems = read([bad, good])
    assert str(only(problems)) == f"{bad}: binary file (NUL byte at offset 8), skipped"
    assert [a.path for a in articles] == [str(good)]


def test_invalid_utf8_text_falls_back_to_cp1252(tmp_path, good):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Title\n\nThe caf\xe9 opened.\n")
    articles, problems = read([bad, good])
    problem = only(problems, "warning")
    assert str(problem) == f"{bad}:3: invalid UTF-8 (byte 0xe9); decoded as cp1252"
    assert articles[0].text == "Title\n\nThe café opened.\n"
    assert [a.path for a in articles] == [str(bad), str(good)]


def test_utf8_bom_is_stripped_silently(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_TEXT.encode())
    jl = tmp_path / "b.jsonl"
    jl.write_bytes(b'\xef\xbb\xbf{"text": "t"}\n')
    articles, problems = read([path, jl])
    assert problems == []
    assert articles[0].text == GOOD_TEXT and articles[0].title == "A good title"
    assert articles[1].text == "t"


def test_invalid_utf8_jsonl_line(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"text": "one"}\n{"text": "caf\xe9"}\n{"text": "three"}\n')
    articles, problems = read([path])
    warning = only(problems, "warning")
    assert str(warning) == f"{path}:2: invalid UTF-8 (byte 0xe9); decoded as cp1252"
    assert [a.text for a in articles] == ["one", "café", "three"]


def test_invalid_utf8_csv_warns_once(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"title,text\nA,caf\xe9\nB,ok\nC,na\xefve\n")
    articles, problems = read([path])
    warning = only(problems, "warning")
    assert str(warning) == f"{path}:2: invalid UTF-8 (byte 0xe9); decoded as cp1252"
    assert [a.text for a in articles] == ["café", "ok", "naïve"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"text": "x", bad}', "invalid JSON: Expecting property name enclosed in double quotes"),
        ("[1, 2]", "expected a JSON object, got an array"),
        ('"just a string"', "expected a JSON object, got a string"),
        ('{"title": "no text"}', "no text field (keys: title); map one as text=NAME"),
        ('{"text": "   "}', "empty text (field 'text')"),
        ('{"text": null}', "empty text (field 'text')"),
        ('{"text": 5}', "text field 'text' is a number, not a string"),
    ],
)
def test_bad_jsonl_record(tmp_path, line, message):
    path = tmp_path / "a.jsonl"
    path.write_text(f'{{"text": "one"}}\n\n{line}\n{{"text": "four"}}\n', encoding="utf-8")
    articles, problems = read([path])
    problem = only(problems)
    assert problem.line == 3 and str(problem).startswith(f"{path}:3: {message}")
    assert [(a.text, a.record) for a in articles] == [("one", 1), ("four", 4)]


def test_csv_without_text_column(tmp_path, good):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    articles, problems = read([bad, good])
    assert str(only(problems)) == (
        f"{bad}:1: no text column (columns: a, b, c); map one as text=NAME"
    )
    assert [a.path for a in articles] == [str(good)]


def test_csv_empty_text_row(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('id,text\n1,"multi\nline"\n2,\n3,fine\n', encoding="utf-8")
    articles, problems = read([path])
    assert str(only(problems)) == f"{path}:4: empty text (column 'text')"
    assert [(a.id, a.record) for a in articles] == [("1", 2), ("3", 5)]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ('2,"bad"x', "malformed CSV row: ',' expected after '\"'"),
        ("2,a,b", "row has 3 fields but the header has 2; skipped"),
    ],
)
def test_csv_malformed_row(tmp_path, row, message):
    path = tmp_path / "a.csv"
    path.write_text(f"id,text\n1,one\n{row}\n3,three\n", encoding="utf-8")
    articles, problems = read([path])
    assert str(only(problems)) == f"{path}:3: {message}"
    assert [a.text for a in articles] == ["one", "three"]


def test_csv_unterminated_quote(tmp_path, good):
    path = tmp_path / "a.csv"
    path.write_text('id,text\n1,one\n2,"never closed\n3,three\n', encoding="utf-8")
    articles, problems = read([path, good])
    assert str(only(problems)) == (
        f"{path}:3: malformed CSV row: unexpected end of data (row runs to line 4)"
    )
    assert [a.text for a in articles] == ["one", GOOD_TEXT]


def test_missing_path(tmp_path, good):
    missing = tmp_path / "nope.txt"
    articles, problems = read([missing, good])
    assert str(only(problems)) == f"{missing}: cannot read: No such file or directory"
    assert [a.path for a in articles] == [str(good)]


def test_permission_denied(tmp_path, good, monkeypatch):
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD_TEXT, encoding="utf-8")

    def fake_open(path, *args, **kwargs):
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return open(path, *args, **kwargs)

    # Root ignores file modes, so the refusal is simulated where ingest opens files.
    monkeypatch.setattr(ingest, "open", fake_open, raising=False)
    articles, problems = read([locked, good])
    assert str(only(problems)) == f"{locked}: cannot read: Permission denied"
    assert [a.path for a in articles] == [str(good)]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads anything")
def test_permission_denied_for_real(tmp_path, good):
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD_TEXT, encoding="utf-8")
    locked.chmod(0)
    articles, problems = read([locked, good])
    assert "cannot read: Permission denied" in str(only(problems))
    assert [a.path for a in articles] == [str(good)]


def test_html_without_text(tmp_path, good):
    bad = tmp_path / "bad.html"
    bad.write_text("<html><head><title>x</title></head><body><script>var a = 1;</script>"
                   "</body></html>", encoding="utf-8")
    articles, problems = read([bad, good])
    assert str(only(problems)) == f"{bad}: no text extracted from HTML"
    assert [a.path for a in articles] == [str(good)]


# --------------------------------------------------------------------------- strict mode, usage


def test_strict_raises_with_file_and_line(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "one"}\n{oops\n{"text": "three"}\n', encoding="utf-8")
    produced = []
    with pytest.raises(InputError, match=rf"^{path}:2: invalid JSON"):
        for article in iter_articles([str(path)], strict=True):
            produced.append(article.text)
    assert produced == ["one"]


def test_strict_raises_on_warnings_too(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"caf\xe9\n")
    with pytest.raises(InputError, match=r":1: invalid UTF-8"):
        list(iter_articles([str(path)], strict=True))


def test_without_callback_problems_are_dropped(tmp_path, good):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    assert [a.path for a in iter_articles([str(bad), str(good)])] == [str(good)]


def test_usage_errors_raise_at_once():
    with pytest.raises(InputError, match="unknown input format 'xml'"):
        iter_articles(["x"], input_format="xml")
    with pytest.raises(InputError, match="unknown field 'body'"):
        iter_articles(["x"], columns={"body": "text"})


def test_forced_format(tmp_path):
    path = tmp_path / "records.txt"
    path.write_text('{"text": "one"}\n', encoding="utf-8")
    (article,), problems = read([path], input_format="jsonl")
    assert problems == [] and article.text == "one" and article.record == 1


# --------------------------------------------------------------------------- ReCOVery


def test_recovery_csv_files_load_without_options(shared_data):
    recovery = shared_data / "recovery"
    files = sorted(recovery.glob("*/*.csv"))
    start = time.perf_counter()
    articles, problems = read([recovery])
    elapsed = time.perf_counter() - start
    print(f"read {len(articles)} ReCOVery articles from {len(files)} files in {elapsed:.2f} s")
    assert problems == []
    assert len(articles) > 1000
    assert {a.path for a in articles} == {str(f) for f in files}
    for article in articles:
        assert article.text.strip() and article.id and article.record >= 2
        assert article.source and article.source_method == "field"
        assert article.meta.get("reliability") in {"0", "1"}
        assert "" not in article.meta and "body_text" not in article.meta
        if article.author:
            assert not article.author.startswith("[") and not article.author.endswith("]")
    dated = sum(a.published is not None for a in articles)
    assert dated > 0.95 * len(articles)
    # Publisher names become registered domains where the article URLs confirm them.
    assert sum("." in a.source for a in articles) > 0.8 * len(articles)


# --------------------------------------------------------------------------- byte ranges, sizes


def _jsonl_with_problems(path):
    with open(path, "w", encoding="utf-8") as f:
        for i in range(60):
            f.write(json.dumps({"id": str(i), "text": "word " * (i % 7 + 1)}) + "\n")
            if i % 13 == 0:
                f.write("\n")
            if i == 40:
                f.write("{broken\n")
        f.write(json.dumps({"id": "last", "text": "no newline at the end"}))


@pytest.mark.parametrize("block", [1, 10, 77, 500, 10**6])
def test_jsonl_ranges_read_back_as_the_whole_file(tmp_path, block):
    path = tmp_path / "a.jsonl"
    _jsonl_with_problems(path)
    whole_problems, range_problems = [], []
    whole = [(a.id, a.record) for a in iter_articles([path], on_problem=whole_problems.append)]
    ranges = list(ingest.jsonl_ranges(str(path), block))
    assert ranges[0][:2] == (0, ranges[0][1]) and ranges[-1][1] == path.stat().st_size
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    parts = [(a.id, a.record) for r in ranges
             for a in ingest.iter_jsonl_range(path, *r, on_problem=range_problems.append)]
    assert parts == whole
    assert range_problems == whole_problems
    assert [p.line for p in whole_problems] == [46]  # real line numbers, not per range
    if block >= 500:
        assert len(ranges) < 10


def test_jsonl_range_with_binary_data_is_reported_and_skipped(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"text": "fine"}\n\x00\x01garbage\n')
    problems = []
    ranges = list(ingest.jsonl_ranges(str(path), 5))
    found = [a.text for r in ranges
             for a in ingest.iter_jsonl_range(path, *r, on_problem=problems.append)]
    assert found == ["fine"]
    assert len(problems) == 1 and "NUL byte" in problems[0].message and problems[0].line == 2


def test_on_bytes_counts_every_input_byte(tmp_path):
    (tmp_path / "d").mkdir()
    _jsonl_with_problems(tmp_path / "d" / "a.jsonl")
    (tmp_path / "d" / "b.txt").write_text("A plain article.\n", encoding="utf-8")
    (tmp_path / "d" / "c.csv").write_text("text\nOne row.\n", encoding="utf-8")
    (tmp_path / "d" / "skipped.bin").write_bytes(b"\0" * 10)
    seen = []
    list(iter_articles([tmp_path / "d"], on_bytes=seen.append, on_problem=lambda p: None))
    size = ingest.input_size([tmp_path / "d"])
    assert sum(seen) == size == sum(
        (tmp_path / "d" / n).stat().st_size for n in ("a.jsonl", "b.txt", "c.csv"))
    assert ingest.input_size(["-"]) is None
    assert ingest.input_size([tmp_path / "missing.txt"]) == 0


# --------------------------------------------------------------------------- declared language

_LANG_BODY = (
    "<body><article><h1>Ein Titel</h1><p>Der Stadtrat hat am Montag beschlossen, dass die neue "
    "Brücke im kommenden Jahr gebaut wird. Die Bürger sind damit nicht alle zufrieden, aber "
    "die Mehrheit war dafür.</p></article></body></html>"
)


@pytest.mark.parametrize(
    ("head", "want"),
    [
        ('<html lang="de-DE"><head><title>T</title></head>', "de"),
        ("<html class='x' lang=EN_gb><head><title>T</title></head>", "en"),
        ('<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="fr"><head></head>', "fr"),
        ('<html><head><meta http-equiv="Content-Language" content="nl-BE"></head>', "nl"),
        ('<html><head><meta property="og:locale" content="pt_BR" /></head>', "pt"),
        ('<html lang="und"><head><meta property="og:locale" content="de_AT"></head>', "de"),
        ('<html lang=""><head><title>T</title></head>', None),
        ("<html><head><title>T</title></head>", None),
    ],
)
def test_html_declared_language(tmp_path, head, want):
    path = tmp_path / "page.html"
    path.write_text("<!doctype html>" + head + _LANG_BODY, encoding="utf-8")
    (article,), problems = read([path])
    assert not problems
    assert article.language == want


@pytest.mark.parametrize(
    ("value", "want"),
    [("en-GB", "en"), ("DE", "de"), ("pt_BR", "pt"), ("und", None), ("", None), ("12", None)],
)
def test_normalize_language(value, want):
    assert ingest.normalize_language(value) == want


def test_record_language_field(tmp_path):
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(
        json.dumps({"text": "Bonjour à tous.", "language": "fr-FR"}) + "\n"
        + json.dumps({"text": "Hello.", "lang": "en"}) + "\n"
        + json.dumps({"text": "Nothing declared."}) + "\n"
        + json.dumps({"text": "Bad value.", "language": 3}) + "\n",
        encoding="utf-8",
    )
    csv_path = tmp_path / "a.csv"
    csv_path.write_text("body_text,lang\nHallo zusammen.,de\nNo language.,\n", encoding="utf-8")
    articles, problems = read([jsonl, csv_path])
    assert not problems
    assert [a.language for a in articles] == ["fr", "en", None, None, "de", None]
    # The field stays in meta, as every field that is not an article field does.
    assert articles[0].meta == {"language": "fr-FR"}


def test_text_files_declare_no_language(good):
    (article,), _ = read([good])
    assert article.language is None


# --------------------------------------------------------------------------- only the bad record


def test_nul_byte_in_jsonl_drops_only_its_record(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"text": "one"}\n{"text": "t\x00wo"}\n{"text": "three"}\n')
    articles, problems = read([path])
    assert [a.text for a in articles] == ["one", "three"]
    assert str(only(problems)) == f"{path}:2: NUL byte (binary data) at column 12; record skipped"


def test_nul_byte_in_csv_drops_only_its_row(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b'title,text\nA,one\nB,"two\nlines\x00"\nC,three\n')
    articles, problems = read([path])
    assert [a.text for a in articles] == ["one", "three"]
    assert str(only(problems)) == f"{path}:3: NUL byte (binary data) at line 4; row skipped"
    assert [a.record for a in articles] == [2, 5]


def test_nul_byte_in_csv_header_skips_the_file(tmp_path, good):
    path = tmp_path / "a.csv"
    path.write_bytes(b"title,te\x00xt\nA,one\nB,two\nC,three\n")
    articles, problems = read([path, good])
    assert [a.path for a in articles] == [str(good)]
    message = "NUL byte (binary data) in the CSV header; file skipped"
    assert str(only(problems)) == f"{path}:1: {message}"


def test_nul_padding_at_the_end_of_a_jsonl_file(tmp_path):
    # A crash can leave a file's tail zero-filled: the records before it are kept.
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"text": "one"}\n{"text": "two"}\n' + b"\0" * 4000)
    articles, problems = read([path])
    assert [a.text for a in articles] == ["one", "two"]
    assert only(problems).line == 3


@pytest.mark.parametrize("name", ["bad.txt", "bad.html"])
def test_nul_byte_still_refuses_one_article_files(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"Title\n\nBody with a \x00 in it.\n")
    articles, problems = read([path])
    assert articles == [] and "binary file" in only(problems).message


def test_mostly_valid_utf8_stays_utf8_with_replacements(tmp_path, good):
    text = "Déjà vu\n\nLe café où naïve Zoë a lu «Noël»; il a dû fermer.\n"
    raw = text.encode("utf-8").replace(b" il a", b" il\x92 a")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(raw)
    articles, problems = read([bad, good])
    warning = only(problems, "warning")
    assert str(warning) == (f"{bad}:3: invalid UTF-8: 1 byte sequence(s) replaced with U+FFFD, "
                            "the first (byte 0x92) at line 3")
    assert articles[0].text == text.replace(" il a", " il\ufffd a")
    assert articles[0].title == "Déjà vu"
    # The same in a JSONL record, and with two bad bytes: counted.
    jl = tmp_path / "a.jsonl"
    jl.write_bytes(b'{"text": "ok"}\n' + json.dumps({"text": text}, ensure_ascii=False)
                   .encode().replace(b"caf", b"\xffcaf").replace(b"Zo", b"\xfeZo") + b"\n")
    articles, problems = read([jl])
    assert articles[1].text.startswith("Déjà vu\n\nLe \ufffdcafé")
    assert "2 byte sequence(s)" in only(problems, "warning").message
    assert problems[0].line == 2


RUSSIAN = ("Министр иностранных дел заявил сегодня журналистам в Москве, что переговоры с соседними"
           " странами продолжатся на следующей неделе. По его словам,"
           " обе стороны готовы к диалогу.")


def _russian_page(meta: str = "", padding: int = 0) -> str:
    # ``padding`` pushes the meta tag past the first kilobytes of the head.
    style = "<style>" + "p { margin: 0 }\n" * padding + "</style>"
    return (f"<!DOCTYPE html><html lang=\"ru\"><head>{style}{meta}<title>Переговоры</title>"
            f"</head><body><article><h1>Переговоры</h1><p>{RUSSIAN}</p><p>{RUSSIAN}</p>"
            "</article></body></html>")


@pytest.mark.parametrize("codec", ["windows-1251", "koi8-r"])
@pytest.mark.parametrize(
    "meta",
    ["", '<meta charset="{codec}">',
     '<meta http-equiv="Content-Type" content="text/html; charset={codec}">'],
)
@pytest.mark.parametrize("padding", [0, 1000])
def test_html_charset_declared_or_detected(tmp_path, codec, meta, padding):
    path = tmp_path / "page.html"
    path.write_bytes(_russian_page(meta.format(codec=codec), padding).encode(codec))
    (article,), problems = read([path])
    assert RUSSIAN in article.text
    assert article.title == "Переговоры"
    if meta:
        assert problems == []
    else:  # detected: said so
        assert "decoded as" in only(problems, "warning").message


def test_html_charset_from_the_xml_declaration(tmp_path):
    page = '<?xml version="1.0" encoding="koi8-r"?>\n' + _russian_page()
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("koi8-r"))
    (article,), problems = read([path])
    assert problems == [] and RUSSIAN in article.text


def test_html_valid_utf8_wins_over_a_stale_declaration(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(_russian_page('<meta charset="windows-1251">').encode("utf-8"))
    (article,), problems = read([path])
    assert problems == [] and RUSSIAN in article.text


@pytest.mark.parametrize("name", ["page.php", "page.aspx", "page.shtml", "page.xhtml", "page"])
def test_saved_pages_without_an_html_extension_are_sniffed(tmp_path, name):
    html = (FIXTURES / "article.html").read_text(encoding="utf-8")
    if name.endswith(".xhtml"):
        html = '<?xml version="1.0" encoding="utf-8"?>\n' + html
    path = tmp_path / name
    path.write_text("<!-- saved from url=(0042)https://example.org/ -->\n" + html,
                    encoding="utf-8")
    (article,), problems = read([path])
    assert problems == [] and article.title == "Harbour Town Opens Its New Ferry Pier"
    assert "<p>" not in article.text


@pytest.mark.parametrize("name", ["notes.php", "NOTES"])
def test_sniffed_files_that_are_not_pages_are_text(tmp_path, name):
    path = tmp_path / name
    path.write_text(GOOD_TEXT, encoding="utf-8")
    (article,), problems = read([path])
    assert problems == [] and article.text == GOOD_TEXT and article.title == "A good title"


def test_directories_take_saved_pages_but_not_files_without_extension(tmp_path):
    html = (FIXTURES / "article.html").read_bytes()
    (tmp_path / "a.php").write_bytes(html)
    (tmp_path / "README").write_text(GOOD_TEXT, encoding="utf-8")
    (article,), problems = read([tmp_path])
    assert "(1 without extension)" in only(problems, "warning").message
    assert article.path == str(tmp_path / "a.php")
    assert ingest.input_files([str(tmp_path)]) == [(str(tmp_path / "a.php"), "html")]


def test_stdin_html_after_a_leading_comment_is_sniffed(monkeypatch):
    page = b"\n<!-- saved\n by a crawler -->\n" + (FIXTURES / "article.html").read_bytes()
    set_stdin(monkeypatch, page)
    (article,), problems = read(["-"])
    assert problems == [] and article.title == "Harbour Town Opens Its New Ferry Pier"


def test_json_array_of_articles(tmp_path, good):
    path = tmp_path / "a.json"
    path.write_text('[\n  {"title": "One", "text": "first"},\n  "oops",\n'
                    '  {"title": "Three",\n   "body": "third", "url": "https://example.org/x"}\n]\n',
                    encoding="utf-8")
    articles, problems = read([path, good])
    assert [(a.title, a.text, a.record) for a in articles[:2]] == [
        ("One", "first", 2), ("Three", "third", 4)]
    assert articles[1].source == "example.org" and articles[2].path == str(good)
    assert str(only(problems)) == f"{path}:3: expected a JSON object, got a string"


def test_json_object_of_articles(tmp_path):
    keyed = tmp_path / "keyed.json"
    keyed.write_text(json.dumps({"a1": {"text": "first"}, "a2": {"id": "x", "text": "second"}},
                                indent=1), encoding="utf-8")
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"status": "ok", "count": 2,
                                   "articles": [{"text": "third"}, {"content": "fourth"}]},
                                  indent=1), encoding="utf-8")
    single = tmp_path / "single.json"
    single.write_text(json.dumps({"headline": "Alone", "text": "fifth"}), encoding="utf-8")
    articles, problems = read([keyed, wrapped, single])
    assert problems == []
    assert [(a.id, a.text) for a in articles[:2]] == [("a1", "first"), ("x", "second")]
    assert [a.text for a in articles[2:]] == ["third", "fourth", "fifth"]
    assert [a.record for a in articles] == [2, 5, 5, 8, None]
    assert articles[4].title == "Alone" and articles[4].location == str(single)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"a": 1, "b": "x"}', "no article objects in this JSON object (keys: a, b)"),
        ('"just a string"', "expected a JSON array or object, got a string"),
        ('[{"text": "x"},\n {"text": }]', "Expecting value (column 11); file skipped"),
    ],
)
def test_bad_json_file(tmp_path, content, message):
    path = tmp_path / "a.json"
    path.write_text(content, encoding="utf-8")
    articles, problems = read([path])
    assert articles == [] and message in only(problems).message


def test_directory_reports_skipped_files_once(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ["a.md", "sub/b.md", "c.pdf", "LICENSE", ".DS_Store"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (article,), problems = read([tmp_path])
    assert str(only(problems, "warning")) == (
        f"{tmp_path}: 4 file(s) skipped: no input format for their extension (2 .md, 1 .pdf, "
        "1 without extension); name a file explicitly to read it as text")
    # Not a fault in what was read: strict mode passes it on instead of stopping.
    strict = []
    assert len(list(iter_articles([tmp_path], strict=True, on_problem=strict.append))) == 1
    assert strict == problems


def test_directory_skips_the_resource_folder_of_a_saved_page(tmp_path):
    # A "complete" save: the page, and beside it a folder of its scripts, styles, images and
    # frames, whose HTML (ads, widgets) is no article.
    page = (FIXTURES / "article.html").read_bytes()
    (tmp_path / "Harbour Pier.html").write_bytes(page)
    (tmp_path / "old.htm").write_bytes(page)
    for rel in ["Harbour Pier_files/app.js", "Harbour Pier_files/site.css",
                "Harbour Pier_files/frame.html", "Harbour Pier_files/sub/ad.htm",
                "old-Dateien/logo.png", "old-Dateien/.hidden.txt"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("<html><body><p>An advert that must not be read.</p></body></html>",
                        encoding="utf-8")
    # Ends like one but has no page beside it: a user's folder, read.
    (tmp_path / "election_files").mkdir()
    (tmp_path / "election_files" / "note.txt").write_text(GOOD_TEXT, encoding="utf-8")
    articles, problems = read([tmp_path])
    rels = sorted(Path(a.path).relative_to(tmp_path).as_posix() for a in articles)
    assert rels == ["Harbour Pier.html", "election_files/note.txt", "old.htm"]
    assert [str(p) for p in problems] == [
        f"{tmp_path}: 5 file(s) skipped in 2 resource folder(s) of saved pages "
        "(Harbour Pier_files/, old-Dateien/): the scripts, styles and images of the page beside "
        "each folder, not articles"]
    assert problems[0].severity == "warning"
    listed = [Path(p).relative_to(tmp_path).as_posix() for p, _ in ingest.input_files([tmp_path])]
    assert sorted(listed) == rels
    # Named explicitly, the folder is read like any other.
    articles, _ = read([tmp_path / "Harbour Pier_files"])
    assert len(articles) == 2


@pytest.mark.parametrize("files", [[], ["notes.md"], [".hidden.txt"]])
def test_no_readable_input_at_all_is_an_error(tmp_path, files):
    for name in files:
        (tmp_path / name).write_text(GOOD_TEXT, encoding="utf-8")
    with pytest.raises(InputError, match="no article read from .*: no input file found"):
        read([tmp_path])


def test_nothing_read_because_of_errors_does_not_raise(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    articles, problems = read([bad])
    assert articles == [] and only(problems).message == "empty file"


def test_cli_exits_two_on_an_empty_folder(tmp_path):
    from click.testing import CliRunner

    from framing.cli import main

    result = CliRunner().invoke(main, ["flags", str(tmp_path)])
    assert result.exit_code == 2 and "no input file found" in result.output


def test_mostly_utf8_csv_keeps_reading_later_bad_lines_as_utf8(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("title,text\nA,Zoë à café".encode() + b"\x92\nB,plain\x92 text\n")
    articles, problems = read([path])
    assert "1 byte sequence(s) replaced with U+FFFD" in only(problems, "warning").message
    assert [a.text for a in articles] == ["Zoë à café\ufffd", "plain\ufffd text"]


@pytest.mark.parametrize("bad", [b"\x00\x00\xfe\xff", b"\xff\xfe\x00x"])
def test_a_bom_like_first_record_loses_only_itself(tmp_path, bad):
    path = tmp_path / "a.jsonl"
    path.write_bytes(bad + b'\n{"text": "good"}\n')
    articles, problems = read([path])
    assert [a.text for a in articles] == ["good"] and only(problems).line == 1


def test_utf16_record_file_is_still_refused_as_binary(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes('{"text": "one"}\n{"text": "two"}\n'.encode("utf-16"))
    articles, problems = read([path])
    assert articles == [] and "looks like UTF-16" in only(problems).message
