"""Ingest: files to `Document`s (readers, decoding, cleaning, passages) in the document store."""
