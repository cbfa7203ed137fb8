"""Recipes shipped with innovindex (``NAME.yaml``); see :mod:`innovindex.sources.recipe`."""
