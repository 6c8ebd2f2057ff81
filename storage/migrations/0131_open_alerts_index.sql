-- The open alerts, counted for /metrics every minute, are found without reading the handled
-- ones (which only grow).
CREATE INDEX alerts_unhandled ON alerts (kind) WHERE handled_at IS NULL;
