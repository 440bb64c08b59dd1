"""The cross-cycle operator handbook: cards on disk, their loader and validator."""
