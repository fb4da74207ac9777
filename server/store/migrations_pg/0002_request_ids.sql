-- Schema 2: a version may carry the request id of the write that made it, so that a write
-- retried after a lost answer (a replica killed after it committed, a dropped connection) finds
-- the version it made instead of adding a second one. Unique per network; NULL for versions
-- written without a request id (all versions of schema 1).
ALTER TABLE versions ADD COLUMN request_id TEXT;
CREATE UNIQUE INDEX versions_by_request_id ON versions (network, request_id)
  WHERE request_id IS NOT NULL;
