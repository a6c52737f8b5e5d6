-- What the analytics projector has not read yet (docs/analytics.md, "Incremental"): every append writes one row here in
-- its own transaction, with the range of received_at it stored. A projector round reads these rows, projects the
-- events received in their ranges, and deletes exactly the rows it read in the transaction that moves its watermark.
-- Rows are consumed, not read past an id: with several writers an append that took a smaller id can commit after a
-- round read a larger one, and is then read by the next round. So a round reads the events committed since the last
-- one, wherever their received_at lies (an append that commits long after its received_at, e.g. from the cluster's
-- stream after an outage, is still projected), and no round re-reads a fixed overlap of older events.
-- Per database, not per tenant (a Citus local table): one row per append, deleted a round later.

CREATE TABLE analytics_arrivals (
    arrival_id     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    first_received timestamptz NOT NULL,
    last_received  timestamptz NOT NULL,
    events         bigint      NOT NULL
);

-- A store projected before this migration: what was appended after its last round is covered by the overlap the
-- projector used to re-read (ten minutes), up to the newest event.
INSERT INTO analytics_arrivals (first_received, last_received, events)
SELECT w.watermark - interval '10 minutes', e.newest, 0
FROM analytics_watermark w, (SELECT max(received_at) AS newest FROM events) e
WHERE w.projection = 'events' AND e.newest IS NOT NULL;

-- A round reads its windows of received_at across all tenants. The (tenant_id, received_at) index cannot seek on
-- received_at alone, so each window scanned the whole index of its day: measured on a day partition of 2 million
-- events, a one-minute window took 84 to 266 ms through it and 0.3 ms through this index (one per partition;
-- received_at only grows, so inserts append at the index's right edge).
CREATE INDEX events_received ON events (received_at);
