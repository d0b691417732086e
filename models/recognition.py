"""Recognition: thanking the people who help colleagues help themselves, with points, badges and a small
leaderboard, as the managers choose (models/help_settings.py).

Points come from four things, counted in the database (one aggregate query, the same on SQLite and PostgreSQL):
- an article of theirs that was published (its author's; a retired article still counts: it helped while it was
  up; re-publishing it does not count it twice), when it was last published;
- a "helpful" vote on one of their articles by someone else (the author's own vote is worth nothing), when cast;
- a request saved through one of their articles ("This solved it", models/deflections.py), when confirmed;
- an answer of theirs a requester or the staff marked "This fixed it" (models/superusers.py), when marked;
  the answer is found through the ACCEPTED line's `answer_id`, and one answer counts once.
A period is [since, until): its start included, its end not.

Who is ranked: requesters (superusers are requesters) unless a manager turns on ranking staff too; people who
can no longer sign in are left out. Anyone signed in sees the leaderboard while recognition is on; everyone
sees their own figures, staff included, whether or not they are ranked. With recognition off there are no
points, badges or leaderboard to show (`enabled()` says so; the counts of what someone did stay theirs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise import connections

from . import help_settings, when
from .records import EventKind
from .users import Role, User

# What each thing is worth, and why.
ARTICLE_POINTS = 10  # writing a fix down once saves everyone who has the problem after
HELPFUL_VOTE_POINTS = 2  # a colleague said the article helped: small, as votes are cheap to give
SAVED_REQUEST_POINTS = 5  # someone fixed it themselves with the article and needed nobody
ACCEPTED_ANSWER_POINTS = 15  # a colleague's problem fixed by their answer: the most direct help there is


@dataclass(frozen=True)
class Score:
    """What one person did, counted, and the points it is worth."""

    articles: int = 0  # articles published
    helpful_votes: int = 0  # "helpful" votes by others on their articles
    saved: int = 0  # requests saved through their articles
    accepted: int = 0  # answers marked "This fixed it"

    @property
    def points(self) -> int:
        return (
            self.articles * ARTICLE_POINTS
            + self.helpful_votes * HELPFUL_VOTE_POINTS
            + self.saved * SAVED_REQUEST_POINTS
            + self.accepted * ACCEPTED_ANSWER_POINTS
        )


@dataclass(frozen=True)
class Badge:
    name: str
    icon: str  # a Material icon name
    reason: str  # what earned it, in plain words


@dataclass(frozen=True)
class Standing:
    """One line of the leaderboard: the points of the period, the badges of all time."""

    person_id: int
    name: str
    score: Score
    badges: list[Badge]


@dataclass(frozen=True)
class Profile:
    """One's own figures; `recognition` False: the managers switched points and badges off (none are shown)."""

    recognition: bool
    score: Score
    badges: list[Badge]


# (name, icon, what it counts, how many, what earned it), over all time.
BADGES: list[tuple[str, str, str, int, str]] = [
    ('First article', 'edit_note', 'articles', 1, 'Published a first article colleagues can fix things with.'),
    ('Five articles', 'menu_book', 'articles', 5, 'Published five articles.'),
    ('Liked by colleagues', 'thumb_up', 'helpful_votes', 10, 'Ten "helpful" votes from colleagues.'),
    ('Saved 10 requests', 'savings', 'saved', 10, 'Ten colleagues fixed it themselves with the articles.'),
    ('First accepted answer', 'handshake', 'accepted', 1, "An answer fixed a colleague's problem."),
    ('Problem solver', 'emoji_events', 'accepted', 5, "Five answers fixed colleagues' problems."),
]


async def enabled() -> bool:
    """Whether points, badges and the leaderboard are shown at all (the managers' choice)."""
    return (await help_settings.current()).recognition


async def points_for(person: User, *, since: datetime | None = None, until: datetime | None = None) -> Score:
    """What this person did (in the period, or all time), counted whatever the settings: their own record."""
    return (await _scores(since, until, person_ids=[person.id])).get(person.id, Score())


async def badges_for(person: User) -> list[Badge]:
    """The badges this person earned, in the order they are listed; none while recognition is off."""
    if not await enabled():
        return []
    return earned(await points_for(person))


def earned(score: Score) -> list[Badge]:
    return [
        Badge(name, icon, reason) for name, icon, what, at_least, reason in BADGES if getattr(score, what) >= at_least
    ]


async def profile(viewer: User) -> Profile:
    """The viewer's own figures and badges (staff too, ranked or not)."""
    score = await points_for(viewer)
    on = await enabled()
    return Profile(recognition=on, score=score, badges=earned(score) if on else [])


async def leaderboard(
    viewer: User, *, since: datetime | None = None, until: datetime | None = None, limit: int = 10
) -> list[Standing]:
    """The people with the most points in the period (all time without one), most first; ties by name, then
    by who joined first. Requesters only unless the managers rank staff too; empty while recognition is off."""
    choices = await help_settings.current()
    if not choices.recognition or not viewer.is_active:
        return []
    roles = list(Role) if choices.rank_staff else [Role.REQUESTER]
    ranked = await _ranked(since, until, roles=roles, limit=limit)
    ids = [person_id for person_id, _, _ in ranked]
    all_time = await _scores(None, None, person_ids=ids) if since or until else {i: s for i, _, s in ranked}
    return [Standing(i, name, score, earned(all_time.get(i, score))) for i, name, score in ranked]


def this_month(now: datetime, tz: when.Zone) -> datetime:
    """The start of the calendar month `now` is in, where the viewer is (aware, for the query)."""
    local = now.astimezone(when.zone(tz))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


# ---- counting (SQL aggregates, the same on SQLite and PostgreSQL) ----------------------------------------------

# Each source is one aggregate per person; {window:x} becomes "x is in the period" (or nothing, all time).
_SOURCES = """
  SELECT a.author_id AS person_id, COUNT(*) AS articles, 0 AS helpful_votes, 0 AS saved, 0 AS accepted
    FROM article a WHERE a.published_at IS NOT NULL {window:a.published_at} GROUP BY a.author_id
  UNION ALL
  SELECT a.author_id, 0, COUNT(*), 0, 0 FROM article_vote v JOIN article a ON a.id = v.article_id
    WHERE v.helpful = TRUE AND v.user_id <> a.author_id {window:v.at} GROUP BY a.author_id
  UNION ALL
  SELECT a.author_id, 0, 0, COUNT(*), 0 FROM deflection d JOIN article a ON a.id = d.article_id
    WHERE 1 = 1 {window:d.at} GROUP BY a.author_id
  UNION ALL
  SELECT g.actor_id, 0, 0, 0, COUNT(DISTINCT g.id) FROM ticket_event e
    JOIN ticket_event g ON g.id = {answer_id} AND g.kind = '{peer_answer}' AND g.ticket_id = e.ticket_id
    WHERE e.kind = '{accepted}' AND g.actor_id IS NOT NULL {window:e.created_at} GROUP BY g.actor_id
"""

_POINTS = (
    f'(SUM(p.articles) * {ARTICLE_POINTS} + SUM(p.helpful_votes) * {HELPFUL_VOTE_POINTS}'
    f' + SUM(p.saved) * {SAVED_REQUEST_POINTS} + SUM(p.accepted) * {ACCEPTED_ANSWER_POINTS})'
)


async def _scores(since: datetime | None, until: datetime | None, *, person_ids: list[int]) -> dict[int, Score]:
    """{person id: Score} for these people (those who did nothing are missing)."""
    if not person_ids:
        return {}
    sql = _Sql(since, until)
    rows = await sql.run(
        'SELECT p.person_id, SUM(p.articles) AS articles, SUM(p.helpful_votes) AS helpful_votes,'
        ' SUM(p.saved) AS saved, SUM(p.accepted) AS accepted'
        f' FROM ({sql.sources()}) p WHERE p.person_id IN ({sql.params(person_ids)}) GROUP BY p.person_id'
    )
    return {int(r['person_id']): _score(r) for r in rows}


async def _ranked(
    since: datetime | None, until: datetime | None, *, roles: list[Role], limit: int
) -> list[tuple[int, str, Score]]:
    sql = _Sql(since, until)
    rows = await sql.run(
        'SELECT p.person_id, u.name, SUM(p.articles) AS articles, SUM(p.helpful_votes) AS helpful_votes,'
        f' SUM(p.saved) AS saved, SUM(p.accepted) AS accepted, {_POINTS} AS points'
        f' FROM ({sql.sources()}) p JOIN "user" u ON u.id = p.person_id'
        f' WHERE u.is_active = TRUE AND u.role IN ({sql.params([r.value for r in roles])})'
        f' GROUP BY p.person_id, u.name ORDER BY points DESC, {sql.by_name("u.name")}, p.person_id'
        f' LIMIT {sql.params([max(1, limit)])}'
    )
    return [(int(r['person_id']), r['name'], _score(r)) for r in rows]


def _score(row: dict) -> Score:
    return Score(int(row['articles']), int(row['helpful_votes']), int(row['saved']), int(row['accepted']))


class _Sql:
    """One query's text and parameters in this database's words: SQLite keeps times as ISO text (compared as
    julian days) and JSON as text; PostgreSQL has timestamptz and jsonb. Names sort by their characters' codes
    on both (PostgreSQL's locale order would differ from SQLite's)."""

    def __init__(self, since: datetime | None, until: datetime | None) -> None:
        self.db = connections.get('default')
        self.postgres = self.db.capabilities.dialect == 'postgres'
        self.values: list[object] = []
        self.since, self.until = since, until

    def sources(self) -> str:
        answer_id = "CAST(e.data->>'answer_id' AS INTEGER)" if self.postgres else "json_extract(e.data, '$.answer_id')"
        text = _SOURCES.replace('{answer_id}', answer_id)
        text = text.replace('{peer_answer}', EventKind.PEER_ANSWER.value).replace(
            '{accepted}', EventKind.ACCEPTED.value
        )
        for column in ('a.published_at', 'v.at', 'd.at', 'e.created_at'):
            text = text.replace(f'{{window:{column}}}', self._window(column))
        return text

    def _window(self, column: str) -> str:
        moment = column if self.postgres else f'julianday({column})'
        found = ''
        if self.since is not None:
            found += f' AND {moment} >= {self._time(self.since)}'
        if self.until is not None:
            found += f' AND {moment} < {self._time(self.until)}'
        return found

    def _time(self, moment: datetime) -> str:
        if self.postgres:
            return self.params([moment])
        return f'julianday({self.params([moment.isoformat()])})'

    def params(self, values: list) -> str:
        """Placeholders for these values, in order."""
        marks = []
        for value in values:
            self.values.append(value)
            marks.append(f'${len(self.values)}' if self.postgres else '?')
        return ', '.join(marks)

    def by_name(self, column: str) -> str:
        return f'{column} COLLATE "C"' if self.postgres else column

    async def run(self, sql: str) -> list[dict]:
        return await self.db.execute_query_dict(sql, self.values)
