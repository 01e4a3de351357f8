"""Command groups of the ``earful`` CLI, each over one part of the library."""
