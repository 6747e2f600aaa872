// Package simpleheader is Kafka Connect's SimpleHeaderConverter
// (org.apache.kafka.connect.storage.SimpleHeaderConverter), the worker's
// default header converter. Header values are written as UTF-8 text the way
// Kafka's Values.convertToString prints them, and read back with the type
// inferred from the text as Values.parseString does: true/false, integers
// as the smallest fitting INT8…INT64, other numbers as FLOAT32 (Kafka's
// choice, even when lossy) or FLOAT64, ISO-8601 dates, times and
// timestamps as Date/Time/Timestamp, [..] arrays and {..} maps whose
// elements share one type, and anything else as a STRING.
//
// Differences from Kafka: map entries are written sorted by key (Go maps
// have no order); arrays and maps with elements of differing types are read
// back as their text (STRING) rather than as a schema-less array or map;
// dates are printed in UTC (Kafka uses the JVM's default time zone).
package simpleheader
