-- +goose Up
-- wire: the message as it goes on the wire (RFC 5322, CRLF line ends, 8-bit
-- bodies), made once at planning, so that delivery only writes bytes. Rows
-- planned before keep it NULL and are built from text_body, html_body and
-- attachments when sent.
ALTER TABLE deliveries ADD COLUMN wire TEXT;

-- +goose Down
ALTER TABLE deliveries DROP COLUMN wire;
