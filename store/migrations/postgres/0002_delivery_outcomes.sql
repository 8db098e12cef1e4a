-- +goose Up
-- failed_at: when a delivery was failed, so the daily notice to HR and the
-- digest can list the failures of a period. The partial indexes keep those
-- scans (and the hourly cap's count of messages sent) to the rows concerned.
ALTER TABLE deliveries ADD COLUMN failed_at TIMESTAMPTZ;
CREATE INDEX deliveries_failed ON deliveries (failed_at) WHERE state = 'failed';
CREATE INDEX deliveries_sent ON deliveries (sent_at) WHERE state = 'sent';
-- A claim moves next_attempt_at to the end of its lease, so due rows are a
-- range of this index read in claim order (next_attempt_at, id), with no
-- sort and no look at rows that other workers hold.
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (next_attempt_at, id) WHERE state IN ('pending', 'retry');

-- +goose Down
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state IN ('pending', 'retry');
DROP INDEX deliveries_sent;
DROP INDEX deliveries_failed;
ALTER TABLE deliveries DROP COLUMN failed_at;
