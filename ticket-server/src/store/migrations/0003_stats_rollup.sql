-- Statistics rollup of closed days, so the dashboard answers over a year in milliseconds.
--
-- Why closed days only: when a new day starts, every ticket of earlier days has left the hall (the
-- queue forgets them and expires the unfinished), so no command can change them again. Rolling a
-- day up at that moment, inside the same transaction that logs `day_started`, means the rollup can
-- never disagree with the projection; today (not rolled yet) is read from `tickets` directly.
--
-- Exact medians and p90: waits and service times are whole seconds, so a group's values are kept
-- as a histogram (second -> count), packed in a BLOB of big-endian u32 pairs; histograms of days
-- and months are merged at query time. `level` is 'd' (period = YYYY-MM-DD) or 'm' (YYYY-MM, rolled
-- once the month is over). `dim` is 'service', 'counter' or 'officer'; agencies are merged from
-- services at query time (the agency of a service is configuration, which may change).

-- When a day starts, the log's projection expires the tickets left open on earlier days
-- (`status IN ('waiting', 'called', 'serving')`). Without an index that is a scan of every ticket
-- ever issued, once a day; with this partial index it touches only the open ones.
CREATE INDEX tickets_open ON tickets(day) WHERE status IN ('waiting', 'called', 'serving');

CREATE TABLE stats_rolled (
    level  TEXT NOT NULL,
    period TEXT NOT NULL,
    PRIMARY KEY (level, period)
) WITHOUT ROWID;

CREATE TABLE stats_counts (
    level     TEXT    NOT NULL,
    period    TEXT    NOT NULL,
    dim       TEXT    NOT NULL,
    key       TEXT    NOT NULL,
    service   TEXT    NOT NULL,
    issued    INTEGER NOT NULL,
    served    INTEGER NOT NULL,
    no_shows  INTEGER NOT NULL,
    cancelled INTEGER NOT NULL,
    PRIMARY KEY (level, dim, period, key, service)
) WITHOUT ROWID;

CREATE TABLE stats_hist (
    level   TEXT NOT NULL,
    period  TEXT NOT NULL,
    dim     TEXT NOT NULL,
    key     TEXT NOT NULL,
    service TEXT NOT NULL,
    kind    TEXT NOT NULL,           -- 'wait' | 'service'
    hist    BLOB NOT NULL,           -- (second u32 BE, count u32 BE)*
    PRIMARY KEY (level, dim, period, key, service, kind)
);

-- Tickets issued and served per UTC quarter-hour of the day (0-95): any real time zone offset is
-- a whole number of quarter hours, so local hours are exact at query time.
CREATE TABLE stats_hourly (
    level   TEXT    NOT NULL,
    period  TEXT    NOT NULL,
    quarter INTEGER NOT NULL,
    issued  INTEGER NOT NULL,
    served  INTEGER NOT NULL,
    PRIMARY KEY (level, period, quarter)
) WITHOUT ROWID;

-- The tickets as facts of each grouping, exactly as statistics count them: by the ticket's current
-- service, by the loket that called it, by the officer who last acted on it.
CREATE VIEW stats_facts AS
    SELECT day, 'service' AS dim, service AS key, service, status, issued_at, first_called_at,
           started_at, finished_at FROM tickets
    UNION ALL
    SELECT day, 'counter', CAST(counter AS TEXT), service, status, issued_at, first_called_at,
           started_at, finished_at FROM tickets WHERE counter IS NOT NULL
    UNION ALL
    SELECT day, 'officer', officer, service, status, issued_at, first_called_at,
           started_at, finished_at FROM tickets WHERE officer IS NOT NULL;

CREATE VIEW stats_values AS
    SELECT day, dim, key, service, 'wait' AS kind, MAX(first_called_at - issued_at, 0) AS secs
      FROM stats_facts WHERE first_called_at IS NOT NULL
    UNION ALL
    SELECT day, dim, key, service, 'service', MAX(finished_at - started_at, 0)
      FROM stats_facts
     WHERE status = 'done' AND started_at IS NOT NULL AND finished_at IS NOT NULL;

-- Asking for a roll-up: every day after `after` (the last rolled day) and before `upto`. The bound
-- is taken here, as a value, so the roll-up's scans of `tickets` use the day index on both ends.
CREATE TABLE stats_roll_request (
    upto        TEXT NOT NULL,
    after       TEXT NOT NULL,
    month_after TEXT NOT NULL  -- the last rolled month
);

CREATE TRIGGER stats_roll_on_day_start AFTER INSERT ON events
WHEN NEW.type = 'day_started'
BEGIN
    INSERT INTO stats_roll_request (upto, after, month_after)
    VALUES (NEW.day,
            (SELECT COALESCE(MAX(period), '') FROM stats_rolled WHERE level = 'd'),
            (SELECT COALESCE(MAX(period), '') FROM stats_rolled WHERE level = 'm'));
END;

CREATE TRIGGER stats_roll AFTER INSERT ON stats_roll_request
BEGIN
    -- Days are rolled in order, so "after the last rolled day" finds the new ones by index.
    INSERT INTO stats_counts
    SELECT 'd', day, dim, key, service, COUNT(*), SUM(status = 'done'),
           SUM(status = 'no_show'), SUM(status = 'cancelled')
      FROM stats_facts
     WHERE day > NEW.after
       AND day < NEW.upto
     GROUP BY day, dim, key, service;

    INSERT INTO stats_hist
    SELECT 'd', day, dim, key, service, kind,
           unhex(group_concat(printf('%08x%08x', secs, n), ''))
      FROM (SELECT day, dim, key, service, kind, secs, COUNT(*) AS n
              FROM stats_values
             WHERE day > NEW.after
               AND day < NEW.upto
             GROUP BY day, dim, key, service, kind, secs)
     GROUP BY day, dim, key, service, kind;

    INSERT INTO stats_hourly
    SELECT 'd', day, (issued_at / 900) % 96 AS q, COUNT(*), SUM(status = 'done')
      FROM tickets
     WHERE day > NEW.after
       AND day < NEW.upto
     GROUP BY day, q;

    INSERT INTO stats_rolled
    SELECT DISTINCT 'd', day FROM tickets
     WHERE day > NEW.after
       AND day < NEW.upto;

    -- Months that are over (before the month of `upto`) and not rolled yet; days of a month sort
    -- between 'YYYY-MM-00' and 'YYYY-MM-99'.
    INSERT INTO stats_counts
    SELECT 'm', substr(period, 1, 7), dim, key, service, SUM(issued), SUM(served), SUM(no_shows),
           SUM(cancelled)
      FROM stats_counts
     WHERE level = 'd' AND period > NEW.month_after || '-99'
       AND period < substr(NEW.upto, 1, 7) || '-00'
     GROUP BY substr(period, 1, 7), dim, key, service;

    INSERT INTO stats_hist
    SELECT 'm', month, dim, key, service, kind,
           unhex(group_concat(printf('%08x%08x', secs, n), ''))
      FROM (SELECT substr(day, 1, 7) AS month, dim, key, service, kind, secs, COUNT(*) AS n
              FROM stats_values
             WHERE day > NEW.month_after || '-99' AND day < substr(NEW.upto, 1, 7) || '-00'
             GROUP BY month, dim, key, service, kind, secs)
     GROUP BY month, dim, key, service, kind;

    INSERT INTO stats_hourly
    SELECT 'm', substr(period, 1, 7), quarter, SUM(issued), SUM(served)
      FROM stats_hourly
     WHERE level = 'd' AND period > NEW.month_after || '-99'
       AND period < substr(NEW.upto, 1, 7) || '-00'
     GROUP BY substr(period, 1, 7), quarter;

    INSERT INTO stats_rolled
    SELECT DISTINCT 'm', substr(period, 1, 7) FROM stats_rolled
     WHERE level = 'd' AND period > NEW.month_after || '-99'
       AND period < substr(NEW.upto, 1, 7) || '-00';

    DELETE FROM stats_roll_request;
END;

-- Roll up what an existing database already holds.
INSERT INTO stats_roll_request (upto, after, month_after)
SELECT MAX(day), '', '' FROM events WHERE type = 'day_started' HAVING MAX(day) IS NOT NULL;
