"""Entity pages' data for /id/… and /api/entities/…: the graph's description, properties named for people."""

from __future__ import annotations

from typing import Any

from core.errors import NotFoundError
from graph import entities
from web.property_labels import compact_name, property_label
from web.services import Services


def entity_uri(svc: Services, path: str) -> str:
    """The entity URI of an /id/… path; a path the minter could not have produced is not found."""
    uri = svc.graph.minter.entity(path)
    if uri is None:
        raise NotFoundError(f"no entity /id/{path}")
    return str(uri)


def describe_entity(svc: Services, uri: str) -> dict[str, Any]:
    """graph.entities.describe_entity with every property named in Vietnamese beside its standard name."""
    entity = entities.describe_entity(svc.graph, uri)
    for item in entity["properties"] + entity["incoming"]:
        item.update(property_name=compact_name(item["property"]), property_label=property_label(item["property"]))
    return entity


def entity_rdf(svc: Services, uri: str, rdf_format: str) -> str:
    return entities.entity_rdf(svc.graph, uri, rdf_format)
