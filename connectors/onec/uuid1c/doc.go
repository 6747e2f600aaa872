// Package uuid1c converts between canonical UUID strings and the byte order
// 1C:Enterprise uses for binary(16)/bytea reference columns (_IDRRef, _FldNRRef,
// ...): DB bytes = g4 ‖ g5 ‖ g3 ‖ g2 ‖ g1, where g1..g5 are the 4-2-2-2-6 byte
// groups of the canonical string (1c-layout.md §8.1). It is a leaf package
// with no state; every function is safe for concurrent use.
package uuid1c
