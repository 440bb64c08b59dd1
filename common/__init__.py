"""The bottom layer shared by every package: atomic file writes and the command-line runner."""
