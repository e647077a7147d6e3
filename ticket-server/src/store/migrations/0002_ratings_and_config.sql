-- Satisfaction ratings, derived from `ticket_rated` events in the same transaction (like
-- `tickets`). The primary key is the second guard of "one rating per ticket" after the queue's.
CREATE TABLE ratings (
    ticket_id INTEGER PRIMARY KEY,
    seq       INTEGER NOT NULL,
    day       TEXT    NOT NULL,       -- building's local date of the rating
    service   TEXT    NOT NULL,
    counter   INTEGER,
    score     INTEGER NOT NULL CHECK (score BETWEEN 1 AND 4),
    actor_kind TEXT   NOT NULL,       -- device (the loket's tablet) or visitor (tracking page)
    actor_id  TEXT    NOT NULL
);
CREATE INDEX ratings_day ON ratings(day);

-- Configuration versions written by the admin page, one per `config_changed` event (version =
-- that event's seq). The newest one is used at start instead of the TOML file. `document` is the
-- configuration as JSON (config::raw::File); it holds password hashes and device tokens, so it
-- lives here and not in the event payload that every display receives.
CREATE TABLE config_versions (
    version  INTEGER PRIMARY KEY,
    at       TEXT    NOT NULL,
    actor_id TEXT    NOT NULL,
    section  TEXT    NOT NULL,
    document TEXT    NOT NULL
);

-- The audit page filters by day and actor.
CREATE INDEX events_day ON events(day, seq);
CREATE INDEX events_actor ON events(actor_id, seq);
