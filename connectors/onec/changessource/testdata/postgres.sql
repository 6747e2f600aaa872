-- stamp_reference
UPDATE "_referencechngr27" SET "_messageno" = $1 WHERE ctid = ANY(ARRAY(SELECT ctid FROM "_referencechngr27" WHERE "_nodetref" = $2 AND "_noderref" = $3 AND ("_messageno" IS NULL OR "_messageno" < $4) LIMIT $5 FOR UPDATE SKIP LOCKED)) RETURNING "_idrref";

-- delete_delivered
DELETE FROM "_referencechngr27" WHERE "_nodetref" = $1 AND "_noderref" = $2 AND "_messageno" = $3;

-- max_message_no
SELECT MAX("_messageno") FROM "_referencechngr27" WHERE "_nodetref" = $1 AND "_noderref" = $2;

-- count_pending
SELECT COUNT(*) FROM "_referencechngr27" WHERE "_nodetref" = $1 AND "_noderref" = $2;

-- stamp_register
UPDATE "_inforgchngr49" SET "_messageno" = $1 WHERE ctid = ANY(ARRAY(SELECT ctid FROM "_inforgchngr49" WHERE "_nodetref" = $2 AND "_noderref" = $3 AND ("_messageno" IS NULL OR "_messageno" < $4) LIMIT $5 FOR UPDATE SKIP LOCKED)) RETURNING "_period", "_fld45rref", "_fld46"::text;

-- node_by_code
SELECT "_idrref" FROM "_node20" WHERE rtrim("_code"::text) = $1;

-- snapshot_keys_first
SELECT DISTINCT "_period", "_fld45rref", "_fld46"::text FROM "_inforg15" ORDER BY "_period", "_fld45rref", "_fld46"::text LIMIT $1;

-- snapshot_keys_after
SELECT DISTINCT "_period", "_fld45rref", "_fld46"::text FROM "_inforg15" WHERE ("_period", "_fld45rref", "_fld46"::text) > ($1, $2, $3) ORDER BY "_period", "_fld45rref", "_fld46"::text LIMIT $4;

