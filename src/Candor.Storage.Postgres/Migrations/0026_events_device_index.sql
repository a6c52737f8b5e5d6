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
-- (received_at, tenant_id) index) and tests the name; the analytics projector reads windows of received_at; the
-- health reports' event counts range on time over a tenant's rows, which this index served only by reading all of
-- the tenant's entries. Those now read the partitions' rows (measured at 3 million events in docs/benchmarks.md,
-- "PostgreSQL's event indexes").
DROP INDEX events_device_time;
DROP INDEX events_name_time;
CREATE INDEX events_device ON events (tenant_id, device_id);
