"""The service catalog: what a requester can ask for, by requester category."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import IntEnum

from tortoise import fields
from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.models import Model
from tortoise.transactions import in_transaction

from .errors import Invalid, NotFound, require
from .text import normalise
from .users import Category, User

# The icons a manager may give a service (the app's icon font carries only the icons it uses: pwa/icon_font.py).
SERVICE_ICONS = (
    'support_agent', 'help', 'wifi', 'router', 'vpn_key', 'lan', 'laptop', 'desktop_windows', 'computer', 'monitor',
    'keyboard', 'mouse', 'headset_mic', 'print', 'scanner', 'phone', 'smartphone', 'phone_in_talk', 'tablet',
    'email', 'mail', 'calendar_month', 'chat', 'videocam', 'key', 'lock', 'lock_reset', 'badge', 'fingerprint',
    'security', 'person_add', 'group', 'build', 'handyman', 'construction', 'electrical_services', 'install_desktop',
    'apps', 'cloud', 'storage', 'backup', 'folder_shared', 'dns', 'bug_report', 'shopping_cart',
    'inventory', 'local_shipping', 'meeting_room', 'tv', 'light', 'ac_unit', 'chair', 'school', 'payments',
    'receipt_long', 'description', 'more_horiz',
)  # fmt: skip


class Priority(IntEnum):
    """Stored as a number so that the queue can sort by it in the database."""

    LOW = 1
    NORMAL = 2
    HIGH = 3
    URGENT = 4

    @property
    def words(self) -> str:
        return self.name.capitalize()


class Service(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=80)
    description = fields.CharField(max_length=200, default='')
    icon = fields.CharField(max_length=40, default='support_agent')  # a Material icon name
    default_priority = fields.IntEnumField(Priority, default=Priority.NORMAL)
    active = fields.BooleanField(default=True)
    peers_may_help = fields.BooleanField(default=False)  # the new-request form's "Colleagues who know this may help"
    categories: fields.ManyToManyRelation[Category] = fields.ManyToManyField(
        'models.Category', related_name='services', through='service_category'
    )

    class Meta:
        table = 'service'
        ordering = ['name']


async def services_for(viewer: User) -> list[Service]:
    """The catalog as this person may use it: requesters only see their category's services."""
    query = Service.filter(active=True)
    if not viewer.can_work_tickets:
        if viewer.category_id is None:
            return []
        query = query.filter(categories__id=viewer.category_id)
    return await query.distinct()


# The catch-all service a catalog ends with, whatever its use: it is the answer when nothing above fits.
CATCH_ALL = frozenset({'something else', 'anything else', 'other'})


async def services_by_use(viewer: User, *, now: datetime, days: int = 90) -> list[Service]:
    """`services_for(viewer)`, most requested first: by everyone's requests of the last `days` days (one count
    in the database), then by name; the catch-all ("Something else") always last."""
    services = await services_for(viewer)
    recent = Q(tickets__created_at__gte=now - timedelta(days=days))
    used = dict(
        await Service.filter(id__in=[s.id for s in services])
        .annotate(used=Count('tickets__id', _filter=recent))
        .group_by('id')
        .values_list('id', 'used')
    )
    return sorted(services, key=lambda s: (s.name.casefold() in CATCH_ALL, -(used.get(s.id) or 0), s.name.casefold()))


async def usable_service(viewer: User, service_id: int) -> Service:
    """The one rule of who may report on a service, used by every write."""
    query = Service.filter(id=service_id, active=True)
    if not viewer.can_work_tickets:
        query = query.filter(categories__id=viewer.category_id or -1)
    service = await query.first()
    if service is None:
        raise NotFound('This service is not available to you.', field='service')
    return service


async def all_services(*, actor: User) -> list[Service]:
    require(actor.can_work_tickets, 'Only staff can see the whole catalog.')
    return await Service.all().prefetch_related('categories')


async def save_service(
    *,
    actor: User | None,
    name: str,
    description: str = '',
    icon: str = 'support_agent',
    default_priority: Priority = Priority.NORMAL,
    category_ids: list[int],
    active: bool = True,
    peers_may_help: bool = False,
    service_id: int | None = None,
) -> Service:
    """Create (no `service_id`) or change a service and the categories that see it. `peers_may_help` is where
    the new-request form's "Colleagues who know this may help" box starts for this service."""
    if actor is not None:
        require(actor.is_manager, 'Only managers can change the catalog.')
    name, description = normalise(name, one_line=True), normalise(description, one_line=True)
    icon = icon.strip() or 'support_agent'
    if not name:
        raise Invalid('Please give the service a name.', field='name')
    if len(name) > 80:
        raise Invalid('Keep the name under 80 characters.', field='name')
    if len(description) > 200:
        raise Invalid('Keep the description under 200 characters.', field='description')
    if icon not in SERVICE_ICONS:
        raise Invalid('Choose one of the icons offered.', field='icon')
    categories = await Category.filter(id__in=category_ids)
    if len(categories) != len(set(category_ids)):
        raise Invalid('One of the categories does not exist.', field='categories')
    async with in_transaction():
        if service_id is None:
            service = await Service.create(
                name=name,
                description=description,
                icon=icon,
                default_priority=Priority(default_priority),
                active=active,
                peers_may_help=peers_may_help,
            )
        else:
            found = await Service.get_or_none(id=service_id)
            if found is None:
                raise NotFound('That service does not exist.')
            service = found
            service.update_from_dict(
                {
                    'name': name,
                    'description': description,
                    'icon': icon,
                    'active': active,
                    'default_priority': Priority(default_priority),
                    'peers_may_help': peers_may_help,
                }
            )
            await service.save()
            await service.categories.clear()
        if categories:
            await service.categories.add(*categories)
    return service
