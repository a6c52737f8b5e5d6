-- Ingest that stays fast as a day's partition fills (issue 11; docs/operations.md "PostgreSQL: events by received
-- day", As the store fills). Every event is one insert into each index of events. The primary key and
-- (received_at, tenant_id) take events near their right-hand edge (time-ordered ids, growing reception times), but
-- (tenant_id, device_id, time) takes each event wherever its device's entries are: once a day's partition holds a
-- few million events that index outgrows shared_buffers, and after every checkpoint nearly every insert into it
-- writes a whole 8 KB page to the WAL.
--
-- (tenant_id, device_id) without time serves every reader by device: the data viewer (a device's events, filtered
-- and sorted by time after the look-up), device erasure and export, and the device-day checks of bulk deletion and
-- retention (which filter product, version and time on the device's rows). Its entries repeat (a device has many
-- events a day), so B-tree deduplication stores each device once per page with a list of row pointers: about a
-- sixth of the size of the three-column index, which stays in cache where the larger one did not.
--
-- (tenant_id, name, time) goes: no reader needs it. Retention of one event name ranges on received_at (the
-- (received_at, tenant_id) index) and tests the name; the analytics projector reads windows of received_at.
--
-- The readers by a range of event time over a tenant's rows (the health reports' event counts, bulk deletion by
-- time) used the dropped indexes only by reading all of a tenant's entries of every day. A BRIN index on time
-- serves them better: events arrive close to their time, so each block range of a day's partition spans a short
-- time, and the index is a few pages per day that an append does not touch until the range is summarised
-- (measured at 3 million events in docs/benchmarks.md, "PostgreSQL's event indexes": the health report's one-day
-- count 692 ms through the old indexes, 1,775 ms with none, 262 ms with this one).
DROP INDEX events_device_time;
DROP INDEX events_name_time;
CREATE INDEX events_device ON events (tenant_id, device_id);
CREATE INDEX events_time ON events USING brin (time);
