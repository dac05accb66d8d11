"""The knowledge graph: entities and relations extracted from documents, with provenance, in Oxigraph."""
