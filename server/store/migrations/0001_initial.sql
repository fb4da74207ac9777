-- Schema 1: networks with immutable versions, and reports with the network versions they used.
-- Timestamps are integer unix microseconds. Applied once by Store::Open inside a transaction;
-- never edit a shipped migration, add 0002_... instead.

-- One row per network ever created. Deleting a network sets deleted_at_us (soft delete): its
-- versions stay because saved reports refer to them for audit. Surrogate key `id` so a network
-- id can be reused after a delete without touching the old history.
CREATE TABLE networks (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  network_id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at_us INTEGER NOT NULL,
  deleted_at_us INTEGER
);
-- At most one live network per (tenant, network_id); deleted ones may repeat.
CREATE UNIQUE INDEX networks_live_by_tenant_id ON networks (tenant, network_id)
  WHERE deleted_at_us IS NULL;

CREATE TABLE versions (
  network INTEGER NOT NULL REFERENCES networks (id),
  version INTEGER NOT NULL CHECK (version >= 1),
  created_at_us INTEGER NOT NULL,
  note TEXT NOT NULL,
  provider_count INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  PRIMARY KEY (network, version)
) WITHOUT ROWID;

-- Roster rows of one version; `ordinal` keeps the order they were added in.
CREATE TABLE providers (
  network INTEGER NOT NULL,
  version INTEGER NOT NULL,
  ordinal INTEGER NOT NULL,
  provider_id TEXT NOT NULL,
  name TEXT NOT NULL,
  specialty_code TEXT NOT NULL,
  lon REAL NOT NULL,
  lat REAL NOT NULL,
  beds REAL NOT NULL,
  telehealth INTEGER NOT NULL,
  type TEXT NOT NULL,
  PRIMARY KEY (network, version, ordinal),
  FOREIGN KEY (network, version) REFERENCES versions (network, version)
) WITHOUT ROWID;

CREATE TABLE reports (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  report_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind <> ''),
  title TEXT NOT NULL,
  created_at_us INTEGER NOT NULL,
  region TEXT NOT NULL,
  standards_set TEXT NOT NULL,
  mode TEXT NOT NULL,
  request_blob BLOB NOT NULL,
  result_blob BLOB NOT NULL,
  summary TEXT NOT NULL
);
-- Listings are per tenant, newest first.
CREATE INDEX reports_by_tenant_created ON reports (tenant, created_at_us DESC, id DESC);

-- The network versions a report was computed from, in the caller's order.
CREATE TABLE report_networks (
  report INTEGER NOT NULL REFERENCES reports (id),
  ordinal INTEGER NOT NULL,
  network INTEGER NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (report, ordinal),
  FOREIGN KEY (network, version) REFERENCES versions (network, version)
) WITHOUT ROWID;
CREATE INDEX report_networks_by_network ON report_networks (network);

-- History is append-only, enforced here so that even a bug in the code cannot rewrite it.
CREATE TRIGGER versions_no_update BEFORE UPDATE ON versions
BEGIN SELECT RAISE(ABORT, 'network versions are immutable'); END;
CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions
BEGIN SELECT RAISE(ABORT, 'network versions are immutable'); END;
CREATE TRIGGER providers_no_update BEFORE UPDATE ON providers
BEGIN SELECT RAISE(ABORT, 'network versions are immutable'); END;
CREATE TRIGGER providers_no_delete BEFORE DELETE ON providers
BEGIN SELECT RAISE(ABORT, 'network versions are immutable'); END;
CREATE TRIGGER reports_no_update BEFORE UPDATE ON reports
BEGIN SELECT RAISE(ABORT, 'reports are immutable'); END;
CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports
BEGIN SELECT RAISE(ABORT, 'reports are immutable'); END;
CREATE TRIGGER report_networks_no_update BEFORE UPDATE ON report_networks
BEGIN SELECT RAISE(ABORT, 'reports are immutable'); END;
CREATE TRIGGER report_networks_no_delete BEFORE DELETE ON report_networks
BEGIN SELECT RAISE(ABORT, 'reports are immutable'); END;
-- A network's identity never changes and a delete is final (name/description may be edited).
CREATE TRIGGER networks_identity_fixed BEFORE UPDATE OF id, tenant, network_id, created_at_us
  ON networks
BEGIN SELECT RAISE(ABORT, 'a network''s identity is immutable'); END;
CREATE TRIGGER networks_delete_is_final BEFORE UPDATE OF deleted_at_us ON networks
  WHEN OLD.deleted_at_us IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a deleted network stays deleted'); END;
CREATE TRIGGER networks_no_hard_delete BEFORE DELETE ON networks
BEGIN SELECT RAISE(ABORT, 'networks are soft-deleted (deleted_at_us), never removed'); END;
