"""Retrieval-augmented answers, pre-broadcast plans and LLM providers."""
