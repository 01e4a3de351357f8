"""Earful: open-source social listening and community management for brand teams."""

__version__ = "0.1.0"
