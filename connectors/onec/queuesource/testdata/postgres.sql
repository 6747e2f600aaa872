-- lock batch (delete mode)
WITH c AS (SELECT t.ctid AS tid, t."_fld54" AS n, age(t.xmin) > h.a AS settled FROM "_inforg17" AS t, (SELECT age(((pg_snapshot_xmin(pg_current_snapshot())::text::bigint % 4294967296)::text)::xid) AS a) AS h ORDER BY t."_fld54" LIMIT $1 FOR UPDATE OF t SKIP LOCKED), p AS (SELECT tid FROM c WHERE n < coalesce((SELECT min(n) FROM c WHERE NOT settled), n + 1)) DELETE FROM "_inforg17" AS t USING p WHERE t.ctid = p.tid RETURNING t."_fld54", t."_fld58"::text AS "_fld58", t."_fld56"::text AS "_fld56", t."_fld59"
-- lock batch after the newest open batch (delete mode)
WITH c AS (SELECT t.ctid AS tid, t."_fld54" AS n, age(t.xmin) > h.a AS settled FROM "_inforg17" AS t, (SELECT age(((pg_snapshot_xmin(pg_current_snapshot())::text::bigint % 4294967296)::text)::xid) AS a) AS h WHERE t."_fld54" > $2 ORDER BY t."_fld54" LIMIT $1 FOR UPDATE OF t SKIP LOCKED), p AS (SELECT tid FROM c WHERE n < coalesce((SELECT min(n) FROM c WHERE NOT settled), n + 1)) DELETE FROM "_inforg17" AS t USING p WHERE t.ctid = p.tid RETURNING t."_fld54", t."_fld58"::text AS "_fld58", t."_fld56"::text AS "_fld56", t."_fld59"
-- read after (offset mode)
SELECT t."_fld54", t."_fld58"::text AS "_fld58", t."_fld56"::text AS "_fld56", t."_fld59", age(t.xmin) > h.a AS settled FROM "_inforg17" AS t, (SELECT age(((pg_snapshot_xmin(pg_current_snapshot())::text::bigint % 4294967296)::text)::xid) AS a) AS h WHERE t."_fld54" > $1 ORDER BY t."_fld54" LIMIT $2
-- depth
SELECT count(*), min(t."_fld59") FROM "_inforg17" AS t
-- depth after
SELECT count(*), min(t."_fld59") FROM "_inforg17" AS t WHERE t."_fld54" > $1
