-- stamp_reference
UPDATE TOP (@p5) [_ReferenceChngR27] WITH (ROWLOCK, READPAST) SET [_MessageNo] = @p1 OUTPUT inserted.[_IDRRef] WHERE [_NodeTRef] = @p2 AND [_NodeRRef] = @p3 AND ([_MessageNo] IS NULL OR [_MessageNo] < @p4);

-- delete_delivered
DELETE FROM [_ReferenceChngR27] WHERE [_NodeTRef] = @p1 AND [_NodeRRef] = @p2 AND [_MessageNo] = @p3;

-- max_message_no
SELECT MAX([_MessageNo]) FROM [_ReferenceChngR27] WHERE [_NodeTRef] = @p1 AND [_NodeRRef] = @p2;

-- count_pending
SELECT COUNT(*) FROM [_ReferenceChngR27] WHERE [_NodeTRef] = @p1 AND [_NodeRRef] = @p2;

-- stamp_register
UPDATE TOP (@p5) [_InfoRgChngR49] WITH (ROWLOCK, READPAST) SET [_MessageNo] = @p1 OUTPUT inserted.[_Period], inserted.[_Fld45RRef], inserted.[_Fld46] WHERE [_NodeTRef] = @p2 AND [_NodeRRef] = @p3 AND ([_MessageNo] IS NULL OR [_MessageNo] < @p4);

-- node_by_code
SELECT [_IDRRef] FROM [_Node20] WHERE RTRIM([_Code]) = @p1;

-- snapshot_keys_first
SELECT DISTINCT TOP (@p1) [_Period], [_Fld45RRef], [_Fld46] FROM [_InfoRg15] ORDER BY [_Period], [_Fld45RRef], [_Fld46];

-- snapshot_keys_after
SELECT DISTINCT TOP (@p1) [_Period], [_Fld45RRef], [_Fld46] FROM [_InfoRg15] WHERE ([_Period] > @p2) OR ([_Period] = @p2 AND [_Fld45RRef] > @p3) OR ([_Period] = @p2 AND [_Fld45RRef] = @p3 AND [_Fld46] > @p4) ORDER BY [_Period], [_Fld45RRef], [_Fld46];

