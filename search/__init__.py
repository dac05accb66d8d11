"""Search: BM25 over token streams, e5 embeddings in FAISS, fused into hybrid results."""
