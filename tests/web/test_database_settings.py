"""An SQLite file named by DATABASE_URL runs as the embedded one does: without IMMEDIATE
transactions, WAL and the busy timeout, page views under load failed at once with "database is
locked" (issue 19)."""

from safeguarding.settings import environment


def test_an_sqlite_file_named_by_database_url_gets_the_embedded_options(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/hub.sqlite3")
    named = environment.database()
    monkeypatch.delenv("DATABASE_URL")
    embedded = environment.database(sqlite_path=tmp_path / "embedded.sqlite3")
    assert named["NAME"] == str(tmp_path / "hub.sqlite3")
    assert named["OPTIONS"] == embedded["OPTIONS"]
    assert named["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert named["OPTIONS"]["timeout"] == 20
    assert "journal_mode=WAL" in named["OPTIONS"]["init_command"]


def test_a_postgresql_url_keeps_its_own_options(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://hub:secret@db.example:5433/hub")
    config = environment.database()
    assert (config["ENGINE"], config["NAME"], config["PORT"]) == (
        "django.db.backends.postgresql",
        "hub",
        5433,
    )
    assert config["CONN_MAX_AGE"] == 60
    assert "transaction_mode" not in config.get("OPTIONS", {})
