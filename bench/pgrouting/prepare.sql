-- Untimed preparation, run once after osm2pgrouting's import and the raw CSV loads
-- (bench_hifld_raw: every HIFLD column as text; bench_tracts_raw: CenPop2020_Mean_TR.txt).
-- Builds what a routing engine builds at graph-load time: the point tables and the set of
-- vertices that points may snap to (the largest strongly connected component, as carereach does).
\set ON_ERROR_STOP on

DROP TABLE IF EXISTS bench_hospitals, bench_tracts, bench_scc, bench_routable_vertices;

-- Open hospitals of Honolulu County (HIFLD STATUS=OPEN, COUNTYFIPS=15003).
CREATE TABLE bench_hospitals AS
SELECT "ID" AS id, "NAME" AS name,
       ST_SetSRID(ST_MakePoint("LONGITUDE"::float8, "LATITUDE"::float8), 4326) AS geom
FROM bench_hifld_raw
WHERE "STATUS" = 'OPEN' AND "COUNTYFIPS" = '15003';

-- The 2020 Census tracts of Honolulu County with their population-weighted centres.
CREATE TABLE bench_tracts AS
SELECT statefp || countyfp || tractce AS geoid, population,
       ST_SetSRID(ST_MakePoint(longitude, latitude), 4326) AS geom
FROM bench_tracts_raw
WHERE statefp = '15' AND countyfp = '003';

-- Strongly connected components of the directed car graph (negative costs = no edge, as in
-- pgr_drivingDistance). Points snap only to vertices of the largest one, so that a tract is
-- not stranded on a one-way fragment or an unconnected parking aisle.
CREATE TABLE bench_scc AS
SELECT component, node
FROM pgr_strongComponents(
  'SELECT gid AS id, source, target, cost_s AS cost, reverse_cost_s AS reverse_cost FROM ways');

CREATE TABLE bench_routable_vertices AS
SELECT v.id, v.the_geom
FROM ways_vertices_pgr v
JOIN bench_scc s ON s.node = v.id
WHERE s.component = (SELECT component FROM bench_scc GROUP BY component
                     ORDER BY count(*) DESC, component LIMIT 1);
CREATE INDEX ON bench_routable_vertices USING gist (the_geom);
ANALYZE bench_hospitals;
ANALYZE bench_tracts;
ANALYZE bench_routable_vertices;
ANALYZE ways;

-- One line for the report: graph size and what points may snap to.
SELECT (SELECT count(*) FROM ways) AS ways_edges,
       (SELECT count(*) FROM ways_vertices_pgr) AS vertices,
       (SELECT count(*) FROM bench_routable_vertices) AS largest_scc_vertices,
       (SELECT count(*) FROM bench_hospitals) AS hospitals,
       (SELECT count(*) FROM bench_tracts) AS tracts,
       (SELECT sum(population) FROM bench_tracts) AS population;
