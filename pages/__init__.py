"""Screens. Importing this package registers every @ui.page; `setup` adds the plain HTTP routes."""

from fastapi import FastAPI

from . import (  # noqa: F401
    article_pages,
    auth,
    checklist,
    csp_reports,
    dispatch,
    exports,
    files,
    gaps,
    health,
    help_centre,
    helping,
    manage,
    measure_tickets,
    measures,
    my_figures,
    my_requests,
    new_request,
    offline_api,
    push_api,
    queue,
    rate,
    recognition,
    service_levels,
    settings,
    ticket,
    today,
    visit_api,
    weekly,
)


def setup(api: FastAPI) -> None:
    files.setup(api)
    health.setup(api)
    help_centre.setup(api)
    exports.setup(api)
    csp_reports.setup(api)
    rate.setup(api)
    push_api.setup(api)
    visit_api.setup(api)
    offline_api.setup(api)
