-- The full SKM survey (Permenpan RB 14/2017), one row per ticket, derived from `survey_submitted`
-- events in the same transaction (see `store::skm`). The primary key is the second guard of "one
-- survey per ticket" after the queue's. `officer` is who served the ticket, as its `tickets` row
-- said when the survey came. The profile columns hold the keys of `skm::elements`' lists (NULL:
-- not given); `suggestion` is the visitor's own text, shown only in the supervisor's report.
CREATE TABLE skm_responses (
    ticket_id  INTEGER PRIMARY KEY,
    seq        INTEGER NOT NULL,
    day        TEXT    NOT NULL,       -- building's local date of the answers
    service    TEXT    NOT NULL,
    counter    INTEGER,
    officer    TEXT,
    channel    TEXT    NOT NULL,       -- device (the loket's tablet) or visitor (own phone)
    u1 INTEGER NOT NULL CHECK (u1 BETWEEN 1 AND 4),
    u2 INTEGER NOT NULL CHECK (u2 BETWEEN 1 AND 4),
    u3 INTEGER NOT NULL CHECK (u3 BETWEEN 1 AND 4),
    u4 INTEGER NOT NULL CHECK (u4 BETWEEN 1 AND 4),
    u5 INTEGER NOT NULL CHECK (u5 BETWEEN 1 AND 4),
    u6 INTEGER NOT NULL CHECK (u6 BETWEEN 1 AND 4),
    u7 INTEGER NOT NULL CHECK (u7 BETWEEN 1 AND 4),
    u8 INTEGER NOT NULL CHECK (u8 BETWEEN 1 AND 4),
    u9 INTEGER NOT NULL CHECK (u9 BETWEEN 1 AND 4),
    sex        TEXT,
    age        TEXT,
    education  TEXT,
    occupation TEXT,
    suggestion TEXT
);
CREATE INDEX skm_responses_day ON skm_responses(day);
