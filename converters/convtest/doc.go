// Package convtest holds test helpers shared by the converter packages:
// golden-file comparison with an -update flag, and round trips of Connect
// data through a converters.Converter. It is imported only by tests.
package convtest
