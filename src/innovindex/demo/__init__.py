"""The SYNTHETIC demo world and the `innovindex demo` job."""

from .world import SYNTHETIC_LABEL, demo_world

__all__ = ["SYNTHETIC_LABEL", "demo_world"]
