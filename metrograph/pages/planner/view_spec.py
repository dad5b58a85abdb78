"""A planner view declared once: its form, its page's parts and its data.

A module of this package that defines ``VIEW = PlannerView(...)`` is a view: the web layer
serves its page at ``/<name>`` (the shared shell ``templates/planner_view.html``: heading,
introduction, a form made from :attr:`PlannerView.fields`, a status line, a note for browsers
without JavaScript, and the :attr:`PlannerView.sections` the script fills) and its data at
``/api/<name>.json``; the page loads ``static/views/<name>.js``. Its texts are the entries
``<name>`` and ``<name>_intro`` (and the field and section keys) of
:data:`metrograph.i18n.text.VIEWS`. Framework-free: the web layer passes a :class:`ViewContext`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from metrograph.model.validity import parse_day

__all__ = ["Choice", "Field", "PlannerView", "Section", "ViewContext", "planner_views"]


class ViewContext(Protocol):
    """What a view may use: the engine, the base IRI, per-release caching, IRI references."""

    base: str

    def run(self, query: str, substitutions: dict[str, Any] | None = None) -> list[dict]: ...

    def cached(self, name: str, make: Callable[[], Any]) -> Any: ...

    def entity_iri(self, text: str | None, folder: str | None = None) -> str | None: ...

    def curie(self, iri: str) -> str: ...


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    label_en: str


@dataclass(frozen=True)
class Field:
    """A form field and request parameter. ``kind``: ``date`` (a day, checked), ``select``
    (one of :attr:`choices`, an entity reference)."""

    name: str
    kind: Literal["date", "select"]
    #: the key of its label in the view texts
    label: str
    choices: Callable[[ViewContext], list[Choice]] | None = None
    default: str = ""


@dataclass(frozen=True)
class Section:
    """A part of the page the script fills: ``heading`` (an h2), ``figure`` (a drawing),
    ``table`` or ``list``, under the heading text ``title`` with an optional inline element
    ``detail`` (its id) after it."""

    id: str
    kind: Literal["heading", "figure", "table", "list"]
    title: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class PlannerView:
    name: str
    fields: tuple[Field, ...]
    sections: tuple[Section, ...]
    #: the validated parameters → the JSON of ``/api/<name>.json``
    data: Callable[[ViewContext, dict[str, str | None]], Any]
    #: checks the parameters beyond their kind (raise BadRequest); returns them, resolved
    check: Callable[[ViewContext, dict[str, str | None]], dict[str, str | None]] = \
        field(default=lambda _context, values: values)

    def parameters(self, context: ViewContext, given: Callable[[str], str | None]
                   ) -> dict[str, str | None]:
        """The request's values for the fields (``given(name)`` reads one, None when absent),
        each checked by its kind, then by :attr:`check`."""
        values: dict[str, str | None] = {}
        for item in self.fields:
            text = given(item.name)
            if item.kind == "date":
                values[item.name] = parse_day(text, item.name)
            else:
                values[item.name] = context.entity_iri(text or item.default or None)
        return self.check(context, values)


def planner_views() -> dict[str, PlannerView]:
    """Every view of this package, by name (the modules that define ``VIEW``)."""
    package = importlib.import_module(__package__ or "metrograph.pages.planner")
    found: dict[str, PlannerView] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        view = getattr(module, "VIEW", None)
        if isinstance(view, PlannerView):
            found[view.name] = view
    return found
