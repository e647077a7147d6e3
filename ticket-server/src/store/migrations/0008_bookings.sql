-- Online bookings, projected from the log's `booking` events in the same transaction (see
-- `store::projection`); the desk that decides bookings is rebuilt from here at start, since a
-- booking made days ago is not in today's events.
--
-- Personal data (UU 27/2022): the NIK is never here in clear — `person` is its keyed hash (for
-- the one-booking-per-person rules) and `nik_masked` what the officer compares with the KTP;
-- `phone` only when the visitor agreed to reminders. All three are erased `retention_days` after
-- the visit (`store::bookings::erase_personal_data`, logged in the audit trail).
CREATE TABLE bookings (
    id         INTEGER PRIMARY KEY,
    code       TEXT    NOT NULL UNIQUE,
    service    TEXT    NOT NULL,
    date       TEXT    NOT NULL,           -- the visit's local date
    session    INTEGER NOT NULL,
    person     TEXT,
    nik_masked TEXT,
    phone      TEXT,
    status     TEXT    NOT NULL,           -- active | checked_in | cancelled | no_show
    made_at    INTEGER NOT NULL,           -- unix seconds
    ticket_id  INTEGER,
    erased_at  INTEGER
);
CREATE INDEX bookings_date ON bookings(date);
CREATE INDEX bookings_ticket ON bookings(ticket_id) WHERE ticket_id IS NOT NULL;
