-- analysis/views.sql: SQL views for the common questions about a lastmile
-- results database (analysis/SCHEMA.md, "Views", documents each column).
--
-- The views are TEMP: they live in the connection, never in the file, so a
-- database stays exactly as lastmile wrote it (read-only opening works).
--   sqlite3 -cmd '.read analysis/views.sql' results/quickstart.db \
--     'SELECT * FROM worst_isps_by_rebuffer WHERE run_id = 1 LIMIT 5'
-- Python: db.executescript(open('analysis/views.sql').read()).
-- Every view has a run_id column: filter on it, a file may hold many runs.
-- Times: hour counts whole hours from the run's start; utc_hour is the hour
-- of the day (UTC) it falls in.

-- Viewing bytes by delivery tier per hour of the run, as shares of the
-- hour's viewing bytes (fill transfers are reported beside, not in them).
CREATE TEMP VIEW IF NOT EXISTS offload_by_hour AS
SELECT t.run_id,
       CAST(t.t_s / 3600 AS INTEGER) AS hour,
       CAST(((r.start_unix + t.t_s) % 86400) / 3600 AS INTEGER) AS utc_hour,
       SUM(CASE WHEN t.tier <> 'fill' THEN t.bytes ELSE 0 END) / 1e9 AS viewing_gb,
       SUM(CASE WHEN t.tier = 'embedded' THEN t.bytes ELSE 0 END)
         / NULLIF(SUM(CASE WHEN t.tier <> 'fill' THEN t.bytes ELSE 0 END), 0) AS embedded,
       SUM(CASE WHEN t.tier = 'ix' THEN t.bytes ELSE 0 END)
         / NULLIF(SUM(CASE WHEN t.tier <> 'fill' THEN t.bytes ELSE 0 END), 0) AS ix,
       SUM(CASE WHEN t.tier = 'origin' THEN t.bytes ELSE 0 END)
         / NULLIF(SUM(CASE WHEN t.tier <> 'fill' THEN t.bytes ELSE 0 END), 0) AS origin,
       SUM(CASE WHEN t.tier = 'cdn' THEN t.bytes ELSE 0 END)
         / NULLIF(SUM(CASE WHEN t.tier <> 'fill' THEN t.bytes ELSE 0 END), 0) AS cdn,
       SUM(CASE WHEN t.tier = 'fill' THEN t.bytes ELSE 0 END) / 1e9 AS fill_gb
  FROM tier_ts t JOIN runs r ON r.run_id = t.run_id
 GROUP BY t.run_id, hour
 ORDER BY t.run_id, hour;

-- Each ISP's sessions: how much they stalled, worst first. played time is
-- a session's time minus its startup delay and its stalls.
CREATE TEMP VIEW IF NOT EXISTS worst_isps_by_rebuffer AS
SELECT s.run_id, s.isp, i.name AS isp_name, g.name AS region_name,
       COUNT(*) AS sessions,
       SUM(s.rebuffer_s)
         / NULLIF(SUM(s.end_s - s.start_s - COALESCE(s.startup_s, 0)), 0) AS rebuffer_ratio,
       SUM(s.rebuffer_count) * 3600.0
         / NULLIF(SUM(s.end_s - s.start_s), 0) AS stalls_per_hour,
       AVG(s.startup_s) AS startup_mean_s,
       AVG(s.bitrate_mean_kbps) AS bitrate_mean_kbps,
       AVG(s.vmaf_mean) AS vmaf_mean,
       SUM(s.outcome = 'failed') AS sessions_failed
  FROM sessions s
  JOIN isps i ON i.run_id = s.run_id AND i.id = s.isp
  JOIN regions g ON g.run_id = s.run_id AND g.id = s.region
 GROUP BY s.run_id, s.isp
 ORDER BY s.run_id, rebuffer_ratio DESC, s.isp;

-- Each OCA's load over the run, busiest (highest period utilization) first.
CREATE TEMP VIEW IF NOT EXISTS busiest_ocas AS
SELECT u.run_id, u.oca, st.name || '/' || o.index_in_site AS oca_name, st.kind AS site_kind,
       MAX(u.utilization) AS peak_utilization,
       AVG(u.utilization) AS mean_utilization,
       MAX(u.egress_bps) / 1e9 AS peak_gbps,
       SUM(u.bytes) / 1e9 AS served_gb,
       CAST(SUM(u.hits) AS REAL) / NULLIF(SUM(u.requests), 0) AS hit_ratio
  FROM oca_ts u
  JOIN ocas o ON o.run_id = u.run_id AND o.id = u.oca
  JOIN sites st ON st.run_id = o.run_id AND st.id = o.site
 GROUP BY u.run_id, u.oca
 ORDER BY u.run_id, peak_utilization DESC, u.oca;

-- Each link's busiest metrics period: which peering or transit saturates.
CREATE TEMP VIEW IF NOT EXISTS link_peaks AS
SELECT l.run_id, l.id AS link, l.name AS link_name, l.kind,
       l.capacity_bps / 1e9 AS capacity_gbps,
       MAX(t.bps) / 1e9 AS peak_gbps,
       MAX(t.utilization) AS peak_utilization,
       SUM(t.bytes) / 1e9 AS carried_gb
  FROM links l JOIN link_ts t ON t.run_id = l.run_id AND t.link = l.id
 GROUP BY l.run_id, l.id
 ORDER BY l.run_id, peak_utilization DESC, l.id;

-- Each region's peak: the metrics period with the most concurrent sessions
-- (the earliest when several tie), and its rebuffer ratio then.
CREATE TEMP VIEW IF NOT EXISTS peak_by_region AS
SELECT run_id, region, region_name, t_s / 3600.0 AS peak_hour, concurrent AS peak_concurrent,
       target AS target_then, rebuffer_ratio_then
  FROM (SELECT x.run_id, x.region, g.name AS region_name, x.t_s, x.concurrent, x.target,
               x.stall_s / NULLIF(x.stall_s + x.played_s, 0) AS rebuffer_ratio_then,
               ROW_NUMBER() OVER (PARTITION BY x.run_id, x.region
                                  ORDER BY x.concurrent DESC, x.t_s) AS k
          FROM region_ts x JOIN regions g ON g.run_id = x.run_id AND g.id = x.region)
 WHERE k = 1
 ORDER BY run_id, region;

-- Quality of experience by device class and codec.
CREATE TEMP VIEW IF NOT EXISTS qoe_by_device AS
SELECT run_id, device, codec, COUNT(*) AS sessions,
       AVG(bitrate_mean_kbps) AS bitrate_mean_kbps,
       AVG(vmaf_mean) AS vmaf_mean,
       SUM(rebuffer_s) / NULLIF(SUM(end_s - start_s - COALESCE(startup_s, 0)), 0) AS rebuffer_ratio,
       AVG(startup_s) AS startup_mean_s,
       SUM(switches) * 3600.0 / NULLIF(SUM(end_s - start_s), 0) AS switches_per_hour
  FROM sessions
 GROUP BY run_id, device, codec
 ORDER BY run_id, device, codec;

-- One row per run with its most asked-for metrics as columns (a sweep's
-- table): the scenario name, seed and the summary values.
CREATE TEMP VIEW IF NOT EXISTS runs_summary AS
SELECT r.run_id, r.name, r.seed, r.sample, r.duration_s, r.digest,
       MAX(CASE WHEN m.metric = 'sessions.started' THEN m.value END) AS sessions_started,
       MAX(CASE WHEN m.metric = 'offload.embedded' THEN m.value END) AS offload_embedded,
       MAX(CASE WHEN m.metric = 'offload.ix' THEN m.value END) AS offload_ix,
       MAX(CASE WHEN m.metric = 'offload.origin' THEN m.value END) AS offload_origin,
       MAX(CASE WHEN m.metric = 'peak.concurrent' THEN m.value END) AS peak_concurrent,
       MAX(CASE WHEN m.metric = 'peak.egress_gbps' THEN m.value END) AS peak_egress_gbps,
       MAX(CASE WHEN m.metric = 'qoe.startup_p95_s' THEN m.value END) AS startup_p95_s,
       MAX(CASE WHEN m.metric = 'qoe.rebuffer_ratio' THEN m.value END) AS rebuffer_ratio,
       MAX(CASE WHEN m.metric = 'qoe.bitrate_mean_kbps' THEN m.value END) AS bitrate_mean_kbps,
       MAX(CASE WHEN m.metric = 'qoe.vmaf_mean' THEN m.value END) AS vmaf_mean
  FROM runs r LEFT JOIN summary m ON m.run_id = r.run_id
 GROUP BY r.run_id
 ORDER BY r.run_id;

-- Each fault with its impact and when it was seen, in hours from the start.
CREATE TEMP VIEW IF NOT EXISTS fault_impact AS
SELECT run_id, id AS fault, kind, target,
       start_s / 3600.0 AS start_hour, (end_s - start_s) / 60.0 AS minutes,
       (seen_s - start_s) AS detect_s,
       sessions_affected, failovers, sessions_failed, rebuffer_added_s,
       bytes_moved / 1e9 AS moved_gb
  FROM faults
 ORDER BY run_id, id;
