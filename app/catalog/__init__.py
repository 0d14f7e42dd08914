"""The question catalog: problem folders on disk, synced into the database, shown as two tables."""
