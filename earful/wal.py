"""Copy the write-ahead log into the database from a thread of its own.

SQLite's own checkpoint runs inside the COMMIT that crosses its threshold: that COMMIT copies
every page the last few batches touched and waits for two fsyncs. Storing 100,000 posts, this
was a third of the writer's wall time. :class:`Checkpointer` does the same copying on its own
connection in a background thread (SQLite releases the GIL meanwhile), so the writer goes on
with its next batch. A passive checkpoint never blocks the writer, nor readers.

The log restarts from its beginning only after a checkpoint that copied all of it, and a
background checkpoint racing a busy writer may never get there. So once the log holds
``BACKSTOP`` times the threshold, the writer copies it itself, waiting for the thread first:
with nothing written meanwhile, that checkpoint completes and the log starts over.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

# Past this many times the threshold the writer checkpoints itself (see above).
BACKSTOP = 4
# Bytes of log kept allocated after it restarts (at most half the threshold), so that the log's
# size on disk says how much is waiting to be copied: without a limit, SQLite reuses the file
# from its start and it never shrinks.
KEEP_BYTES = 4 * 1024 * 1024


class Checkpointer:
    """Background checkpoints for one database file. Call :meth:`committed` after each write
    transaction and :meth:`close` before closing the writer's connection.

    Example::

        checkpointer = Checkpointer(path, conn, pages=10_000)
        ...  # after each COMMIT on conn:
        checkpointer.committed()
    """

    def __init__(self, path: Path, writer: sqlite3.Connection, *, pages: int) -> None:
        self.wal = Path(f"{path}-wal")
        self.path = path
        (page_size,) = writer.execute("PRAGMA page_size").fetchone()
        self.threshold = pages * (page_size + 24)  # each frame: a page and its 24-byte header
        self.writer = writer
        # SQLite's own checkpoint stays for writes made outside Store.transaction.
        writer.execute(f"PRAGMA wal_autocheckpoint = {pages * BACKSTOP * 2}")
        writer.execute(f"PRAGMA journal_size_limit = {min(KEEP_BYTES, self.threshold // 2)}")
        self._due = threading.Event()
        self._copying = threading.Lock()  # one checkpoint at a time: the thread's or the writer's
        self._starting = threading.Lock()
        self._closing = False
        self._thread: threading.Thread | None = None
        self.checkpoints = 0  # completed by the thread, for tests and diagnostics

    def committed(self) -> None:
        """A write transaction just committed: start a checkpoint if the log is long enough."""
        try:
            size = os.stat(self.wal).st_size
        except OSError:  # no log yet, or it was just removed by a closing reader
            return
        if size < self.threshold or self._closing:
            return
        if size >= self.threshold * BACKSTOP:
            with self._copying:
                self.writer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            return
        with self._starting:  # the store's connection may be shared by threads
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name=f"checkpoint {self.path.name}")
                self._thread.start()
        self._due.set()

    def close(self) -> None:
        """Stop the thread after any checkpoint it is running."""
        self._closing = True
        with self._starting:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._due.set()
            thread.join()

    def _run(self) -> None:
        conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            while True:
                self._due.wait()
                self._due.clear()
                if self._closing:
                    return
                try:
                    with self._copying:
                        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    self.checkpoints += 1
                except sqlite3.Error as error:  # the writer's own checkpoint bounds the log
                    log.warning("background checkpoint of %s failed: %s", self.path, error)
        finally:
            conn.close()
