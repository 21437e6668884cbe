"""The score store: scored articles kept in one SQLite file, for reports over many runs.

``framing score --store scores.db`` adds what it scores; ``framing report --store scores.db``
reads it back. An article row is keyed by the article's identity (:func:`article_identity`:
its URL, else the id its input gave, else its file and record) and its content hash
(:func:`framing.article.content_id` of its text), and a score by that row and the sha256 of the
model that scored it. So adding the same article with the same model twice adds nothing, a
second model adds its scores to the articles already there, and one text at three URLs is
three articles: republications are kept, and :meth:`Store.shared_bodies` says how many
articles share one body (many at one site usually means a failed scrape).

Guarantees:

- **Concurrent writers.** The database is in WAL mode; each batch is written in one
  ``BEGIN IMMEDIATE`` transaction, so two processes adding at once queue for the write lock
  (waiting up to ``timeout`` seconds) instead of failing, and readers never wait for writers.
- **Killed runs.** A batch is committed whole or not at all: a run killed midway leaves the
  batches it finished and nothing of the one it was writing, and rerunning the same command adds
  only what is missing.
- **Versioned schema.** ``PRAGMA user_version`` holds the schema version and
  ``PRAGMA application_id`` marks the file as a framing store. Opening an older store applies
  the steps of :data:`MIGRATIONS` in order inside one transaction; a store from a newer framing
  is refused.

Schema (version 4)::

    models    model INTEGER PRIMARY KEY, sha256 UNIQUE, target, card (JSON), first_seen (UTC)
    articles  article INTEGER PRIMARY KEY, content_hash, identity ("url:…", "id:…" or
              "at:path#record"), id, source, source_method, title, url, published (ISO date),
              author, path, record, flags (JSON list of Evidence fields), added (UTC),
              text (zlib-compressed UTF-8),
              scope (JSON: language, reason, war_topic; NULL when unknown),
              narratives (JSON list as in ScoredArticle.narratives; NULL when none),
              techniques (JSON list as in ScoredArticle.techniques; NULL when not read),
              frames (JSON object as in ScoredArticle.frames; NULL when not read),
              UNIQUE (content_hash, identity)
    scores    (article, model) PRIMARY KEY, probability,
              low_confidence (0/1, NULL when unknown), similarity (NULL when unknown)
    article_scores  a view joining the three, for ad-hoc SQL

Version 2 added ``scope``, ``low_confidence`` and ``similarity``, what
:meth:`~framing.article.ScoredArticle.exclusion` needs, so that a report over the store leaves
out the same scores as one over a fresh run, and ``narratives``, for its narrative profile.
An article no score applies to (not English, too short: ``scores`` is ``None``) is stored
too, with its scope and flags and no score row, so reports can count it; it reads back with
``scores`` ``None``. Rows of a version-1 store read back as before, without scope, confidence
or narratives.

Version 3 made the key the identity and the text: version 2 kept one row per text, so that
three outlets republishing one text, or twenty pages of one site scraped to the same
boilerplate, became one row. A migrated row keeps its content hash and gets the identity of
the copy it kept (the first stored); rerunning the same input then finds that copy stored and
adds the others as rows of their own.

Version 4 added ``techniques`` and ``frames``, for the reports' technique and frame profiles.
Unlike ``narratives``, "read, none found" (``[]``, or frames none of which is asserted) is
stored as such and told apart from NULL, "not read" (no such model, switched off, out of
scope, or a row from before version 4): a profile's shares are over the articles read.

The article row keeps what the first run that stored it saw (source, flags, scope,
narratives; for an article known by its URL, also the id and path): a later run with the same
identity and text adds scores but does not rewrite it, except that it
fills in the scope, the narratives, the techniques, the frames and the confidence of its own
scores where the store does not know them yet (rows from before version 2 or 4, or stored by a
run without those models). Labels, meta and explanations are not stored.

The text is kept (reports need it to find syndicated copies and to show evidence in context),
compressed with zlib: ReCOVery-sized articles (5.3 kB of text) take 2.4 kB each, 24 MB per
10,000 articles, out of about 40 MB per 10,000 for the whole store (``bench/bench_store.py``).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from framing.article import Article, ScoredArticle, content_id
from framing.errors import FramingError
from framing.markers import Evidence

# framing.model imports scikit-learn (about a second); the store only reads a model's card
# and digest, so framing.batch can take article_key() from here without paying for it.
if TYPE_CHECKING:
    from framing.model import Model

#: "FRMG": marks a SQLite file as a framing store (``PRAGMA application_id``).
APPLICATION_ID = int.from_bytes(b"FRMG", "big")

# zlib's default. On ReCOVery texts level 9 is no smaller and 20% slower; level 3 is a third
# faster but 4% larger, and compressing (~0.15 ms an article) is small next to scoring.
_ZLIB_LEVEL = 6
# Stays under SQLite's oldest default limit of 999 bound parameters per statement.
_MAX_PARAMS = 900
_READ_PAGE = 500


class StoreError(FramingError):
    """The score store cannot be opened, read or written (the message names the file)."""


# --------------------------------------------------------------------------- identity


def article_identity(article: Article) -> str:
    """Which article this is, apart from its text: its URL, else its given id, else its place.

    ``"url:…"`` when the article has a URL, else ``"id:…"`` when the input gave it an id, else
    ``"at:…"`` with its :attr:`~framing.article.Article.location` (the id of an article without
    one is its content hash, which says nothing about which article it is). The URL comes
    first because it stays the same when the same page is crawled again under another file
    name or id scheme. The store keeps one row per identity and text
    (:func:`article_key`): the same text at three URLs is three articles.
    """
    return _identity(article.url, article.id, content_id(article.text), article.path,
                     article.record)


def _identity(url: str | None, id_: str, content_hash: str, path: str,
              record: int | None) -> str:
    # The one home of the rule: article_identity() and the version-3 migration (over the
    # columns of stored rows) both call it.
    url = (url or "").strip()
    if url:
        return f"url:{url}"
    if id_ != content_hash:
        return f"id:{id_}"
    return f"at:{path}" if record is None else f"at:{path}#{record}"


def article_key(article: Article) -> str:
    """The store's key of an article: its content hash and :func:`article_identity`, as one string.

    What :meth:`Store.known` returns, so a resume can skip the articles stored already.
    """
    return _key(content_id(article.text), article_identity(article))


def _key(content_hash: str, identity: str) -> str:
    # The hash is 16 hex digits, so the first space ends it.
    return f"{content_hash} {identity}"


# --------------------------------------------------------------------------- schema


def _create_v1(conn: sqlite3.Connection) -> None:
    """Version 0 (an empty file) to 1: the first schema."""
    statements = (
        """CREATE TABLE models (
            model INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            target TEXT NOT NULL,
            card TEXT NOT NULL,
            first_seen TEXT NOT NULL
        )""",
        # The text goes last: SQLite then skips its overflow pages when a query does not ask
        # for it (counts, filters, known()).
        """CREATE TABLE articles (
            article INTEGER PRIMARY KEY,
            content_hash TEXT NOT NULL UNIQUE,
            id TEXT NOT NULL,
            source TEXT,
            source_method TEXT,
            title TEXT,
            url TEXT,
            published TEXT,
            author TEXT,
            path TEXT NOT NULL,
            record INTEGER,
            flags TEXT NOT NULL,
            added TEXT NOT NULL,
            text BLOB NOT NULL
        )""",
        # Serves the order of scored() (the rowid is implicitly the last column) and the
        # source filter.
        "CREATE INDEX articles_order ON articles (source, published, id)",
        """CREATE TABLE scores (
            article INTEGER NOT NULL REFERENCES articles,
            model INTEGER NOT NULL REFERENCES models,
            probability REAL NOT NULL CHECK (probability BETWEEN 0 AND 1),
            PRIMARY KEY (article, model)
        ) WITHOUT ROWID""",
        """CREATE VIEW article_scores AS
            SELECT a.content_hash, a.id, a.source, a.published, m.target,
                   m.sha256 AS model_sha256, s.probability
            FROM scores s JOIN articles a USING (article) JOIN models m USING (model)""",
    )
    for statement in statements:
        conn.execute(statement)


def _scope_and_confidence_v2(conn: sqlite3.Connection) -> None:
    """Version 1 to 2: what decides whether a score counts (scope, confidence); narratives.

    Existing rows get NULL: their scope and confidence are unknown, so their scores count, as
    they did.
    """
    statements = (
        # After the text: read only by the stream, which reads the text anyway.
        "ALTER TABLE articles ADD COLUMN scope TEXT",
        "ALTER TABLE articles ADD COLUMN narratives TEXT",
        "ALTER TABLE scores ADD COLUMN low_confidence INTEGER "
        "CHECK (low_confidence IN (0, 1))",
        "ALTER TABLE scores ADD COLUMN similarity REAL",
        "DROP VIEW article_scores",
        """CREATE VIEW article_scores AS
            SELECT a.content_hash, a.id, a.source, a.published, m.target,
                   m.sha256 AS model_sha256, s.probability, s.low_confidence, s.similarity,
                   a.scope
            FROM scores s JOIN articles a USING (article) JOIN models m USING (model)""",
    )
    for statement in statements:
        conn.execute(statement)


def _article_identity_v3(conn: sqlite3.Connection) -> None:
    """Version 2 to 3: an article row is an identity and a text, no longer a text alone.

    Version 2 kept one row per text, so republications of one text (three outlets, or twenty
    pages of one site where the scrape got the same boilerplate) became one row. A stored row
    keeps its content hash and gets the identity of what it kept (the first copy stored: its
    URL, id, path and record), computed by the same rule as new rows, so a rerun of the same
    input finds that copy stored and adds the other copies as rows of their own.

    SQLite cannot drop the UNIQUE of ``content_hash``, so both tables are rebuilt, row ids
    kept; ``scores`` is rebuilt too so that no foreign key points at a dropped table.
    """
    conn.create_function("framing_identity", 5, _identity, deterministic=True)
    statements = (
        # The identity before the text: known() reads it without the text's overflow pages.
        """CREATE TABLE articles_v3 (
            article INTEGER PRIMARY KEY,
            content_hash TEXT NOT NULL,
            identity TEXT NOT NULL,
            id TEXT NOT NULL,
            source TEXT,
            source_method TEXT,
            title TEXT,
            url TEXT,
            published TEXT,
            author TEXT,
            path TEXT NOT NULL,
            record INTEGER,
            flags TEXT NOT NULL,
            added TEXT NOT NULL,
            text BLOB NOT NULL,
            scope TEXT,
            narratives TEXT,
            UNIQUE (content_hash, identity)
        )""",
        """INSERT INTO articles_v3 (article, content_hash, identity, id, source, source_method,
                title, url, published, author, path, record, flags, added, text, scope,
                narratives)
            SELECT article, content_hash, framing_identity(url, id, content_hash, path, record),
                id, source, source_method, title, url, published, author, path, record, flags,
                added, text, scope, narratives
            FROM articles""",
        """CREATE TABLE scores_v3 (
            article INTEGER NOT NULL REFERENCES articles_v3,
            model INTEGER NOT NULL REFERENCES models,
            probability REAL NOT NULL CHECK (probability BETWEEN 0 AND 1),
            low_confidence INTEGER CHECK (low_confidence IN (0, 1)),
            similarity REAL,
            PRIMARY KEY (article, model)
        ) WITHOUT ROWID""",
        "INSERT INTO scores_v3 SELECT article, model, probability, low_confidence, similarity "
        "FROM scores",
        "DROP VIEW article_scores",
        "DROP TABLE scores",
        "DROP TABLE articles",
        # Renaming the parent also rewrites the REFERENCES of scores_v3 to the new name.
        "ALTER TABLE articles_v3 RENAME TO articles",
        "ALTER TABLE scores_v3 RENAME TO scores",
        "CREATE INDEX articles_order ON articles (source, published, id)",
        """CREATE VIEW article_scores AS
            SELECT a.content_hash, a.identity, a.id, a.source, a.url, a.published, m.target,
                   m.sha256 AS model_sha256, s.probability, s.low_confidence, s.similarity,
                   a.scope
            FROM scores s JOIN articles a USING (article) JOIN models m USING (model)""",
    )
    for statement in statements:
        conn.execute(statement)


def _techniques_and_frames_v4(conn: sqlite3.Connection) -> None:
    """Version 3 to 4: the persuasion techniques and media frames of each article.

    Existing rows get NULL: not read by those models, so they count in no profile's shares
    until a run with the models fills them in.
    """
    conn.execute("ALTER TABLE articles ADD COLUMN techniques TEXT")
    conn.execute("ALTER TABLE articles ADD COLUMN frames TEXT")


#: Migration steps: ``MIGRATIONS[i]`` takes a store from version ``i`` to ``i + 1``. A step gets
#: the connection inside the migration's transaction and must not commit (so no
#: ``executescript``, which commits first). Append a step to change the schema; never edit one.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _create_v1,
    _scope_and_confidence_v2,
    _article_identity_v3,
    _techniques_and_frames_v4,
)

#: The schema version this code writes and reads.
SCHEMA_VERSION: int = len(MIGRATIONS)


# --------------------------------------------------------------------------- the store


class Store:
    """A score store in one SQLite file: opened (created if missing), in WAL mode, migrated.

    ``timeout`` is how long to wait for another process's write lock before giving up with a
    :class:`StoreError`. Use as a context manager, or call :meth:`close`. A store object
    belongs to the thread that opened it.
    """

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self._conn: sqlite3.Connection | None = None
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, not a store file")
        try:
            # isolation_level=None: transactions are begun explicitly, as BEGIN IMMEDIATE for
            # writes, instead of implicitly by the sqlite3 module.
            self._conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        try:
            with self._errors():
                # Before anything is written: a foreign or newer file must be left as it was,
                # not even switched to WAL.
                self._version()
                self._set_pragmas()
                self._check_and_migrate()
        except BaseException:
            self.close()
            raise

    # ---------------------------------------------------------------- connection

    def _set_pragmas(self) -> None:
        conn = self._db
        conn.execute("PRAGMA foreign_keys = ON")
        mode = self._switch_to_wal()
        if mode.lower() != "wal":
            raise StoreError(
                f"{self.path}: cannot switch the store to WAL mode (journal mode stays "
                f"{mode!r}); is it on a network file system?"
            )
        # In WAL mode NORMAL still keeps every commit when the process is killed; only a power
        # cut may lose the last commits, and never consistency.
        conn.execute("PRAGMA synchronous = NORMAL")

    def _switch_to_wal(self) -> str:
        """Set WAL mode (kept in the file, so a no-op once set); returns the mode in force.

        Switching needs the file to itself, and SQLite answers SQLITE_BUSY at once, without
        its busy handler, when other processes open the same new file at that moment (seen:
        four processes creating one store). So this waits here, up to the store's timeout.
        """
        conn = self._db
        deadline = time.monotonic() + self.timeout
        delay = 0.005
        while True:
            try:
                return conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            except sqlite3.OperationalError as exc:
                busy = getattr(exc, "sqlite_errorname", "").startswith("SQLITE_BUSY")
                if not busy or time.monotonic() >= deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)

    @property
    def _db(self) -> sqlite3.Connection:
        self._require_open()
        return self._conn

    def _require_open(self) -> None:
        if self._conn is None:
            raise StoreError(f"{self.path}: the store is closed")

    def close(self) -> None:
        """Close the store (the last connection to close also folds the WAL into the file)."""
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def _error(self, exc: sqlite3.Error) -> StoreError:
        name = getattr(exc, "sqlite_errorname", "")
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return StoreError(
                f"{self.path}: the store stayed locked by another process for more than "
                f"{self.timeout:g} s; try again, or give it a longer timeout"
            )
        if name.startswith("SQLITE_NOTADB"):
            return StoreError(f"{self.path}: not a SQLite database, so not a framing store")
        if name.startswith("SQLITE_CANTOPEN"):
            return StoreError(f"{self.path}: cannot open or create the store file ({exc})")
        return StoreError(f"{self.path}: {exc}")

    # ---------------------------------------------------------------- schema

    def _check_and_migrate(self) -> None:
        conn = self._db
        if self._version() == len(MIGRATIONS):
            return
        # Checked again under the write lock: another process may be creating or migrating the
        # same store right now, and only one may do it.
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = self._version()
            if version < len(MIGRATIONS):
                self._migrate(version)
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise

    def _migrate(self, version: int) -> None:
        """Apply the steps from ``version`` on, inside the caller's transaction."""
        conn = self._db
        try:
            for step in MIGRATIONS[version:]:
                step(conn)
            # Both pragmas live in the file header, so they commit or roll back with the steps.
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
        except Exception as exc:
            raise StoreError(
                f"{self.path}: migrating the store from schema version {version} to "
                f"{len(MIGRATIONS)} failed ({exc}); it was left unchanged at version {version}"
            ) from exc

    def _version(self) -> int:
        """The schema version, after checking the file is a store this code can read."""
        # One statement, so one snapshot: another process may be creating the store right now,
        # and pragmas read one by one could straddle its commit.
        application_id, version, tables = self._db.execute(
            "SELECT a.application_id, v.user_version, (SELECT count(*) FROM sqlite_master) "
            "FROM pragma_application_id() a, pragma_user_version() v"
        ).fetchone()
        if application_id != APPLICATION_ID:
            if application_id or version or tables:
                raise StoreError(
                    f"{self.path}: a SQLite database but not a framing store "
                    "(it holds other data); give another file name"
                )
            return 0
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: store schema version {version} is newer than this framing "
                f"knows (up to {len(MIGRATIONS)}); upgrade framing to read it"
            )
        return version

    # ---------------------------------------------------------------- writing

    def add(
        self,
        scored: Iterable[ScoredArticle],
        models: Sequence[Model],
        *,
        batch_size: int = 500,
    ) -> tuple[int, int]:
        """Store scored articles with the models that scored them; returns (added, present).

        Each article's score for a target is stored against the model of that target in
        ``models`` (identified by its card's sha256), with its confidence when the article has
        one for the target; the article's scope, narratives, techniques and frames go with the
        article. An article whose ``scores`` is ``None`` is stored with no score. An article
        counts as *added* when anything of it was new (the article or one of its scores), else
        as *already present* (filling in a scope, confidence, techniques or frames the store
        lacked does not make it added).

        Batches of ``batch_size`` articles are committed one by one, so a killed run keeps the
        batches it finished and loses only the one in progress (the items of an unfinished
        batch are also dropped when ``scored`` raises); running the same add again completes
        it. Scoring happens outside the write lock: a batch is gathered (pulling ``scored``)
        before the lock is taken.

        Raises :class:`StoreError` for two models of the same target, a model without a
        sha256 in its card, a score for a target no model is given for, a probability outside
        [0, 1], or a lock held by another process longer than the store's timeout.
        """
        if batch_size < 1:
            raise StoreError(f"batch_size must be at least 1, got {batch_size}")
        by_target = _models_by_target(models)
        added = present = 0
        batch: list[ScoredArticle] = []
        for item in scored:
            batch.append(item)
            if len(batch) >= batch_size:
                a, p = self._add_batch(batch, by_target)
                added, present, batch = added + a, present + p, []
        if batch:
            a, p = self._add_batch(batch, by_target)
            added, present = added + a, present + p
        return added, present

    def _add_batch(
        self, batch: list[ScoredArticle], by_target: dict[str, _ModelRow]
    ) -> tuple[int, int]:
        conn = self._db
        items = []
        for item in batch:
            for target, probability in (item.scores or {}).items():
                if target not in by_target:
                    raise StoreError(
                        f"{item.article.location}: a score for target {target!r} but no model "
                        f"of that target was given (models: {', '.join(sorted(by_target))})"
                    )
                try:
                    valid = 0 <= float(probability) <= 1  # NaN fails too
                except (TypeError, ValueError):
                    valid = False
                if not valid:
                    raise StoreError(
                        f"{item.article.location}: probability {probability!r} for "
                        f"{target!r} is not a number between 0 and 1"
                    )
            content_hash = content_id(item.article.text)
            items.append(((content_hash, article_identity(item.article)), item))
        with self._errors():
            # Read before taking the write lock: which articles are new, so that only those are
            # compressed, and outside the lock. Rows are never deleted, so a key seen here is
            # still there under the lock.
            known = self._rowids([key for key, _ in items])
            now = _utc_now()
            rows: dict[_RowKey, tuple] = {}
            for key, item in items:
                if key not in known and key not in rows:  # the first copy wins
                    rows[key] = _article_row(key, item, now)
            added = present = 0
            conn.execute("BEGIN IMMEDIATE")
            try:
                model_ids = self._model_ids(by_target)
                for key, item in items:
                    new = False
                    article = known.get(key)
                    if article is None:
                        cursor = conn.execute(
                            "INSERT INTO articles (content_hash, identity, id, source, "
                            "source_method, title, url, published, author, path, record, "
                            "flags, added, text, scope, narratives, techniques, frames) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                            "ON CONFLICT (content_hash, identity) DO NOTHING",
                            rows[key],
                        )
                        if cursor.rowcount == 1:
                            article, new = cursor.lastrowid, True
                        else:  # written by another process, or earlier in this batch
                            article = self._rowids([key])[key]
                        known[key] = article
                    if not new and item.scope:
                        conn.execute("UPDATE articles SET scope = ? WHERE article = ? "
                                     "AND scope IS NULL", (_scope_json(item), article))
                    if not new and item.narratives:
                        conn.execute("UPDATE articles SET narratives = ? WHERE article = ? "
                                     "AND narratives IS NULL", (_narratives_json(item), article))
                    # Column names from a fixed pair, values bound: read by this run, unknown
                    # to the store.
                    for column, value in (("techniques", _techniques_json(item)),
                                          ("frames", _frames_json(item))):
                        if not new and value is not None:
                            conn.execute(f"UPDATE articles SET {column} = ? WHERE article = ? "
                                         f"AND {column} IS NULL", (value, article))
                    for target, probability in (item.scores or {}).items():
                        low, similarity = _confidence_row(item, target)
                        cursor = conn.execute(
                            "INSERT INTO scores (article, model, probability, low_confidence, "
                            "similarity) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                            (article, model_ids[target], float(probability), low, similarity),
                        )
                        if cursor.rowcount == 1:
                            new = True
                        elif low is not None:
                            conn.execute(
                                "UPDATE scores SET low_confidence = ?, similarity = ? "
                                "WHERE article = ? AND model = ? AND low_confidence IS NULL",
                                (low, similarity, article, model_ids[target]),
                            )
                    if new:
                        added += 1
                    else:
                        present += 1
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
        return added, present

    def _model_ids(self, by_target: dict[str, _ModelRow]) -> dict[str, int]:
        """Row ids of the models, inserting those the store has not seen (inside a write)."""
        ids = {}
        for target, (sha256, card) in by_target.items():
            self._db.execute(
                "INSERT INTO models (sha256, target, card, first_seen) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (sha256) DO NOTHING",
                (sha256, target, card, _utc_now()),
            )
            model, stored_target = self._db.execute(
                "SELECT model, target FROM models WHERE sha256 = ?", (sha256,)
            ).fetchone()
            if stored_target != target:
                raise StoreError(
                    f"{self.path}: model {sha256[:12]}… is stored for target {stored_target!r} "
                    f"but was given for {target!r}"
                )
            ids[target] = model
        return ids

    def _rowids(self, keys: Sequence[_RowKey]) -> dict[_RowKey, int]:
        """Row ids of the stored articles among ``keys`` ((content hash, identity) pairs)."""
        wanted = set(keys)
        out: dict[_RowKey, int] = {}
        # By hash, which the (content_hash, identity) index serves; the other copies of a text
        # come along and are dropped here.
        for chunk in _chunks(list(dict.fromkeys(h for h, _ in wanted))):
            marks = ", ".join("?" * len(chunk))
            for content_hash, identity, article in self._db.execute(
                "SELECT content_hash, identity, article FROM articles "
                f"WHERE content_hash IN ({marks})", chunk,
            ):
                if (content_hash, identity) in wanted:
                    out[content_hash, identity] = article
        return out

    # ---------------------------------------------------------------- reading

    def has(self, article: Article, model_sha256: str) -> bool:
        """Whether this article (its identity and text) was scored by the model with this sha256.

        The same text stored at another URL does not count: that is another article.
        """
        with self._errors():
            row = self._db.execute(
                "SELECT 1 FROM scores s JOIN articles a USING (article) JOIN models m "
                "USING (model) WHERE a.content_hash = ? AND a.identity = ? AND m.sha256 = ?",
                (content_id(article.text), article_identity(article), model_sha256),
            ).fetchone()
        return row is not None

    def known(self, model_sha256s: Iterable[str]) -> set[str]:
        """Keys (:func:`article_key`) of the articles scored by *all* the given models.

        What a resume skips: an article is done when its identity and text are stored with
        those models' scores, so a republication of a stored text at another URL is not.
        Articles stored without any score (out of scope for every model: not English, too
        short) count as known too, since scoring them again gives nothing more. With no model
        given, every stored article's key (nothing is asked of it).
        """
        shas = sorted(set(model_sha256s))
        with self._errors():
            if not shas:
                rows = self._db.execute("SELECT content_hash, identity FROM articles")
                return {_key(h, i) for h, i in rows}
            if len(shas) > _MAX_PARAMS:
                raise StoreError(f"known(): at most {_MAX_PARAMS} models, got {len(shas)}")
            marks = ", ".join("?" * len(shas))
            rows = self._db.execute(
                "SELECT a.content_hash, a.identity FROM scores s JOIN articles a USING (article) "
                f"WHERE s.model IN (SELECT model FROM models WHERE sha256 IN ({marks})) "
                "GROUP BY s.article HAVING count(*) = ? "
                "UNION SELECT content_hash, identity FROM articles "
                "WHERE article NOT IN (SELECT article FROM scores)",
                (*shas, len(shas)),
            )
            return {_key(h, i) for h, i in rows}

    def count(self) -> int:
        """Number of articles in the store (each identity and text once, whatever scored it)."""
        with self._errors():
            return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def model_cards(self) -> list[dict]:
        """The card of each model that has scored articles here, the newest per target first,
        so a report over the store can say what its scores were trained on."""
        with self._errors():
            rows = self._db.execute(
                "SELECT target, card FROM models ORDER BY first_seen DESC, model DESC").fetchall()
        cards, seen = [], set()
        for target, card in rows:
            if target not in seen:
                seen.add(target)
                cards.append(json.loads(card))
        return cards

    def shared_bodies(self, *, at_least: int = 2) -> dict[str, int]:
        """{content hash: number of stored articles with that text}, for texts shared by at least
        ``at_least`` articles.

        Many articles of one body are republications (one agency text at several outlets) or,
        within one site, a scrape that got the same page furniture instead of the articles;
        reports say so instead of counting them as independent. The articles themselves come
        back one by one from :meth:`scored`, each with its own URL, id and source.
        """
        if at_least < 1:
            raise StoreError(f"at_least must be at least 1, got {at_least}")
        with self._errors():
            return dict(self._db.execute(
                "SELECT content_hash, count(*) FROM articles GROUP BY content_hash "
                "HAVING count(*) >= ? ORDER BY count(*) DESC, content_hash", (at_least,),
            ).fetchall())

    def scored(
        self,
        *,
        since: datetime.date | None = None,
        until: datetime.date | None = None,
        sources: Sequence[str] = (),
        targets: Sequence[str] = (),
    ) -> Iterator[ScoredArticle]:
        """Stream the stored articles as :class:`ScoredArticle`, by source, date, then id.

        ``since`` and ``until`` are inclusive and leave out articles without a date;
        ``sources`` keeps the given sources. ``targets`` keeps those targets' scores and the
        articles scored for at least one of them, and the articles stored without any score
        (``scores`` ``None``: out of scope for every target). With several models of the same
        target scoring one article, the score of the model added to the store last wins (a
        newer model is preferred wherever it scored), with that model's confidence. Articles
        without a source or date sort first.

        Each stored article comes back on its own, the copies of a republished text too, each
        with its own URL, id, source, title, path and record (its content hash is
        :func:`~framing.article.content_id` of its text), so a report can count how many
        articles share one body. The rebuilt :class:`~framing.article.Article` has the stored
        fields; its ``labels`` and ``meta`` are empty. The :class:`ScoredArticle` gets back its
        ``scope``, its ``narratives``, its ``techniques`` and ``frames`` (``None`` where not
        read, ``[]`` where read and none found) and, per target kept, its ``confidence``
        (``low_confidence``, ``similarity``) where they were stored; explanations are not
        stored.
        The whole stream reads one snapshot: what is committed meanwhile is not seen, and while
        it lasts those commits pile up in the WAL file, which SQLite cannot fold back under a
        reader.
        """
        if isinstance(sources, str) or isinstance(targets, str):
            raise StoreError("sources and targets are sequences of names, not one string")
        where, params = [], []
        if since is not None:
            where.append("published >= ?")
            params.append(since.isoformat())
        if until is not None:
            where.append("published <= ?")
            params.append(until.isoformat())
        if sources:
            where.append(f"source IN ({', '.join('?' * len(sources))})")
            params.extend(sources)
        sql = ("SELECT article, content_hash, id, source, source_method, title, url, published, "
               "author, path, record, flags, text, scope, narratives, techniques, frames "
               "FROM articles")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY source, published, id, article"
        self._require_open()  # here, not at the first row
        return self._stream(sql, params, tuple(targets))

    def _stream(self, sql: str, params: list, targets: tuple[str, ...]) -> Iterator[ScoredArticle]:
        # A connection of its own: the snapshot is held in a transaction, which must neither
        # block add() on this store nor stay open if the caller drops the stream halfway.
        try:
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        try:
            with self._errors():
                conn.execute("BEGIN")
                rows = conn.execute(sql, params)
                while page := rows.fetchmany(_READ_PAGE):
                    scores = _page_scores(conn, [r[0] for r in page])
                    for row in page:
                        every = scores.get(row[0], {})
                        kept = ({t: s for t, s in every.items() if t in targets} if targets
                                else every)
                        # Stored without any score (scope known, as version 2 writes it).
                        unscored = not every and row[_SCOPE] is not None
                        if targets and not kept and not unscored:
                            continue
                        yield _scored_from_row(row, None if unscored else kept)
        finally:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            conn.close()


# --------------------------------------------------------------------------- helpers

_ModelRow = tuple[str, str]  # (sha256, card JSON)
_RowKey = tuple[str, str]  # (content hash, identity): what makes an article row


def _models_by_target(models: Sequence[Model]) -> dict[str, _ModelRow]:
    by_target: dict[str, _ModelRow] = {}
    for model in models:
        target = model.target
        sha256 = (model.card or {}).get("sha256")
        if not sha256:
            raise StoreError(f"model for target {target!r} has no sha256 in its card; "
                             "save it (framing.model.save_model) before storing its scores")
        if target in by_target:
            raise StoreError(f"two models for target {target!r} given; a run stores the "
                             "scores of one model per target")
        by_target[target] = (sha256, json.dumps(model.card, sort_keys=True, default=str))
    return by_target


def _article_row(key: _RowKey, item: ScoredArticle, added: str) -> tuple:
    a = item.article
    flags = json.dumps([e.to_dict() for e in item.flags], ensure_ascii=False,
                       separators=(",", ":"))
    text = zlib.compress(a.text.encode("utf-8"), _ZLIB_LEVEL)
    published = a.published.isoformat() if a.published else None
    # Unscored articles always get a scope ("{}" at least): that is what marks them so.
    scope = _scope_json(item) if (item.scope or item.scores is None) else None
    return (*key, a.id, a.source, a.source_method, a.title, a.url, published,
            a.author, a.path, a.record, flags, added, text, scope,
            _narratives_json(item) if item.narratives else None,
            _techniques_json(item), _frames_json(item))


def _scope_json(item: ScoredArticle) -> str:
    return json.dumps(item.scope, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _narratives_json(item: ScoredArticle) -> str:
    return json.dumps(item.narratives, ensure_ascii=False, separators=(",", ":"))


def _techniques_json(item: ScoredArticle) -> str | None:
    """The techniques as JSON, ``None`` (NULL) when the model did not read the article."""
    if item.techniques is None:
        return None
    return json.dumps(item.techniques, ensure_ascii=False, separators=(",", ":"))


def _frames_json(item: ScoredArticle) -> str | None:
    """The frames as JSON in their order (asserted first), ``None`` when not read."""
    if item.frames is None:
        return None
    return json.dumps(item.frames, ensure_ascii=False, separators=(",", ":"))


def _confidence_row(item: ScoredArticle, target: str) -> tuple[int | None, float | None]:
    """(low_confidence 0/1, similarity) of ``target``, None where the article has none."""
    entry = item.confidence.get(target) or {}
    low = entry.get("low_confidence")
    similarity = entry.get("similarity")
    return (None if low is None else int(bool(low)),
            None if similarity is None else float(similarity))


_SCOPE = 13  # the scope column's index in the rows of scored()
_StoredScore = tuple[float, int | None, float | None]  # probability, low_confidence, similarity


def _page_scores(
    conn: sqlite3.Connection, articles: list[int]
) -> dict[int, dict[str, _StoredScore]]:
    """{article: {target: score row}} with, per target, the last-added model's score."""
    sql = ("SELECT s.article, m.target, s.probability, s.low_confidence, s.similarity "
           "FROM scores s JOIN models m USING (model) "
           f"WHERE s.article IN ({', '.join('?' * len(articles))})")
    # Ascending model id = the order models were added, so a later one overwrites.
    sql += " ORDER BY s.article, s.model"
    out: dict[int, dict[str, _StoredScore]] = {}
    for article, target, probability, low, similarity in conn.execute(sql, articles):
        out.setdefault(article, {})[target] = (probability, low, similarity)
    return out


def _scored_from_row(row: tuple, scores: dict[str, _StoredScore] | None) -> ScoredArticle:
    (_, _, id_, source, source_method, title, url, published, author, path, record, flags,
     text, scope, narratives, techniques, frames) = row
    article = Article(
        id=id_,
        text=zlib.decompress(text).decode("utf-8"),
        title=title,
        url=url,
        source=source,
        source_method=source_method,
        published=datetime.date.fromisoformat(published) if published else None,
        author=author,
        path=path,
        record=record,
    )
    confidence: dict[str, dict] = {}
    for target, (_, low, similarity) in (scores or {}).items():
        entry: dict = {}
        if similarity is not None:
            entry["similarity"] = similarity
        if low is not None:
            entry["low_confidence"] = bool(low)
        if entry:
            confidence[target] = entry
    return ScoredArticle(
        article,
        None if scores is None else {t: s[0] for t, s in scores.items()},
        [Evidence(**e) for e in json.loads(flags)],
        scope=json.loads(scope) if scope else {},
        confidence=confidence,
        narratives=json.loads(narratives) if narratives else [],
        techniques=None if techniques is None else json.loads(techniques),
        frames=None if frames is None else json.loads(frames),
    )


def _chunks(values: list, size: int = _MAX_PARAMS) -> Iterator[list]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _utc_now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
