"""The SQLite database backend with fair turns at the write lock (see base.py)."""
