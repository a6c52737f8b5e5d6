-- Projection that stays fast as the fact tables fill (issue 11). Migration 0003 gave every fact table an index on
-- (tenant_id, device_id) for the erasure of one device. Erasure no longer reads the facts by device: it deletes them
-- by (tenant_id, event_id), the primary key, for the events it deletes (Schema/EventDerivedFacts.cs), and no query
-- reads a fact table by device. Yet every fact the projector inserts went into that index wherever its device's
-- entries were, a random insert into an index as large as its table (at 50 M events, about 22 M duration facts): on
-- the dev server an insert of 225,829 duration facts took 2,068 ms with it and 1,434 ms without
-- (docs/benchmarks.md, "The projector's twin check and PostgreSQL's fact inserts"). Device-days keep their primary
-- key, which begins with (tenant_id, device_id) and serves the same look-ups as the index that goes.
DROP INDEX analytics_sessions_device;
DROP INDEX analytics_session_ends_device;
DROP INDEX analytics_crashes_device;
DROP INDEX analytics_feature_failures_device;
DROP INDEX analytics_durations_device;
DROP INDEX analytics_commands_device;
DROP INDEX analytics_device_days_device;
