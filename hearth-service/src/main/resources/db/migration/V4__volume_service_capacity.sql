-- What each volume service reports with its heartbeat (cinder's get_volume_stats): the size and the free bytes of its
-- volumes directory, and the reserved_percentage it keeps back. NULL for the other services, and for a volume service
-- until its first report. The scheduler's capacity filter and weigher read them to place new volumes.
ALTER TABLE services ADD total_capacity_bytes BIGINT;
ALTER TABLE services ADD free_capacity_bytes BIGINT;
ALTER TABLE services ADD reserved_percentage INTEGER;
