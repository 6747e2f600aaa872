-- register_page_first
SELECT TOP (@p1) [_Period], [_Fld45RRef], [_Fld46], [_Fld47] FROM [_InfoRg15] ORDER BY [_Period], [_Fld45RRef], [_Fld46];

-- register_page_after
SELECT TOP (@p1) [_Period], [_Fld45RRef], [_Fld46], [_Fld47] FROM [_InfoRg15] WHERE ([_Period] > @p2) OR ([_Period] = @p2 AND [_Fld45RRef] > @p3) OR ([_Period] = @p2 AND [_Fld45RRef] = @p3 AND [_Fld46] > @p4) ORDER BY [_Period], [_Fld45RRef], [_Fld46];

-- changed_since_version
SELECT TOP (@p1) [_IDRRef], [_Version], [_Description] FROM [_Reference12] WHERE [_Version] > @p2 AND [_Version] < @p3 ORDER BY [_Version];

-- min_active_rowversion
SELECT CAST(MIN_ACTIVE_ROWVERSION() AS binary(8));

-- snapshot_isolation_state
SELECT CAST(snapshot_isolation_state AS int), name FROM sys.databases WHERE database_id = DB_ID();

-- read_transaction_isolation
SET TRANSACTION ISOLATION LEVEL SNAPSHOT;

