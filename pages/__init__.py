"""Screens. Importing this package registers every @ui.page; `setup` adds the plain HTTP routes."""

from fastapi import FastAPI

from . import auth, files, manage, my_requests, new_request, queue, settings, ticket  # noqa: F401


def setup(api: FastAPI) -> None:
    files.setup(api)
