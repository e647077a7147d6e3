-- The append-only event log: the source of truth and the audit trail.
-- `payload` is the event exactly as clients receive it (antri_wire::Event as JSON).
CREATE TABLE events (
    seq        INTEGER PRIMARY KEY,
    at         TEXT    NOT NULL,          -- RFC 3339, building's offset
    day        TEXT    NOT NULL,          -- building's local date
    type       TEXT    NOT NULL,
    actor_kind TEXT    NOT NULL,
    actor_id   TEXT    NOT NULL,
    ticket_id  INTEGER,
    payload    TEXT    NOT NULL
);
CREATE INDEX events_type ON events(type, seq);
CREATE INDEX events_ticket ON events(ticket_id);

-- Derived from the log in the same transaction: one row per ticket, for tracking and statistics.
CREATE TABLE tickets (
    id              INTEGER PRIMARY KEY,
    day             TEXT    NOT NULL,
    number          TEXT    NOT NULL,
    issued_service  TEXT    NOT NULL,
    service         TEXT    NOT NULL,
    category        TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    tracking_code   TEXT    NOT NULL UNIQUE,
    device          TEXT,
    issued_at       INTEGER NOT NULL,     -- unix seconds
    first_called_at INTEGER,
    started_at      INTEGER,
    finished_at     INTEGER,
    counter         INTEGER,
    officer         TEXT,
    calls           INTEGER NOT NULL DEFAULT 0,
    view            TEXT    NOT NULL      -- antri_wire::TicketView as JSON
);
CREATE INDEX tickets_day_service ON tickets(day, service);
