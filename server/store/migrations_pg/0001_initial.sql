-- Schema 1 for PostgreSQL: the same tables, keys, constraints and append-only rules as
-- migrations/0001_initial.sql (SQLite), written in PostgreSQL's dialect. Applied once by
-- Store::OpenPostgres inside a transaction under an advisory lock; never edit a shipped
-- migration, add 0002_... to both folders instead.
-- Identifiers compare byte by byte (COLLATE "C"), as in SQLite, so listings page in the same
-- order on both engines whatever the server's locale.

CREATE TABLE networks (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant TEXT COLLATE "C" NOT NULL,
  network_id TEXT COLLATE "C" NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at_us BIGINT NOT NULL,
  deleted_at_us BIGINT
);
-- At most one live network per (tenant, network_id); deleted ones may repeat.
CREATE UNIQUE INDEX networks_live_by_tenant_id ON networks (tenant, network_id)
  WHERE deleted_at_us IS NULL;

CREATE TABLE versions (
  network BIGINT NOT NULL REFERENCES networks (id),
  version INTEGER NOT NULL CHECK (version >= 1),
  created_at_us BIGINT NOT NULL,
  note TEXT NOT NULL,
  provider_count BIGINT NOT NULL,
  content_hash TEXT NOT NULL,
  PRIMARY KEY (network, version)
);

-- Roster rows of one version; `ordinal` keeps the order they were added in.
CREATE TABLE providers (
  network BIGINT NOT NULL,
  version INTEGER NOT NULL,
  ordinal BIGINT NOT NULL,
  provider_id TEXT NOT NULL,
  name TEXT NOT NULL,
  specialty_code TEXT NOT NULL,
  lon DOUBLE PRECISION NOT NULL,
  lat DOUBLE PRECISION NOT NULL,
  beds DOUBLE PRECISION NOT NULL,
  telehealth INTEGER NOT NULL,
  type TEXT NOT NULL,
  PRIMARY KEY (network, version, ordinal),
  FOREIGN KEY (network, version) REFERENCES versions (network, version)
);

CREATE TABLE reports (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant TEXT COLLATE "C" NOT NULL,
  report_id TEXT COLLATE "C" NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind <> ''),
  title TEXT NOT NULL,
  created_at_us BIGINT NOT NULL,
  region TEXT NOT NULL,
  standards_set TEXT NOT NULL,
  mode TEXT NOT NULL,
  request_blob BYTEA NOT NULL,
  result_blob BYTEA NOT NULL,
  summary TEXT NOT NULL
);
-- Listings are per tenant, newest first.
CREATE INDEX reports_by_tenant_created ON reports (tenant, created_at_us DESC, id DESC);

-- The network versions a report was computed from, in the caller's order.
CREATE TABLE report_networks (
  report BIGINT NOT NULL REFERENCES reports (id),
  ordinal BIGINT NOT NULL,
  network BIGINT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (report, ordinal),
  FOREIGN KEY (network, version) REFERENCES versions (network, version)
);
CREATE INDEX report_networks_by_network ON report_networks (network);

-- History is append-only, enforced here so that even a bug in the code, or another client of
-- the database, cannot rewrite it.
CREATE FUNCTION carereach_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0];
END
$$;
CREATE TRIGGER versions_append_only BEFORE UPDATE OR DELETE ON versions
  FOR EACH ROW EXECUTE FUNCTION carereach_refuse('network versions are immutable');
CREATE TRIGGER providers_append_only BEFORE UPDATE OR DELETE ON providers
  FOR EACH ROW EXECUTE FUNCTION carereach_refuse('network versions are immutable');
CREATE TRIGGER reports_append_only BEFORE UPDATE OR DELETE ON reports
  FOR EACH ROW EXECUTE FUNCTION carereach_refuse('reports are immutable');
CREATE TRIGGER report_networks_append_only BEFORE UPDATE OR DELETE ON report_networks
  FOR EACH ROW EXECUTE FUNCTION carereach_refuse('reports are immutable');
-- TRUNCATE skips row triggers: refuse it on every table.
CREATE TRIGGER networks_no_truncate BEFORE TRUNCATE ON networks
  FOR EACH STATEMENT EXECUTE FUNCTION carereach_refuse('networks are soft-deleted, never removed');
CREATE TRIGGER versions_no_truncate BEFORE TRUNCATE ON versions
  FOR EACH STATEMENT EXECUTE FUNCTION carereach_refuse('network versions are immutable');
CREATE TRIGGER providers_no_truncate BEFORE TRUNCATE ON providers
  FOR EACH STATEMENT EXECUTE FUNCTION carereach_refuse('network versions are immutable');
CREATE TRIGGER reports_no_truncate BEFORE TRUNCATE ON reports
  FOR EACH STATEMENT EXECUTE FUNCTION carereach_refuse('reports are immutable');
CREATE TRIGGER report_networks_no_truncate BEFORE TRUNCATE ON report_networks
  FOR EACH STATEMENT EXECUTE FUNCTION carereach_refuse('reports are immutable');
-- A network's identity never changes and a delete is final (name/description may be edited).
CREATE TRIGGER networks_identity_fixed BEFORE UPDATE OF id, tenant, network_id, created_at_us
  ON networks
  FOR EACH ROW EXECUTE FUNCTION carereach_refuse('a network''s identity is immutable');
CREATE TRIGGER networks_delete_is_final BEFORE UPDATE OF deleted_at_us ON networks
  FOR EACH ROW WHEN (OLD.deleted_at_us IS NOT NULL)
  EXECUTE FUNCTION carereach_refuse('a deleted network stays deleted');
CREATE TRIGGER networks_no_hard_delete BEFORE DELETE ON networks
  FOR EACH ROW EXECUTE FUNCTION carereach_refuse('networks are soft-deleted (deleted_at_us), never removed');
