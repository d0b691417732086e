"""Ranked full-text search of published articles, in the database itself (no search server).

Two rankings are merged (reciprocal rank fusion), so that whole words rank first and a small typo still finds
the article:
- words: SQLite FTS5 with bm25 (Porter stemming, prefixes: "print" finds "printer") on the default database;
  PostgreSQL's `tsvector` with `ts_rank` and a GIN index there. The title weighs more than the body.
- typos: a typed word that no article has, not even as the start of a word, is looked for by its trigrams
  (FTS5's trigram tokenizer on SQLite, `pg_trgm` with a GIN index on PostgreSQL); a candidate counts when
  it has the typed word with a slip or two (`mistyped`, decided the same way for both databases), so
  "pritner" finds "printer" and "paper" does not find "page".
Only published articles are in the index (`update` keeps it so, in the caller's transaction); who may read
which one is decided by `articles.readable_by` on the ids this returns.
"""

from __future__ import annotations

import re

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

WORD = re.compile(r'\w+')
# PostgreSQL's English stop words (Snowball's list): both databases ignore the same words.
STOP = frozenset(
    'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself '
    'it its itself they them their theirs themselves what which who whom this that these those am is are was were be '
    'been being have has had having do does did doing a an the and but if or because as until while of at by for '
    'with about against between into through during before after above below to from up down in out on off over '
    'under again further then once here there when where why how all any both each few more most other some such no '
    'nor not only own same so than too very s t can will just don should now'.split()
)
FUSION_K = 60  # reciprocal rank fusion's constant: ranks deep in a list still count a little
TRIGRAM_WEIGHT = 0.7  # a whole-word match outranks a piece-of-word match at the same rank
TRIGRAM_RECALL = 0.3  # pg_trgm word similarity for a candidate (the final say is `alike`)
ALIKE = 0.5  # the share of unknown typed words an article must have (mistyped) to be suggested for them


def _db() -> BaseDBAsyncClient:
    return connections.get('default')


def _postgres(db: BaseDBAsyncClient) -> bool:
    return db.capabilities.dialect == 'postgres'


async def update(article_id: int, title: str, body: str, *, listed: bool) -> None:
    """Index the article's current words (`listed`), or take it out of the index."""
    db = _db()
    if _postgres(db):
        await db.execute_query('DELETE FROM article_search WHERE article_id = $1', [article_id])
        if listed:
            await db.execute_query(
                'INSERT INTO article_search (article_id, document, words) VALUES ($1, '
                "setweight(to_tsvector('english', $2), 'A') || setweight(to_tsvector('english', $3), 'B'), "
                'lower($2 || $4 || $3))',
                [article_id, title, body, ' \n'],
            )
        return
    for table in ('article_fts', 'article_trigrams'):
        await db.execute_query(f'DELETE FROM {table} WHERE rowid = ?', [article_id])
        if listed:
            row = [article_id, title, body]
            await db.execute_query(f'INSERT INTO {table} (rowid, title, body) VALUES (?, ?, ?)', row)


def words_of(text: str) -> list[str]:
    """The words that count in what someone typed: lower case, no stop words, each once, in order."""
    seen: dict[str, None] = {}
    for word in WORD.findall(text.lower()):
        if word not in STOP and (len(word) > 1 or word.isdigit()):
            seen.setdefault(word, None)
    return list(seen)


async def search(text: str, *, limit: int = 50) -> list[int]:
    """Ids of published articles that fit `text`, best first (at most `limit`)."""
    words = words_of(text)
    if not words:
        return []
    db = _db()
    engine = _Postgres(db) if _postgres(db) else _Sqlite(db)
    whole = await engine.words(words, limit)
    # Words no article has (not even as the start of one) are likely typos: look for articles with a word
    # like them. Both databases only find candidates; the same rule here decides which are alike enough.
    unknown = [w for w in words if len(w) >= 4 and not await engine.known(w)]
    pieces: list[int] = []
    if unknown:
        candidates = await engine.trigram_candidates(unknown, limit)
        texts = await _texts(db, candidates)
        scored = {i: alike(unknown, texts[i]) for i in candidates if i in texts}
        pieces = sorted((i for i, s in scored.items() if s >= ALIKE), key=lambda i: (-scored[i], i))
    return fuse(whole, pieces)[:limit]


def fuse(whole: list[int], pieces: list[int]) -> list[int]:
    """Reciprocal rank fusion of the two rankings; ties by id, so both databases order them alike."""
    score: dict[int, float] = {}
    for rank, article_id in enumerate(whole):
        score[article_id] = score.get(article_id, 0.0) + 1.0 / (FUSION_K + rank)
    for rank, article_id in enumerate(pieces):
        score[article_id] = score.get(article_id, 0.0) + TRIGRAM_WEIGHT / (FUSION_K + rank)
    return sorted(score, key=lambda i: (-score[i], i))


def mistyped(typed: str, written: str) -> bool:
    """`written` is `typed` with a slip or two: one letter wrong, missing, extra or two swapped (two such slips
    in words of seven letters or more). "pritner" is "printer"; "paper" is not "page"; "forgot" is not "for"."""
    allowed = 1 if len(typed) < 7 else 2
    if abs(len(typed) - len(written)) > allowed:
        return False
    return 0 < _distance(typed, written) <= allowed


def alike(typed: list[str], text: str) -> float:
    """The share of the typed (unknown) words that the article has, mistyped."""
    vocabulary = {w for w in WORD.findall(text.lower()) if len(w) >= 3}
    return sum(any(mistyped(word, w) for w in vocabulary) for word in typed) / len(typed)


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


async def _texts(db: BaseDBAsyncClient, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    marks = ', '.join(f'${n + 1}' if _postgres(db) else '?' for n in range(len(ids)))
    rows = await db.execute_query_dict(f'SELECT id, title, body FROM article WHERE id IN ({marks})', list(ids))
    return {r['id']: f'{r["title"]}\n{r["body"]}' for r in rows}


class _Sqlite:
    def __init__(self, db: BaseDBAsyncClient) -> None:
        self.db = db

    async def words(self, words: list[str], limit: int) -> list[int]:
        # Each word quoted (a phrase of one token: nothing typed can be FTS5 syntax), as a prefix.
        rows = await self.db.execute_query_dict(
            'SELECT rowid AS id FROM article_fts WHERE article_fts MATCH ? '
            'ORDER BY bm25(article_fts, 5.0, 1.0), rowid LIMIT ?',
            [' OR '.join(f'"{w}"*' for w in words), limit],
        )
        return [r['id'] for r in rows]

    async def known(self, word: str) -> bool:
        rows = await self.db.execute_query_dict(
            'SELECT 1 AS found FROM article_fts WHERE article_fts MATCH ? LIMIT 1', [f'"{word}"*']
        )
        return bool(rows)

    async def trigram_candidates(self, words: list[str], limit: int) -> list[int]:
        grams = sorted({w[i : i + 3] for w in words for i in range(len(w) - 2)})
        rows = await self.db.execute_query_dict(
            'SELECT rowid AS id FROM article_trigrams WHERE article_trigrams MATCH ? '
            'ORDER BY bm25(article_trigrams, 5.0, 1.0), rowid LIMIT ?',
            [' OR '.join(f'"{g}"' for g in grams), limit],
        )
        return [r['id'] for r in rows]


class _Postgres:
    def __init__(self, db: BaseDBAsyncClient) -> None:
        self.db = db

    async def words(self, words: list[str], limit: int) -> list[int]:
        rows = await self.db.execute_query_dict(
            "SELECT article_id AS id FROM article_search, to_tsquery('english', $1) AS q WHERE document @@ q "
            'ORDER BY ts_rank(document, q) DESC, article_id LIMIT $2',
            [' | '.join(f'{w}:*' for w in words), limit],  # \w+ only: nothing to_tsquery reads as an operator
        )
        return [r['id'] for r in rows]

    async def known(self, word: str) -> bool:
        rows = await self.db.execute_query_dict(
            "SELECT 1 AS found FROM article_search WHERE document @@ to_tsquery('english', $1) LIMIT 1",
            [f'{word}:*'],
        )
        return bool(rows)

    async def trigram_candidates(self, words: list[str], limit: int) -> list[int]:
        typed = ' '.join(words)
        async with in_transaction() as tx:  # the threshold the GIN index filters by, for this query only
            await tx.execute_query(
                "SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)", [str(TRIGRAM_RECALL)]
            )
            rows = await tx.execute_query_dict(
                'SELECT article_id AS id FROM article_search WHERE $1 <% words '
                'ORDER BY word_similarity($1, words) DESC, article_id LIMIT $2',
                [typed, limit],
            )
        return [r['id'] for r in rows]
