-- The names of the lokets and officers of each closed day, as configured when the day closed
-- (`dim` is 'counter', key the loket's number; or 'officer', key the username), so that renaming
-- or removing a loket or a user does not rename a past day's report rows. Written with
-- `service_days` (0005), in the transaction of the `day_started` event that closes the day.
CREATE TABLE day_names (
    dim  TEXT NOT NULL,
    key  TEXT NOT NULL,
    day  TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (dim, key, day)
) WITHOUT ROWID;

CREATE INDEX day_names_by_day ON day_names (day);
