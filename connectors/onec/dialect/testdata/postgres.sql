-- Generated SQL of the postgres dialect; rewrite with go test -run TestGoldenSQL -update.

-- select_page_first [1/1]
SELECT "_idrref", "_version", "_marked", "_predefinedid", "_code"::text AS "_code", "_description"::text AS "_description", "_fld54", "_fld55", "_fld56_type", "_fld56_rtref", "_fld57" FROM "_reference53" ORDER BY "_reference53"."_idrref" LIMIT $1;
--   $1 = int 1000

-- select_page_after [1/1]
SELECT "_idrref", "_version", "_marked" FROM "_reference53" WHERE "_idrref" > $1 ORDER BY "_reference53"."_idrref" LIMIT $2;
--   $1 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   $2 = int 500

-- select_page_two_keys [1/1]
SELECT "_reference53_idrref", "_keyfield", "_lineno61", "_fld62" FROM "_reference53_vt60" WHERE ("_reference53_idrref", "_keyfield") > ($1, $2) ORDER BY "_reference53_vt60"."_reference53_idrref", "_reference53_vt60"."_keyfield" LIMIT $3;
--   $1 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   $2 = []byte 0x00000007
--   $3 = int 100

-- select_page_five_keys [1/1]
SELECT "_nodetref", "_noderref", "_messageno", "_period", "_fld71"::text AS "_fld71", "_fld72rref" FROM "_inforgchngr70" WHERE ("_period", "_fld71", "_fld72rref", "_nodetref", "_noderref") > ($1, $2, $3, $4, $5) ORDER BY "_inforgchngr70"."_period", "_inforgchngr70"."_fld71", "_inforgchngr70"."_fld72rref", "_inforgchngr70"."_nodetref", "_inforgchngr70"."_noderref" LIMIT $6;
--   $1 = time.Time 2025-03-01 10:30:00 +0000 UTC
--   $2 = string "Москва"
--   $3 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   $4 = []byte 0x0000016a
--   $5 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   $6 = int 10

-- select_for_update_skip_locked [1/1]
SELECT "_nodetref", "_noderref", "_messageno", "_period", "_fld71"::text AS "_fld71", "_fld72rref" FROM "_inforgchngr70" WHERE "_nodetref" = $1 AND "_noderref" = $2 ORDER BY "_inforgchngr70"."_period", "_inforgchngr70"."_fld71" LIMIT $3 FOR UPDATE SKIP LOCKED;
--   $1 = []byte 0x0000016a
--   $2 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   $3 = int 1000

-- select_for_update_null_unordered [1/1]
SELECT "_period", "_fld71"::text AS "_fld71", "_fld72rref" FROM "_inforgchngr70" WHERE "_messageno" IS NULL LIMIT $1 FOR UPDATE SKIP LOCKED;
--   $1 = int 50

-- delete_by_one_key [1/1]
DELETE FROM "_reference53" WHERE "_idrref" IN ($1, $2);
--   $1 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   $2 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1

-- delete_by_two_keys [1/1]
DELETE FROM "_reference53_vt60" WHERE ("_reference53_idrref", "_keyfield") IN (($1, $2), ($3, $4));
--   $1 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   $2 = []byte 0x00000001
--   $3 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   $4 = []byte 0x00000002

-- delete_by_keys_with_null [1/1]
DELETE FROM "_inforgchngr70" WHERE ("_period" IS NULL AND "_fld71" = $1 AND "_fld72rref" = $2 AND "_nodetref" = $3 AND "_noderref" = $4) OR ("_period" = $5 AND "_fld71" IS NULL AND "_fld72rref" = $6 AND "_nodetref" = $7 AND "_noderref" = $8);
--   $1 = string "A"
--   $2 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   $3 = []byte 0x0000016a
--   $4 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   $5 = time.Time 2025-03-01 10:30:00 +0000 UTC
--   $6 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   $7 = []byte 0x0000016a
--   $8 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1

-- select_by_two_keys [1/1]
SELECT "_lineno61", "_fld62" FROM "_reference53_vt60" WHERE ("_reference53_idrref", "_keyfield") IN (($1, $2));
--   $1 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   $2 = []byte 0x00000001

-- select_by_one_key [1/1]
SELECT "_code"::text AS "_code", "_description"::text AS "_description" FROM "_reference53" WHERE "_idrref" IN ($1);
--   $1 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1

-- create_sequence [1/1]
CREATE SEQUENCE IF NOT EXISTS "onec_seq_numbers" AS bigint START WITH 1 INCREMENT BY 1;

-- next_sequence_values [1/1]
SELECT nextval($1::regclass) FROM generate_series(1, $2);
--   $1 = string "\"onec_seq_numbers\""
--   $2 = int 5
