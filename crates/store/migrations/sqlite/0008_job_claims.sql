-- Claiming jobs costs the same however many future jobs wait (reminders weeks ahead).
-- `jobs_due` (run_at over queued and running jobs) could not answer "queued and due, or
-- running with an expired lease, by run_at" without walking every queued row. The store now
-- asks the two questions apart, each a range scan of its own partial index that stops at
-- `now`: queued jobs by run_at, running jobs by lease_until.
CREATE INDEX jobs_queued ON jobs (run_at) WHERE state = 'queued';
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE state = 'running';
DROP INDEX jobs_due;
