"""Tapdesk's entry point: wiring only (settings, database, PWA, pages, ui.run) and the `tapdesk` CLI."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import getpass
import logging
import os
import signal
import sys
from pathlib import Path

from nicegui import app, background_tasks, ui
from nicegui.storage import Storage

from models import clock, db, pg_bus, presence, settings

ROOT = Path(__file__).parent


def setup() -> None:
    """Register start-up, static files, the PWA shell and every page (idempotent per process run)."""
    import pages  # noqa: F401  (importing registers the @ui.page routes)
    import pwa
    from pages import headers, speedups, sticky
    from pwa import push

    speedups.install()  # a measured NiceGUI hot spot (pages/speedups.py)
    app.on_startup(_startup)
    app.on_shutdown(push.stop_worker)  # before the database closes: the batch in hand is finished
    app.on_shutdown(presence.stop)  # says this instance's viewers are gone, while the link still runs
    app.on_shutdown(pg_bus.stop)
    app.on_shutdown(db.stop)
    # Security headers and the Content-Security-Policy on every response, errors included (pages/headers.py).
    # The map's tile server is the one other origin allowed, for images only.
    tiles = settings.settings.map_tiles
    headers.install(
        app, https_only=settings.settings.https_only, image_origins=[headers.tile_origin(tiles)] if tiles else []
    )
    if settings.settings.instance:  # several instances behind nginx: tell it which one built this browser's pages
        sticky.install(app, settings.settings.instance, https_only=settings.settings.https_only)
    # Quasar's loading bar (drawn while an upload or another request runs) is a progressbar: it needs a name.
    app.config.quasar_config.setdefault('loadingBar', {})['aria-label'] = 'Loading'
    pwa.setup(app)  # with /static (pwa/assets.py: versioned addresses, cached for a year)
    pages.setup(app)


async def _startup() -> None:
    from pwa import push

    await db.start()
    if pg_bus.start(settings.settings.database_url):  # on PostgreSQL, events reach the other instances' pages
        presence.share()  # and "who is viewing" shows whichever instance they are on
    push.keys()  # VAPID keys: generated on the first start, kept in the data directory
    push.start_worker()  # idempotent; TAPDESK_PUSH_WORKER=0 leaves delivery to another process
    if settings.settings.followups:  # TAPDESK_FOLLOWUPS=0 leaves them to other instances
        background_tasks.create(_follow_ups(), name='follow-ups')
    background_tasks.create(_counted_times(), name='counted-times')
    if settings.settings.demo:
        from models import demo

        sign_ins = await demo.seed()
        print('\nDemo sign-ins (password "demo"):', flush=True)
        for role, name, email in sign_ins:
            print(f'  {role:<11} {name:<16} {email}', flush=True)


async def _follow_ups() -> None:
    """Every instance looks for due follow-ups each minute; the job table decides who acts on each."""
    from models import article_reviews, followups, improvements

    while True:
        try:
            await followups.run_due()
        except Exception:  # a bad job must not stop the others; it is retried by its own rules
            logging.getLogger('tapdesk.followups').exception('follow-up run failed')
        try:
            await article_reviews.run_due()  # "Time to check an article": the same job table pattern
        except Exception:
            logging.getLogger('tapdesk.followups').exception('article review reminders failed')
        try:
            await improvements.run_due()  # "Time to review" an improvement action: the same job table pattern
        except Exception:
            logging.getLogger('tapdesk.followups').exception('improvement review reminders failed')
        await asyncio.sleep(60)


async def _counted_times() -> None:
    """Soon after start, the counted times of tickets that have none stored yet (after an upgrade), so that the
    first look at the measures does not count them all at once (models/measure_times.py: `backfill`)."""
    from models import measure_times

    await asyncio.sleep(COUNTED_TIMES_DELAY_S)  # the first pages first
    try:
        weeks = await measure_times.backfill(clock.now())
    except Exception:  # the measures still count what is missing when they are read
        logging.getLogger('tapdesk.measures').exception('storing counted times failed')
        return
    if weeks:
        logging.getLogger('tapdesk.measures').info('counted times stored for %d weeks of tickets', weeks)


COUNTED_TIMES_DELAY_S = 5


def serve(host: str = '127.0.0.1', port: int = 8080) -> None:
    from pwa import compress

    s = settings.reload()
    if not os.environ.get('NICEGUI_USER_SIMULATION'):
        refusal = db.hold_the_only_server(s.database_url)
        if refusal:
            sys.exit(refusal)
        if s.instance:
            from pages import sticky

            try:
                sticky.check_name(s.instance)
            except ValueError as e:
                sys.exit(str(e))
        # Sign-ins live with the data (not in the working directory), so they survive restarts and moves.
        Storage.path = s.data_dir / 'sessions'
        app.storage = Storage()
    setup()
    # Every open page keeps its elements for its whole life: with the default thresholds Python runs
    # full collections over that large, long-lived heap, pausing every page for up to a second.
    gc.set_threshold(50_000, 20, 100)
    ui.run(
        host=host,
        port=port,
        title='Tapdesk',
        favicon=ROOT / 'static' / 'icons' / 'icon-192.png',
        dark=None,  # follows the system
        tailwind=False,  # Quasar's classes are enough; saves ~67 KB gzipped on every phone
        storage_secret=settings.secret('session'),
        session_middleware_kwargs={'https_only': s.https_only, 'same_site': 'lax', 'max_age': s.session_days * 86400},
        reconnect_timeout=s.reconnect_timeout,
        reload=False,
        show=False,
        show_welcome_message=False,
        language='en-GB',
        viewport='width=device-width, initial-scale=1, viewport-fit=cover',  # the notch's safe areas apply
        gzip_middleware_factory=compress.BrotliOrGzip,  # brotli for assets and pages, gzip for the rest
    )


def cli(argv: list[str] | None = None) -> None:
    s = settings.reload()
    parser = argparse.ArgumentParser(prog='tapdesk', description='Tapdesk service desk')
    sub = parser.add_subparsers(dest='command', required=True)
    p_serve = sub.add_parser('serve', help='start the web app')
    p_serve.add_argument('--host', default=s.host)
    p_serve.add_argument('--port', type=int, default=s.port)
    p_serve.add_argument('--demo', action='store_true', help='seed demo data (idempotent) and print the sign-ins')
    sub.add_parser('worker', help='deliver push notifications and run due follow-ups, with no web pages')
    sub.add_parser('migrate', help='bring the database schema up to date')
    p_user = sub.add_parser('createuser', help='add a person')
    p_user.add_argument('--email', required=True)
    p_user.add_argument('--name', required=True)
    p_user.add_argument('--role', choices=['requester', 'technician', 'manager'], default='requester')
    p_user.add_argument('--category', help='requester category name (created if missing)')
    p_user.add_argument('--password', help='read from the terminal (or TAPDESK_PASSWORD) when not given')
    args = parser.parse_args(argv)

    if args.command == 'serve':
        if args.demo:
            os.environ['TAPDESK_DEMO'] = '1'  # serve() re-reads the settings
        serve(args.host, args.port)
    elif args.command == 'worker':
        asyncio.run(_work())
    elif args.command == 'migrate':
        asyncio.run(db.migrate())
        print('The database is up to date.')
    elif args.command == 'createuser':
        password = args.password or s.createuser_password or getpass.getpass('Password: ')
        sys.exit(asyncio.run(_createuser(args, password)))


async def _work() -> None:
    """`tapdesk worker`: push delivery and follow-ups as a process of its own, for those who run the web
    instances with TAPDESK_PUSH_WORKER=0 and TAPDESK_FOLLOWUPS=0 (or beside them: every row is claimed once).
    On PostgreSQL it hears the instances' "messages queued" at once; on SQLite it looks every few seconds.
    SIGTERM or Ctrl-C: the batch in hand is finished, then it stops."""
    from pwa import push

    await db.start()
    try:
        pg_bus.start(settings.settings.database_url)
        push.keys()
        working = ['delivering push notifications'] if push.start_worker() else []
        followups = asyncio.ensure_future(_follow_ups()) if settings.settings.followups else None
        working += ['running due follow-ups'] if followups else []
        print(f'Tapdesk worker: {" and ".join(working) or "nothing to do (both are switched off)"}.', flush=True)
        stop = asyncio.Event()
        for signal_ in (signal.SIGTERM, signal.SIGINT):
            asyncio.get_running_loop().add_signal_handler(signal_, stop.set)
        await stop.wait()
        if followups is not None:
            followups.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await followups
        await push.stop_worker()
        await pg_bus.stop()
    finally:
        await db.stop()
    print('Tapdesk worker stopped.', flush=True)


async def _createuser(args: argparse.Namespace, password: str) -> int:
    from models import errors, users

    await db.start()
    try:
        category_id = None
        if args.category:
            category = await users.Category.get_or_none(name=args.category)
            category = category or await users.create_category(args.category, actor=None)
            category_id = category.id
        user = await users.create_user(
            email=args.email,
            name=args.name,
            password=password,
            role=users.Role(args.role),
            category_id=category_id,
            actor=None,
        )
        print(f'Added {user.name} <{user.email}> as {user.role.value}.')
        return 0
    except errors.DomainError as e:
        print(f'Not added: {e}', file=sys.stderr)
        return 1
    finally:
        await db.stop()


if __name__ in {'__main__', '__mp_main__'}:
    if os.environ.get('NICEGUI_USER_SIMULATION'):
        serve()  # NiceGUI's `user` test fixture runs this file; ui.run only records the configuration then
    elif __name__ == '__main__':
        cli()
