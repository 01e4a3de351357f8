"""Audience panels: named groups of authors followed even when they don't mention a brand."""
