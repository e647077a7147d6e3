-- What each service was on each closed day it had tickets: its name, agency (and the agency's
-- name) and target wait, as configured when the day closed. Reports of closed days read these,
-- never today's configuration, which may have renamed, moved or removed the service since.
-- Written by the writer in the transaction of the `day_started` event that closes the day, like
-- the rollup. Days closed before this migration have no rows; their reports fall back to the
-- configuration in force.
CREATE TABLE service_days (
    day              TEXT    NOT NULL,
    service          TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    agency           TEXT    NOT NULL,
    agency_name      TEXT    NOT NULL,
    target_wait_secs INTEGER NOT NULL,
    PRIMARY KEY (service, day)
) WITHOUT ROWID;

CREATE INDEX service_days_by_day ON service_days (day);
