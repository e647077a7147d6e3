-- Statistics per stay in a queue.
--
-- A ticket transferred from one service to another waits twice: first in the queue it was issued
-- for, then in the destination's. Until this migration a ticket's wait was "issue → first call",
-- counted under (and judged against the target of) the service it *ended* in, and only its last
-- service time counted. Now each stay (`visits` row) is its own fact:
--   wait         = stay began (issue, or the transfer) → first call in that stay,
--                  under that stay's service, loket and officer, judged against that service's
--                  target;
--   service time = start → end of that stay (finished, or transferred away while being served).
-- Counts (issued, served, no-show, cancelled) stay one per ticket, under the service it ended in.
-- The dashboard states these definitions (`web/dashboard.html`, "Definisi").
--
-- Days already rolled up keep the figures they were rolled with: history does not change because
-- the software did. The backfill below gives every ticket of the months not rolled up yet one stay
-- as the earlier definition counted it, so no figure shown before the upgrade changes either;
-- tickets acted on after the upgrade open a new stay at each transfer.
CREATE TABLE visits (
    ticket_id  INTEGER NOT NULL,
    n          INTEGER NOT NULL,        -- 0 as issued, then one more per transfer
    day        TEXT    NOT NULL,        -- the ticket's day
    service    TEXT    NOT NULL,
    queued_at  INTEGER NOT NULL,        -- unix seconds: issued, or transferred here
    called_at  INTEGER,                 -- the first call of this stay
    counter    INTEGER,
    officer    TEXT,
    started_at INTEGER,
    ended_at   INTEGER,
    outcome    TEXT,                    -- done | no_show | transferred | cancelled | expired
    PRIMARY KEY (ticket_id, n)
) WITHOUT ROWID;
CREATE INDEX visits_day ON visits(day);

INSERT INTO visits
SELECT id, 0, day, service, issued_at, first_called_at, counter, officer, started_at,
       CASE WHEN status IN ('done', 'no_show') THEN finished_at END,
       CASE WHEN status IN ('done', 'no_show', 'cancelled', 'expired') THEN status END
  FROM tickets
 WHERE day > COALESCE((SELECT MAX(period) FROM stats_rolled WHERE level = 'm'), '') || '-99';

-- The values the rollup (0003) histograms, now per stay.
DROP VIEW stats_values;
CREATE VIEW stats_values AS
    SELECT day, 'service' AS dim, service AS key, service, 'wait' AS kind,
           MAX(called_at - queued_at, 0) AS secs
      FROM visits WHERE called_at IS NOT NULL
    UNION ALL
    SELECT day, 'counter', CAST(counter AS TEXT), service, 'wait', MAX(called_at - queued_at, 0)
      FROM visits WHERE called_at IS NOT NULL AND counter IS NOT NULL
    UNION ALL
    SELECT day, 'officer', officer, service, 'wait', MAX(called_at - queued_at, 0)
      FROM visits WHERE called_at IS NOT NULL AND officer IS NOT NULL
    UNION ALL
    SELECT day, 'service', service, service, 'service', MAX(ended_at - started_at, 0)
      FROM visits WHERE outcome IN ('done', 'transferred') AND started_at IS NOT NULL
    UNION ALL
    SELECT day, 'counter', CAST(counter AS TEXT), service, 'service', MAX(ended_at - started_at, 0)
      FROM visits WHERE outcome IN ('done', 'transferred') AND started_at IS NOT NULL
                    AND counter IS NOT NULL
    UNION ALL
    SELECT day, 'officer', officer, service, 'service', MAX(ended_at - started_at, 0)
      FROM visits WHERE outcome IN ('done', 'transferred') AND started_at IS NOT NULL
                    AND officer IS NOT NULL;

-- Stays left open on earlier days end with their tickets when a day starts (see `store::log`).
CREATE INDEX visits_open ON visits(day) WHERE outcome IS NULL;
