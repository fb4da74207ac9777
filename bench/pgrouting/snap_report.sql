-- Untimed: how far the points moved when snapped the way coverage.sql snaps them (metres), and
-- how many tracts lie farther than carereach's default max_snap_meters (1000) from their vertex.
WITH snapped AS (
  SELECT 'hospitals' AS what, NULL::bigint AS population,
         ST_Distance(s.the_geom::geography, h.geom::geography) AS metres
  FROM bench_hospitals h
  CROSS JOIN LATERAL (
    SELECT c.the_geom FROM (SELECT id, the_geom FROM bench_routable_vertices
                            ORDER BY the_geom <-> h.geom LIMIT 8) c
    ORDER BY ST_Distance(c.the_geom::geography, h.geom::geography) LIMIT 1) s
  UNION ALL
  SELECT 'tracts', t.population, ST_Distance(s.the_geom::geography, t.geom::geography)
  FROM bench_tracts t
  CROSS JOIN LATERAL (
    SELECT c.the_geom FROM (SELECT id, the_geom FROM bench_routable_vertices
                            ORDER BY the_geom <-> t.geom LIMIT 8) c
    ORDER BY ST_Distance(c.the_geom::geography, t.geom::geography) LIMIT 1) s
)
SELECT what, count(*) AS points,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY metres)::numeric, 1) AS median_m,
       round(max(metres)::numeric, 1) AS max_m,
       count(*) FILTER (WHERE metres > 1000) AS over_1000_m,
       coalesce(sum(population) FILTER (WHERE metres > 1000), 0) AS population_over_1000_m
FROM snapped
GROUP BY what
ORDER BY what;
