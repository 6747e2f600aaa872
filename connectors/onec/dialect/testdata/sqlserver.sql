-- Generated SQL of the sqlserver dialect; rewrite with go test -run TestGoldenSQL -update.

-- select_page_first [1/1]
SELECT TOP (@p1) [_IDRRef], [_Version], [_Marked], [_PredefinedID], [_Code], [_Description], [_Fld54], [_Fld55], [_Fld56_TYPE], [_Fld56_RTRef], [_Fld57] FROM [_Reference53] ORDER BY [_IDRRef];
--   @p1 = int 1000

-- select_page_after [1/1]
SELECT TOP (@p1) [_IDRRef], [_Version], [_Marked] FROM [_Reference53] WHERE [_IDRRef] > @p2 ORDER BY [_IDRRef];
--   @p1 = int 500
--   @p2 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1

-- select_page_two_keys [1/1]
SELECT TOP (@p1) [_Reference53_IDRRef], [_KeyField], [_LineNo61], [_Fld62] FROM [_Reference53_VT60] WHERE [_Reference53_IDRRef] >= @p2 AND ([_Reference53_IDRRef] > @p2 OR ([_Reference53_IDRRef] = @p2 AND [_KeyField] > @p3)) ORDER BY [_Reference53_IDRRef], [_KeyField];
--   @p1 = int 100
--   @p2 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   @p3 = []byte 0x00000007

-- select_page_five_keys [1/1]
SELECT TOP (@p1) [_NodeTRef], [_NodeRRef], [_MessageNo], [_Period], [_Fld71], [_Fld72RRef] FROM [_InfoRgChngR70] WHERE [_Period] >= @p2 AND ([_Period] > @p2 OR ([_Period] = @p2 AND ([_Fld71] > @p3 OR ([_Fld71] = @p3 AND ([_Fld72RRef] > @p4 OR ([_Fld72RRef] = @p4 AND ([_NodeTRef] > @p5 OR ([_NodeTRef] = @p5 AND [_NodeRRef] > @p6)))))))) ORDER BY [_Period], [_Fld71], [_Fld72RRef], [_NodeTRef], [_NodeRRef];
--   @p1 = int 10
--   @p2 = civil.DateTime 2025-03-01T10:30:00
--   @p3 = string "Москва"
--   @p4 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   @p5 = []byte 0x0000016a
--   @p6 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1

-- select_for_update_skip_locked [1/1]
SELECT TOP (@p1) [_NodeTRef], [_NodeRRef], [_MessageNo], [_Period], [_Fld71], [_Fld72RRef] FROM [_InfoRgChngR70] WITH (UPDLOCK, ROWLOCK, READPAST) WHERE [_NodeTRef] = @p2 AND [_NodeRRef] = @p3 ORDER BY [_Period], [_Fld71];
--   @p1 = int 1000
--   @p2 = []byte 0x0000016a
--   @p3 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1

-- select_for_update_null_unordered [1/1]
SELECT TOP (@p1) [_Period], [_Fld71], [_Fld72RRef] FROM [_InfoRgChngR70] WITH (UPDLOCK, ROWLOCK, READPAST) WHERE [_MessageNo] IS NULL;
--   @p1 = int 50

-- delete_by_one_key [1/1]
DELETE t FROM [_Reference53] AS t WHERE t.[_IDRRef] IN (@p1, @p2);
--   @p1 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   @p2 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1

-- delete_by_two_keys [1/1]
DELETE t FROM [_Reference53_VT60] AS t INNER JOIN (VALUES (@p1, @p2), (@p3, @p4)) AS k ([_Reference53_IDRRef], [_KeyField]) ON t.[_Reference53_IDRRef] = k.[_Reference53_IDRRef] AND t.[_KeyField] = k.[_KeyField];
--   @p1 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   @p2 = []byte 0x00000001
--   @p3 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   @p4 = []byte 0x00000002

-- delete_by_keys_with_null [1/1]
DELETE t FROM [_InfoRgChngR70] AS t WHERE (t.[_Period] IS NULL AND t.[_Fld71] = @p1 AND t.[_Fld72RRef] = @p2 AND t.[_NodeTRef] = @p3 AND t.[_NodeRRef] = @p4) OR (t.[_Period] = @p5 AND t.[_Fld71] IS NULL AND t.[_Fld72RRef] = @p6 AND t.[_NodeTRef] = @p7 AND t.[_NodeRRef] = @p8);
--   @p1 = string "A"
--   @p2 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   @p3 = []byte 0x0000016a
--   @p4 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   @p5 = civil.DateTime 2025-03-01T10:30:00
--   @p6 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   @p7 = []byte 0x0000016a
--   @p8 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1

-- select_by_two_keys [1/1]
SELECT t.[_LineNo61], t.[_Fld62] FROM [_Reference53_VT60] AS t INNER JOIN (VALUES (@p1, @p2)) AS k ([_Reference53_IDRRef], [_KeyField]) ON t.[_Reference53_IDRRef] = k.[_Reference53_IDRRef] AND t.[_KeyField] = k.[_KeyField];
--   @p1 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1
--   @p2 = []byte 0x00000001

-- select_by_one_key [1/1]
SELECT t.[_Code], t.[_Description] FROM [_Reference53] AS t WHERE t.[_IDRRef] IN (@p1);
--   @p1 = []byte 0x9412080027b9b2bd11f1b0fdff19dcc1

-- create_sequence [1/1]
IF OBJECT_ID(@p1, N'SO') IS NULL CREATE SEQUENCE [onec_seq_numbers] AS bigint START WITH 1 INCREMENT BY 1;
--   @p1 = string "[onec_seq_numbers]"

-- next_sequence_values [1/1]
DECLARE @first sql_variant; EXEC sys.sp_sequence_get_range @sequence_name = @p1, @range_size = @p2, @range_first_value = @first OUTPUT; SELECT CAST(@first AS bigint) + v.n FROM (SELECT TOP (@p2) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) - 1 AS n FROM sys.all_columns AS a CROSS JOIN sys.all_columns AS b) AS v ORDER BY v.n;
--   @p1 = string "[onec_seq_numbers]"
--   @p2 = int64 5
