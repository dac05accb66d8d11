"""Entity pages' data for /id/… and /api/entities/…: the graph's description, properties named for people."""

from __future__ import annotations

from typing import Any

from core.errors import NotFoundError
from graph import entities
from graph.catalog import labels
from web.property_labels import compact_name, inverse_label, property_label
from web.services import Services


def entity_uri(svc: Services, path: str) -> str:
    """The entity URI of an /id/… path; a path the minter could not have produced is not found."""
    uri = svc.graph.minter.entity(path)
    if uri is None:
        raise NotFoundError(f"no entity /id/{path}")
    return str(uri)


def describe_entity(svc: Services, uri: str) -> dict[str, Any]:
    """graph.entities.describe_entity with every property named in Vietnamese beside its standard
    name, each statement once (a value with two labels came back twice), and a label for linked
    entities that have none of their own (indicator figures: "PAR INDEX — Hà Nội, 2022")."""
    entity = entities.describe_entity(svc.graph, uri)
    entity["properties"] = _once(entity["properties"], "value")
    entity["incoming"] = _once(entity["incoming"], "subject")
    unnamed = [
        i.get("value") or i.get("subject") for i in entity["properties"] + entity["incoming"] if i["link"] and not i["label"]
    ]
    names = labels(svc.graph, unnamed) if unnamed else {}
    for item in entity["properties"] + entity["incoming"]:
        item.update(property_name=compact_name(item["property"]), property_label=property_label(item["property"]))
    for item in entity["incoming"]:
        item["inverse_label"] = inverse_label(item["property"])
        if item["link"] and not item["label"]:
            item["label"] = names.get(item.get("value") or item.get("subject"))
    return entity


def _once(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for item in items:
        if (item["property"], item[key]) not in seen:
            seen.add((item["property"], item[key]))
            kept.append(item)
    return kept


def entity_rdf(svc: Services, uri: str, rdf_format: str) -> str:
    return entities.entity_rdf(svc.graph, uri, rdf_format)
