"""Hybrid retrieval: ``generation`` (loading one index generation), ``fusion`` (reciprocal-rank fusion on
card ranks, a pure function) and ``searcher`` (the Searcher behind :mod:`index.api`)."""

from __future__ import annotations

from index.search.fusion import RRF_K, fuse
from index.search.generation import Generation, load_generation
from index.search.searcher import Searcher, chroma_where

__all__ = ["RRF_K", "Generation", "Searcher", "chroma_where", "fuse", "load_generation"]
