-- register_page_first
SELECT "_period", "_fld45rref", "_fld46"::text AS "_fld46", "_fld47" FROM "_inforg15" ORDER BY "_period", "_fld45rref", "_fld46"::text LIMIT $1;

-- register_page_after
SELECT "_period", "_fld45rref", "_fld46"::text AS "_fld46", "_fld47" FROM "_inforg15" WHERE ("_period" > $1) OR ("_period" = $1 AND "_fld45rref" > $2) OR ("_period" = $1 AND "_fld45rref" = $2 AND "_fld46"::text > $3) ORDER BY "_period", "_fld45rref", "_fld46"::text LIMIT $4;

-- changed_since_version
-- error: incremental reads by _Version need SQL Server, not postgres

-- min_active_rowversion
SELECT CAST(MIN_ACTIVE_ROWVERSION() AS binary(8));

-- read_transaction_isolation
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;

