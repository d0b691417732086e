"""Ids from outside (addresses, search) are checked in one place: an impossible one is "not found", never a
database error (SQLite raises OverflowError past 64 bits, PostgreSQL a DataError past 32)."""

from __future__ import annotations

import pytest

from models import ids, tickets
from models.errors import NotFound
from models.tickets import Ticket
from models.users import User

IMPOSSIBLE = ['99999999999999999999', 10**20, 2**31, str(2**31), 2**63, 0, '0', -1, '-1', '', ' ', 'abc', '1.5', '1e3']
IMPOSSIBLE += ['+5', '٣', '²', '１２', True, None, 1.0, '0x10', '12 13', '1_000']


@pytest.mark.parametrize('value', IMPOSSIBLE, ids=repr)
def test_a_value_no_row_can_have_is_not_an_id(value: object) -> None:
    assert ids.parse(value) is None


@pytest.mark.parametrize(('value', 'expected'), [(1, 1), ('1', 1), ('42', 42), (' 7 ', 7), ('007', 7)])
def test_a_whole_number_in_range_is_an_id(value: object, expected: int) -> None:
    assert ids.parse(value) == expected


def test_the_largest_id_is_the_largest_postgresql_integer() -> None:
    assert ids.parse(str(ids.MAX_ID)) == 2**31 - 1


def test_require_says_not_found_in_the_callers_words() -> None:
    with pytest.raises(NotFound, match='No such thing'):
        ids.require('99999999999999999999', 'No such thing.')


@pytest.mark.parametrize('number', [99999999999999999999, 2**31, 2**63, 0, -1, '99999999999999999999', 'abc'])
async def test_a_ticket_number_out_of_range_is_not_found(technician: User, number: object) -> None:
    with pytest.raises(NotFound, match='There is no request #'):
        await tickets.get_for(technician, number)  # type: ignore[arg-type]


@pytest.mark.parametrize('number', [99999999999999999999, 2**31, 0, -1, '99999999999999999999'])
async def test_a_photo_id_out_of_range_is_not_found(technician: User, number: object) -> None:
    with pytest.raises(NotFound, match='That photo does not exist.'):
        await tickets.attachment_for(technician, number)  # type: ignore[arg-type]


@pytest.mark.parametrize('search', ['#99999999999999999999', '99999999999999999999', f'#{2**31}', '#0', '²'])
async def test_searching_the_queue_for_a_number_out_of_range_finds_nothing(
    technician: User, ticket: Ticket, search: str
) -> None:
    assert await tickets.queue(technician, search=search) == []


async def test_searching_the_queue_for_a_ticket_number_still_finds_it(technician: User, ticket: Ticket) -> None:
    assert [t.id for t in await tickets.queue(technician, search=f'#{ticket.id}')] == [ticket.id]
