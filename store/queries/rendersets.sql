-- name: render-set-add
-- A run's render set (store.RenderSet): written once whatever the number of
-- runs that share it; its id is the hash of its spec.
INSERT INTO render_sets (id, spec, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING;

-- name: render-set-get
SELECT spec FROM render_sets WHERE id = ?;
