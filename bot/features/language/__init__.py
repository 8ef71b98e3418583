"""The language feature."""
