"""Test-only helpers (fixtures' building blocks). Tools never import them; helpers the reliability report
shares with the tests live in the ``reliability`` package."""
