-- name: list-add
-- The whole list of a message whose lists were cut, for its download link.
INSERT INTO delivery_lists (key, filename, content_type, encoding, data, created_at) VALUES (?, ?, ?, ?, ?, ?);

-- name: list-get
SELECT key, filename, content_type, encoding, data, length(data) AS size, created_at FROM delivery_lists WHERE key = ?;

-- name: list-head
SELECT key, filename, content_type, encoding, length(data) AS size, created_at FROM delivery_lists WHERE key = ?;
