-- Queries of the record import (store/importer). The import sends its rows in
-- batches as one JSON array parameter, so most of its SQL reads JSON and is
-- written per dialect: sqlite/import.sql and postgres/import.sql.

-- name: import-units
-- Every unit's parent, to resolve unit references and find parent cycles
-- (units are few: departments and offices, not people).
SELECT code, parent_code FROM units;
