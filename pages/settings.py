"""Notifications: turn them on for this device, see and remove devices, choose what to hear about, test.

Also `push_prompt()`, the small "Get notified about your requests" card shown right after a requester
sends a request (the moment the question makes sense to them).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from fastapi import Request
from nicegui import Client, ui
from nicegui.events import GenericEventArguments

from models import errors, notifications
from models.notifications import Kind, PushSubscription
from models.users import User
from pwa import push

from .layout import frame, signed_in, tell, when
from .saved import heading

# Runs in the browser inside the button's own click handler: iOS Safari and Firefox ask for permission
# only within a tap, not after a round trip to the server. Answers the subscription as
# `subscription.toJSON()` has it, or {error: ...}. `__KEY__` is the server's own public key, never user input.
SUBSCRIBE_JS = """
if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
  return {error: 'unsupported'};
}
const permission = await Notification.requestPermission();
if (permission !== 'granted') return {error: permission};
const registration = await Promise.race([
  navigator.serviceWorker.ready, new Promise((resolve) => setTimeout(() => resolve(null), 10000)),
]);
if (!registration) return {error: 'no-worker'};
const key = Uint8Array.from(atob(__KEY__.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
try {
  let subscription = await registration.pushManager.getSubscription();
  const current = subscription && subscription.options && subscription.options.applicationServerKey;
  if (current && new Uint8Array(current).join() !== key.join()) {  // made for another server key
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription = subscription
    || await registration.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: key});
  return subscription.toJSON();
} catch (error) {
  return {error: 'failed', detail: String(error)};
}
"""

PROBLEMS = {
    'unsupported': 'This browser cannot show notifications. On an iPhone or iPad, add Tapdesk to your Home Screen '
    '(Share, then "Add to Home Screen"), open it from there and try again.',
    'denied': 'Notifications are blocked for Tapdesk in this browser. Allow them in the site settings '
    '(the icon next to the address), then try again.',
    'default': 'Notifications were not allowed. Tap the button again when you are ready.',
    'no-worker': 'This page is not ready for notifications yet. Reload it and try again.',
    'failed': 'The browser could not turn notifications on. Try again in a moment.',
}


@ui.page('/settings')
@signed_in()
async def settings_page(request: Request, viewer: User) -> None:
    with frame('Notifications', viewer):
        ui.button('Your profile and badges', icon='military_tech', on_click=lambda: ui.navigate.to('/me')).props(
            'outline no-caps size=lg'
        ).classes('full-width').mark('to-profile')
        await NotificationSettings(viewer).build()
    return None


async def push_prompt(viewer: User) -> None:
    """After a request is sent: offer notifications once, unless this person has a device already."""
    if await notifications.devices(viewer):
        return
    with ui.card().classes('full-width').mark('push-prompt') as card:
        ui.label('Get notified about your requests').classes('text-subtitle1 text-weight-medium')
        ui.label('We tell you when someone replies, is on the way or has fixed it, even when Tapdesk is closed.')
        with ui.row().classes('full-width q-gutter-sm'):
            client = ui.context.client

            async def turn_on(e: GenericEventArguments) -> None:
                if await remember_device(viewer, e.args, client):
                    card.delete()

            subscribe_button('Turn on notifications', turn_on).props('unelevated no-caps').mark('push-prompt-on')
            ui.button('Not now', on_click=card.delete).props('flat no-caps').mark('push-prompt-later')


def subscribe_button(label: str, on_answer: Callable[[GenericEventArguments], Awaitable[None]]) -> ui.button:
    """A button whose tap asks the browser for permission and a push subscription right there, in the
    tap, and then hands the browser's answer to `on_answer` (as `event.args`)."""
    script = SUBSCRIBE_JS.replace('__KEY__', json.dumps(push.public_key_b64()))
    button = ui.button(label, icon='notifications_active')
    button.on('click', on_answer, js_handler=f'async () => emit(await (async () => {{ {script} }})())')
    return button


async def remember_device(viewer: User, answer: object, client: Client) -> bool:
    """Keep the subscription the browser answered with, or say in plain words why there is none."""
    if not isinstance(answer, dict) or 'error' in answer:
        problem = answer.get('error') if isinstance(answer, dict) else 'failed'
        tell(client, PROBLEMS.get(str(problem), PROBLEMS['failed']), type='warning', multi_line=True)
        return False
    try:
        await notifications.subscribe(
            viewer, endpoint=str(answer.get('endpoint') or ''), keys=answer.get('keys') or {}, user_agent=_user_agent()
        )
    except errors.DomainError as e:
        tell(client, str(e), type='negative', multi_line=True)
        return False
    tell(client, 'Notifications are on for this device.', type='positive')
    return True


class NotificationSettings:
    def __init__(self, viewer: User) -> None:
        self.viewer = viewer
        self.client = ui.context.client  # messages go through the page: handlers may redraw their own button

    async def build(self) -> None:
        with ui.card().classes('full-width'):
            ui.label('This device').classes('text-subtitle1 text-weight-medium')
            ui.label(
                'Get a notification on this phone or computer when something happens, even when Tapdesk is closed.'
            ).classes('text-body2')
            subscribe_button(self._turn_on_words(), self.turn_on).props('unelevated no-caps').classes(
                'full-width'
            ).mark('turn-on')
        ui.label('Your devices').classes('text-subtitle1 text-weight-medium q-mt-sm')
        self.device_list = ui.list().props('bordered separator').classes('full-width td-list').mark('devices')
        await self.show_devices()
        # Each switch saves when flipped (no Save button); "Saved" says it did.
        self.note = heading('Tell me about', 'prefs-saved', classes='text-subtitle1 text-weight-medium q-mt-sm')
        with ui.column().classes('full-width q-gutter-xs'):
            for kind, enabled in (await notifications.preferences(self.viewer)).items():
                ui.switch(
                    notifications.WORDS[kind], value=enabled, on_change=lambda e, k=kind: self.choose(k, e.value)
                ).mark(f'pref-{kind.value}')
        ui.button('Send a test notification', icon='send', on_click=self.send_test).props('outline no-caps').classes(
            'full-width'
        ).mark('send-test')

    def _turn_on_words(self) -> str:
        if self.viewer.can_work_tickets:
            return 'Get notified about new requests and replies'
        return 'Get notified about your requests'

    async def turn_on(self, e: GenericEventArguments) -> None:
        if await remember_device(self.viewer, e.args, self.client):
            await self.show_devices()

    async def show_devices(self) -> None:
        found = await notifications.devices(self.viewer)
        self.device_list.clear()
        with self.device_list:
            if not found:
                with ui.item():
                    ui.label('No devices yet. Turn notifications on here, on each phone or computer you use.').classes(
                        'text-body2'
                    )
            for device in found:
                self._device_row(device)

    def _device_row(self, device: PushSubscription) -> None:
        with ui.item().mark(f'device-{device.id}'):
            with ui.item_section():
                ui.label(device.device or 'Browser').classes('text-weight-medium')
                used = f' · last notified {when(device.last_used_at, self.viewer)}' if device.last_used_at else ''
                ui.label(f'Added {when(device.created_at, self.viewer)}{used}').classes('text-caption')
            with ui.item_section().props('side'):
                ui.button('Remove', on_click=lambda d=device: self.remove(d)).props('flat no-caps color=negative').mark(
                    f'remove-{device.id}'
                )

    async def remove(self, device: PushSubscription) -> None:
        try:
            await notifications.remove_device(self.viewer, device.id)
        except errors.NotFound:
            pass  # removed meanwhile, e.g. from another tab
        await self.show_devices()  # this deletes the button whose handler runs: tell through the page
        tell(self.client, f'{device.device or "That device"} will get no more notifications.')

    async def choose(self, kind: Kind, enabled: bool) -> None:
        await notifications.set_preference(self.viewer, kind, enabled)
        self.note.saved()

    async def send_test(self) -> None:
        try:
            count = await notifications.send_test(self.viewer)
        except errors.DomainError as e:
            tell(self.client, str(e), type='warning')
            return
        devices = 'your device' if count == 1 else f'your {count} devices'
        tell(self.client, f'Sent to {devices}. It should arrive within a few seconds.', type='positive')


def _user_agent() -> str:
    request = getattr(ui.context.client, 'request', None)
    return request.headers.get('user-agent', '') if request is not None else ''
