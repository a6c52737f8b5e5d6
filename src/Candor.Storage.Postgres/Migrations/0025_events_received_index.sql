-- One index on received_at instead of two (docs/operations.md, "PostgreSQL: events by received day"). Every append
-- pays for every index of events: measured on this schema with the batch write of AppendAsync, (tenant_id,
-- received_at) and (received_at) cost about 1.6 µs of PostgreSQL CPU and 67 bytes of WAL per event between them more
-- than one (received_at, tenant_id) does (about 10 % of the backend's time per event). The one index serves both
-- kinds of reader: the analytics projector's windows across all tenants (migration 0021) seek on its first column,
-- and the tenant-scoped readers (retention by reception time for one tenant, the data inventory's days) range on
-- received_at and test tenant_id inside the index, reading no other tenant's rows. Each day's partition gets it
-- from the partitioned index, as before.
DROP INDEX events_received_at;
DROP INDEX events_received;
CREATE INDEX events_received ON events (received_at, tenant_id);
