-- lock batch (delete mode)
SELECT TOP (@p1) t.[_Fld54], t.[_Fld58], t.[_Fld56], t.[_Fld59] FROM [_InfoRg17] AS t WITH (UPDLOCK, ROWLOCK, READPAST) ORDER BY t.[_Fld54]
-- lock batch after the newest open batch (delete mode)
SELECT TOP (@p1) t.[_Fld54], t.[_Fld58], t.[_Fld56], t.[_Fld59] FROM [_InfoRg17] AS t WITH (UPDLOCK, ROWLOCK, READPAST) WHERE t.[_Fld54] > @p2 ORDER BY t.[_Fld54]
-- delete acknowledged rows
DELETE t FROM [_InfoRg17] AS t WHERE t.[_Fld54] IN (@p1, @p2, @p3)
-- read after (offset mode)
SELECT TOP (@p3) t.[_Fld54], t.[_Fld58], t.[_Fld56], t.[_Fld59] FROM [_InfoRg17] AS t WITH (READCOMMITTEDLOCK) WHERE t.[_Fld54] > @p1 ORDER BY t.[_Fld54]
-- depth
SELECT count_big(*), min(t.[_Fld59]) FROM [_InfoRg17] AS t WITH (NOLOCK)
-- depth after
SELECT count_big(*), min(t.[_Fld59]) FROM [_InfoRg17] AS t WITH (NOLOCK) WHERE t.[_Fld54] > @p1
