// Package translit turns arbitrary UTF-8 names, such as 1C attribute names
// («Номенклатура», «СуммаДокумента»), into names that stricter systems
// accept: Avro names ([Name]) and Kafka topic names ([Topic]).
//
// The mapping is deterministic and depends on nothing but its input. Russian
// (plus Ukrainian and Belarusian) Cyrillic is romanised with a simplified
// BGN/PCGN table without apostrophes, so that every output is ASCII letters
// only:
//
//	а a   б b   в v   г g   д d   е e   ё yo  ж zh  з z   и i   й y
//	к k   л l   м m   н n   о o   п p   р r   с s   т t   у u   ф f
//	х kh  ц ts  ч ch  ш sh  щ shch ъ (dropped)  ы y  ь (dropped)
//	э e   ю yu  я ya  і i   ї yi  є ye  ґ g   ў u
//
// Capitals become capitals: a one-letter result is upper-cased; a
// multi-letter result is written all in capitals when the next letter is a
// capital, or when the letter ends a word after a capital ("ЖКХ" → "ZHKKH",
// "НДС" → "NDS"), and in title case otherwise ("Жилье" → "Zhile").
//
// Every other character not allowed in the target is replaced by one
// underscore. ASCII letters and digits are kept as they are. The mapping is
// not injective (е/э both give "e"): callers that need unique names use
// [UniqueNames], which keeps names that are already legal and appends "_2",
// "_3", … to later duplicates. Keep the original name next to the converted
// one wherever a round trip must restore it (the Avro converter stores it in
// a field property).
//
// The package imports only the standard library and holds no state.
package translit
