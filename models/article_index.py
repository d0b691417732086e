"""Ranked full-text search of published articles, in the database itself (no search server).

Two rankings are merged (reciprocal rank fusion), so that whole words rank first and a small typo still finds
the article:
- words: SQLite FTS5 with bm25 (Porter stemming, prefixes: "print" finds "printer") on the default database;
  PostgreSQL's `tsvector` with `ts_rank` and a GIN index there. The title weighs more than the body.
- typos: a typed word that no article has, not even as the start of a word, is looked up in the vocabulary
  of the articles' words by its trigrams (FTS5's trigram tokenizer on SQLite, `pg_trgm` with a GIN index on
  PostgreSQL); a word of the vocabulary counts when it is the typed one with a slip or two (`mistyped`,
  decided the same way on both databases), and the articles are ranked again with the words put right, so
  "pritner" finds "printer" and "paper" does not find "page".
Only published articles are in the index (`update` keeps it so, in the caller's transaction); who may read
which one is decided by `articles.readable_by` on the ids this returns.
"""

from __future__ import annotations

import re

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

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
SECOND_WEIGHT = 0.7  # in a fusion, the leading ranking outweighs the second at the same rank
LOOK_ALIKES = 20  # vocabulary words the database offers for a typed word not in it (the final say is `mistyped`)


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
                'INSERT INTO article_search (article_id, document) VALUES ($1, '
                "setweight(to_tsvector('english', $2), 'A') || setweight(to_tsvector('english', $3), 'B'))",
                [article_id, title, body],
            )
            await db.execute_query(
                'INSERT INTO article_word (word) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING',
                [vocabulary(title, body)],
            )
        return
    await db.execute_query('DELETE FROM article_fts WHERE rowid = ?', [article_id])
    if not listed:
        return
    await db.execute_query('INSERT INTO article_fts (rowid, title, body) VALUES (?, ?, ?)', [article_id, title, body])
    for word in vocabulary(title, body):  # new words only: the vocabulary keeps each once
        added = await db.execute_query_dict(
            'INSERT INTO article_word (word) VALUES (?) ON CONFLICT DO NOTHING RETURNING rowid AS id', [word]
        )
        if added:
            trigram_row = [added[0]['id'], word]
            await db.execute_query('INSERT INTO article_word_trigrams (rowid, word) VALUES (?, ?)', trigram_row)


def vocabulary(title: str, body: str) -> list[str]:
    """The words typos are put right to: every word of four letters or more, once, lower case. A word that no
    article has any more stays (it only leads to a search that finds nothing)."""
    return sorted({w for w in WORD.findall(f'{title}\n{body}'.lower()) if len(w) >= 4 and not w.isdigit()})


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
    # Words no article has (not even as the start of one) are likely typos: put them right from the vocabulary
    # (the databases find look-alikes; the same rule here decides), then rank again with the words put right.
    # Put right, the words say more than as typed (which leaves the unknown word out): that ranking leads.
    unknown = [w for w in words if len(w) >= 4 and not await engine.known(w)]
    if unknown:
        right = {w: next((c for c in await engine.look_alikes(w) if mistyped(w, c)), None) for w in unknown}
        if any(right.values()):
            corrected = await engine.words([right.get(w) or w for w in words], limit)
            return fuse(corrected, whole)[:limit]
    return whole[:limit]


def fuse(leading: list[int], second: list[int]) -> list[int]:
    """Reciprocal rank fusion of two rankings, the second weighing less; ties by id, so both databases order
    them alike."""
    score: dict[int, float] = {}
    for rank, article_id in enumerate(leading):
        score[article_id] = score.get(article_id, 0.0) + 1.0 / (FUSION_K + rank)
    for rank, article_id in enumerate(second):
        score[article_id] = score.get(article_id, 0.0) + SECOND_WEIGHT / (FUSION_K + rank)
    return sorted(score, key=lambda i: (-score[i], i))


def mistyped(typed: str, written: str) -> bool:
    """`written` is `typed` with a slip or two: one letter wrong, missing, extra or two swapped (two such slips
    in words of seven letters or more). "pritner" is "printer"; "paper" is not "page"; "forgot" is not "for"."""
    allowed = 1 if len(typed) < 7 else 2
    if abs(len(typed) - len(written)) > allowed:
        return False
    return 0 < _distance(typed, written) <= allowed


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

    async def look_alikes(self, word: str) -> list[str]:
        """Vocabulary words sharing the most three-letter pieces with `word`."""
        grams = sorted({word[i : i + 3] for i in range(len(word) - 2)})
        rows = await self.db.execute_query_dict(
            'SELECT word FROM article_word_trigrams WHERE article_word_trigrams MATCH ? '
            'ORDER BY bm25(article_word_trigrams), word LIMIT ?',
            [' OR '.join(f'"{g}"' for g in grams), LOOK_ALIKES],
        )
        return [r['word'] for r in rows]


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

    async def look_alikes(self, word: str) -> list[str]:
        """Vocabulary words most like `word` (pg_trgm's similarity, its GIN index filtering)."""
        rows = await self.db.execute_query_dict(
            'SELECT word FROM article_word WHERE word % $1 ORDER BY similarity(word, $1) DESC, word LIMIT $2',
            [word, LOOK_ALIKES],
        )
        return [r['word'] for r in rows]
