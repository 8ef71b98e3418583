"""The daily feature."""
