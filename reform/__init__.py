"""reform-kg: knowledge graph and semantic search over Vietnamese administrative-reform documents."""

__version__ = "0.1.0"
