"""The package version (read by hatchling at build time, so it has one source)."""

__version__ = "0.1.0"
