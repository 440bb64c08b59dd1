"""Chunking, embeddings, the Chroma store, keyword search, hybrid retrieval and re-indexing.

The public entry points live in :mod:`index.api`.
"""
