package tablesource

import "errors"

// ErrBadOffset is wrapped when an object's stored source offset is not one
// this connector writes (see restorePosition): the task fails rather than
// guess where to resume.
var ErrBadOffset = errors.New("stored offset of OneCTableSource is malformed")
