"""Recognition: who helped colleagues most (/thanks) and one's own profile with points and badges (/me).
What counts and who is ranked is decided in models/recognition.py; managers switch it on and off (/manage)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request
from nicegui import ui

from models import clock, recognition, users
from models.recognition import Badge, Score, Standing
from models.users import User

from .layout import frame, signed_in

OFF = 'The IT team has switched points and badges off for now.'
MONTH, ALL_TIME = 'This month', 'All time'


@ui.page('/thanks')
@signed_in()
async def thanks(request: Request, viewer: User) -> None:
    with frame('Thanks', viewer):
        if not await recognition.enabled():
            ui.label(OFF).classes('text-body1').mark('recognition-off')
            return None
        ui.label('Colleagues who answer questions and write down fixes save everyone time. Thank you.').classes(
            'text-body2'
        )

        @ui.refreshable
        async def board(period: str) -> None:
            await _board(viewer, period)

        ui.toggle([MONTH, ALL_TIME], value=MONTH, on_change=lambda e: board.refresh(e.value)).props(
            'spread no-caps unelevated size=lg toggle-color=primary'
        ).classes('full-width').mark('period')
        await board(MONTH)
        ui.button('Your profile and badges', icon='military_tech', on_click=lambda: ui.navigate.to('/me')).props(
            'outline no-caps size=lg'
        ).classes('full-width').mark('to-profile')
    return None


async def _board(viewer: User, period: str) -> None:
    now = clock.now()
    if period == MONTH:
        since = recognition.this_month(now, viewer.timezone)
        standings = await recognition.leaderboard(viewer, since=since, until=now + timedelta(seconds=1))
        heading = 'Colleagues who helped most this month'
    else:
        standings = await recognition.leaderboard(viewer)
        heading = 'Colleagues who helped most of all time'
    ui.label(heading).classes('text-subtitle1 text-weight-medium').mark('board-heading')
    if not standings:
        ui.label("Nobody yet: answer a colleague's question or write an article to be the first.").classes(
            'text-body2'
        ).mark('board-empty')
        return
    with ui.list().props('bordered separator').classes('full-width td-list').mark('board'):
        for place, standing in enumerate(standings, start=1):
            _standing(place, standing, viewer)


def _standing(place: int, standing: Standing, viewer: User) -> None:
    mine = standing.person_id == viewer.id
    with (
        ui.item()
        .classes('q-py-sm' + (' bg-blue-1' if mine else ''))
        .style('min-height: 60px')
        .mark(f'standing-{standing.person_id}')
    ):
        with ui.item_section().props('avatar'):
            ui.label(str(place)).classes('text-h6 text-weight-bold text-primary')
        with ui.item_section():
            ui.label(standing.name + (' (you)' if mine else '')).classes('text-weight-medium ellipsis')
            if standing.badges:
                with ui.row().classes('gap-1 items-center no-wrap'):
                    for badge in standing.badges:
                        _badge_icon(badge, size='20px')
        with ui.item_section().props('side'):
            ui.label(_points(standing.score)).classes('text-subtitle1 text-weight-bold text-primary').mark(
                f'points-{standing.person_id}'
            )


@ui.page('/me')
@signed_in()
async def me(request: Request, viewer: User) -> None:
    mine = await recognition.profile(viewer)
    with frame('Your profile', viewer):
        with ui.card().classes('full-width'):
            ui.label(viewer.name).classes('text-h6').mark('profile-name')
            ui.label(users.ROLE_WORDS[viewer.role]).classes('text-caption')
            if mine.recognition:
                ui.label(_points(mine.score)).classes('text-h4 text-weight-bold text-primary q-mt-sm').mark(
                    'profile-points'
                )
        _counts(mine.score)
        if not mine.recognition:
            ui.label(OFF).classes('text-body1').mark('recognition-off')
            return None
        ui.label('Your badges').classes('text-subtitle1 text-weight-medium')
        _badges(mine.badges)
        ui.button('Who helped most', icon='emoji_events', on_click=lambda: ui.navigate.to('/thanks')).props(
            'unelevated no-caps size=lg'
        ).classes('full-width').mark('to-thanks')
    return None


def _counts(score: Score) -> None:
    facts = [
        ('Articles published', score.articles, 'articles'),
        ("Answers that fixed a colleague's problem", score.accepted, 'accepted'),
        ('Requests saved through your articles', score.saved, 'saved'),
        ('"Helpful" votes on your articles', score.helpful_votes, 'votes'),
    ]
    with ui.list().props('bordered separator dense').classes('full-width td-list').mark('counts'):
        for words, count, marker in facts:
            with ui.item().style('min-height: 48px'):
                with ui.item_section():
                    ui.label(words)
                with ui.item_section().props('side'):
                    ui.label(str(count)).classes('text-subtitle1 text-weight-bold').mark(f'count-{marker}')


def _badges(badges: list[Badge]) -> None:
    if not badges:
        ui.label('None yet. Your first comes with your first accepted answer or published article.').classes(
            'text-body2'
        ).mark('no-badges')
        return
    with ui.list().props('bordered separator').classes('full-width td-list').mark('badges'):
        for badge in badges:
            with ui.item().style('min-height: 60px').mark('badge'):
                with ui.item_section().props('avatar'):
                    _badge_icon(badge, size='32px')
                with ui.item_section():
                    ui.label(badge.name).classes('text-weight-medium')
                    ui.label(badge.reason).classes('text-caption')


def _badge_icon(badge: Badge, *, size: str) -> None:
    ui.icon(badge.icon, size=size, color='amber-9').props(f'aria-label="{badge.name}" role=img').tooltip(badge.name)


def _points(score: Score) -> str:
    return '1 point' if score.points == 1 else f'{score.points} points'
