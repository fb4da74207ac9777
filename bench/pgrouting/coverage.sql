-- The timed question, one statement: snap the hospitals and the tracts, run ONE multi-source
-- pgr_drivingDistance bounded at :max_seconds, and sum the tract population reached within
-- each threshold of the nearest hospital.
--
-- psql variables: max_seconds (3600), equicost (true|false).
-- * Direction: resident -> hospital (carereach's default, TO_FACILITY). pgRouting searches
--   outwards from its start vertices, so the search runs on the reversed graph: each edge keeps
--   its source and target but takes the other direction's cost (cost <-> reverse_cost).
--   Negative costs (the closed direction of a one-way street) mean "no edge".
-- * Cost: osm2pgrouting's travel time in seconds (cost_s, reverse_cost_s), directed.
-- * equicost => true gives each vertex once, with the cost from its nearest start vertex; with
--   false a vertex comes once per start vertex that reaches it and the minimum is taken below,
--   so both settings give the same answer (the script checks that once, untimed).
-- * Snapping: to the nearest vertex (an intersection or way end; osm2pgrouting keeps no shape
--   vertices) of the largest strongly connected component: the 8 nearest by planar degree
--   distance (GiST KNN), then the nearest of those by geodesic distance. No off-road leg is
--   added to the time.
WITH hospital_vertices AS (
  SELECT DISTINCT s.id
  FROM bench_hospitals h
  CROSS JOIN LATERAL (
    SELECT c.id FROM (SELECT id, the_geom FROM bench_routable_vertices
                      ORDER BY the_geom <-> h.geom LIMIT 8) c
    ORDER BY ST_Distance(c.the_geom::geography, h.geom::geography) LIMIT 1) s
),
reached AS MATERIALIZED (
  SELECT node, min(agg_cost) AS seconds
  FROM pgr_drivingDistance(
    'SELECT gid AS id, source, target, reverse_cost_s AS cost, cost_s AS reverse_cost FROM ways',
    (SELECT array_agg(id ORDER BY id) FROM hospital_vertices),
    :max_seconds, directed => true, equicost => :equicost)
  GROUP BY node
),
tract_vertices AS MATERIALIZED (
  SELECT t.population, s.id
  FROM bench_tracts t
  CROSS JOIN LATERAL (
    SELECT c.id FROM (SELECT id, the_geom FROM bench_routable_vertices
                      ORDER BY the_geom <-> t.geom LIMIT 8) c
    ORDER BY ST_Distance(c.the_geom::geography, t.geom::geography) LIMIT 1) s
),
-- Both sides MATERIALIZED: otherwise the planner may rescan the reached set once per tract.
tract_times AS (
  SELECT tv.population, r.seconds
  FROM tract_vertices tv
  LEFT JOIN reached r ON r.node = tv.id
)
SELECT m.minutes,
       coalesce(sum(tt.population) FILTER (WHERE tt.seconds <= m.minutes * 60), 0) AS covered,
       sum(tt.population) AS total,
       round(coalesce(sum(tt.population) FILTER (WHERE tt.seconds <= m.minutes * 60), 0)::numeric
             / nullif(sum(tt.population), 0), 6) AS share
FROM tract_times tt
CROSS JOIN (VALUES (10), (20), (30), (60)) AS m(minutes)
GROUP BY m.minutes
ORDER BY m.minutes;
