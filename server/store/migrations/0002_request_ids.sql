-- Schema 2: a version, and a saved report, may carry the request id of the write that made it,
-- so that a write retried after a lost answer (a replica killed after it committed, a dropped
-- connection) finds what it made instead of adding a second one. Unique per network (versions)
-- and per tenant (reports); NULL for those written without a request id (all of schema 1).
ALTER TABLE versions ADD COLUMN request_id TEXT;
CREATE UNIQUE INDEX versions_by_request_id ON versions (network, request_id)
  WHERE request_id IS NOT NULL;
ALTER TABLE reports ADD COLUMN request_id TEXT;
CREATE UNIQUE INDEX reports_by_request_id ON reports (tenant, request_id)
  WHERE request_id IS NOT NULL;
