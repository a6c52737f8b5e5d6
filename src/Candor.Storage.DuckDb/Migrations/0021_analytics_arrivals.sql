-- What the analytics projector has not read yet (docs/analytics.md, "Incremental"): every append writes one row here in
-- its own transaction, with the range of received_at it stored. A projector round reads these rows, projects the
-- events received in their ranges, and deletes the rows it read in the transaction that moves its watermark. So a
-- round reads the events committed since the last one, wherever their received_at lies (an append that commits long
-- after it took its received_at is still projected), and no round re-reads a fixed overlap of older events: the
-- ten-minute re-read this replaces cost each one-minute round eleven times the new events at a steady ingest rate.
-- Per database, not per tenant: one row per append, deleted a round later.

CREATE SEQUENCE analytics_arrival_ids;

CREATE TABLE analytics_arrivals (
    arrival_id     BIGINT    NOT NULL DEFAULT nextval('analytics_arrival_ids') PRIMARY KEY,
    first_received TIMESTAMP NOT NULL,
    last_received  TIMESTAMP NOT NULL,
    events         BIGINT    NOT NULL
);

-- A store projected before this migration: what was appended after its last round is covered by the overlap the
-- projector used to re-read (ten minutes), up to the newest event.
INSERT INTO analytics_arrivals (first_received, last_received, events)
SELECT w.watermark - INTERVAL 10 MINUTE, e.newest, 0
FROM analytics_watermark w, (SELECT max(received_at) AS newest FROM events) e
WHERE w.projection = 'events' AND e.newest IS NOT NULL;
