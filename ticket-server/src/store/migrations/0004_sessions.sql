-- Officers stay logged in across restarts and kill -9: sessions are kept here, but never a token
-- itself, only a keyed hash of it (the key is the building's own, in `auth_key`). The password tag
-- is a keyed hash of the password hash the session was opened with: a changed password ends it.
CREATE TABLE auth_key (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key BLOB NOT NULL
);

CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY,
    username     TEXT NOT NULL,
    password_tag BLOB NOT NULL,
    created_ms   INTEGER NOT NULL,
    last_used_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX sessions_by_user ON sessions (username);
