"""The streaks feature."""
