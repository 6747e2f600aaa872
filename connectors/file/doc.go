// Package file holds the FileStream connectors, the reference connectors of
// Kafka Connect re-implemented: FileStreamSource reads lines from a file (or
// stdin) into a topic, FileStreamSink writes record values as lines to a file
// (or stdout). They are used by the tests, the quick start and the docs.
//
// Source: one task; source partition {"filename": <file>}, offset
// {"position": <byte position after the last line sent>}, so a restarted
// task resumes after the last committed line. Lines end with "\n" (a "\r"
// before it is dropped); a last line without "\n" is sent once it is
// complete. Values are strings with a STRING schema; there is no key. Lines
// are bytes as read, so any UTF-8 text passes unchanged. Stdin has no
// offsets. Delivery: at-least-once (lines after the last committed offset
// are sent again after an unclean stop).
//
// Sink: any number of tasks (each appends to the same file; use one task for
// a single ordered file). Each record value is written with fmt's %v and a
// "\n"; Flush flushes and fsyncs the file.
//
// The package imports only connect, config and schema. Plugin descriptors
// are SourcePlugin and SinkPlugin; connect/plugins registers them.
package file
