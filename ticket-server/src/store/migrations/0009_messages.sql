-- Messages through the building's SMS/WhatsApp gateway (see `messages`).
--
-- Consent: a walk-in ticket's visitor opts in on the tracking page (a row here); a booked
-- visitor's number is the booking's own `bookings.phone` (kept only with their agreement). The
-- number is never in the event log; it is erased with the bookings' personal data
-- (`personal_data_erased`, `retention_days` after the visit), or at once when the visitor stops.
CREATE TABLE message_contacts (
    ticket_id    INTEGER PRIMARY KEY,
    day          TEXT    NOT NULL,          -- the ticket's local date (for the retention)
    phone        TEXT,                      -- +628…; NULL once stopped or erased
    phone_masked TEXT,
    places       INTEGER NOT NULL,          -- "turn near" at this many ahead or fewer
    consented_at INTEGER NOT NULL,          -- unix ms
    stopped_at   INTEGER,
    erased_at    INTEGER
);

-- The last event of the log the message deriver has handled. It moves in the same transaction as
-- the outbox rows it derived, so a crash repeats or loses no event (and the keys below make a
-- repeat harmless anyway). A database from before this migration starts at its end: no messages
-- for events of the past.
CREATE TABLE message_cursor (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO message_cursor (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM events;

-- Every message to deliver, with its delivery state. `key` is the Idempotency-Key the gateway
-- receives (`ticket:12:called:345`), unique: a message is queued once. `body` is the JSON sent,
-- without the phone number, which is read from its source at each attempt. Rows of days past the
-- retention are deleted with the personal data.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    key          TEXT    NOT NULL UNIQUE,
    kind         TEXT    NOT NULL,          -- booking_confirmed | reminder | turn_near | called | no_show
    ticket_id    INTEGER,                   -- the number comes from message_contacts …
    booking_id   INTEGER,                   -- … or, when set, from bookings.phone
    number       TEXT,                      -- the ticket's number (shown in the log)
    body         TEXT    NOT NULL,
    phone_masked TEXT,
    day          TEXT    NOT NULL,          -- local date the message is about (for the retention)
    status       TEXT    NOT NULL DEFAULT 'pending', -- pending | delivered | failed | cancelled
    attempts     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,          -- unix ms
    next_at      INTEGER NOT NULL,          -- unix ms: due from then (a reminder: later)
    delivered_at INTEGER,
    last_error   TEXT,
    http_status  INTEGER
);
CREATE INDEX outbox_due ON outbox(next_at) WHERE status = 'pending';
CREATE INDEX outbox_ticket ON outbox(ticket_id) WHERE ticket_id IS NOT NULL;
CREATE INDEX outbox_booking ON outbox(booking_id) WHERE booking_id IS NOT NULL;
