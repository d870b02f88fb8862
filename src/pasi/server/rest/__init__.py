"""The REST API under ``/api`` for the web app and scripts; every route needs a user's token.

:func:`routers` lists every REST router that ``create_app`` includes. A module adding routes
appends one line to the list, naming its module (imported only when the app is built).
"""

from __future__ import annotations

from importlib import import_module

from fastapi import APIRouter


def _router(module: str) -> APIRouter:
    return import_module(module).router


def routers() -> list[APIRouter]:
    return [
        _router("pasi.server.rest.memories"),
        _router("pasi.server.rest.sources"),
        _router("pasi.server.rest.capture"),
        _router("pasi.server.rest.media"),
        _router("pasi.server.rest.timeline"),
        _router("pasi.server.rest.conversations"),
        _router("pasi.server.rest.today"),
        _router("pasi.server.rest.reminders"),
        _router("pasi.server.rest.goals"),
        _router("pasi.server.rest.people"),
        _router("pasi.server.rest.audit"),
        _router("pasi.server.rest.export"),
        _router("pasi.server.rest.settings"),
        _router("pasi.server.rest.model_list"),
        _router("pasi.server.rest.model_choice"),
        _router("pasi.server.rest.keys"),
        _router("pasi.server.rest.channels"),
        _router("pasi.server.actions"),
        _router("pasi.server.notifications"),
        _router("pasi.server.matrix_pool"),
        _router("pasi.server.charter"),
        _router("pasi.server.voice"),
    ]
