-- +goose Up
-- failed_at: when a delivery was failed, so the daily notice to HR and the
-- digest can list the failures of a period. The partial indexes keep those
-- scans (and the hourly cap's count of messages sent) to the rows concerned.
ALTER TABLE deliveries ADD COLUMN failed_at TIMESTAMPTZ;
CREATE INDEX deliveries_failed ON deliveries (failed_at) WHERE state = 'failed';
CREATE INDEX deliveries_sent ON deliveries (sent_at) WHERE state = 'sent';

-- +goose Down
DROP INDEX deliveries_sent;
DROP INDEX deliveries_failed;
ALTER TABLE deliveries DROP COLUMN failed_at;
