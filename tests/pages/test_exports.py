"""The tickets' CSV download: managers get a file, everyone else a refusal."""

from __future__ import annotations

from types import SimpleNamespace

from nicegui.testing import User

from models import tickets

from .conftest import sign_in


async def test_a_manager_downloads_the_tickets_of_the_period(user: User, people: SimpleNamespace) -> None:
    await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Printer jams')
    await sign_in(user, 'maria@example.com')
    response = await user.http_client.get('/export/tickets.csv?days=7')
    assert response.status_code == 200
    assert response.headers['content-type'].startswith('text/csv')
    assert response.headers['content-disposition'].startswith('attachment; filename="tapdesk-tickets-')
    lines = response.text.splitlines()
    assert lines[0].startswith('number,title,service') and 'Printer jams' in lines[1] and len(lines) == 2
    assert (await user.http_client.get('/export/tickets.csv?days=0')).status_code == 400
    assert (await user.http_client.get('/export/tickets.csv?days=many')).status_code == 400


async def test_nobody_else_downloads_tickets(user: User, people: SimpleNamespace) -> None:
    assert (await user.http_client.get('/export/tickets.csv')).status_code == 403  # signed out
    await sign_in(user, 'sam@example.com')
    response = await user.http_client.get('/export/tickets.csv')
    assert response.status_code == 403 and 'Only managers' in response.text
