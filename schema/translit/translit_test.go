package translit

import (
	"regexp"
	"strings"
	"testing"
)

var (
	avroName  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	topicName = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)
)

func TestName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Номенклатура", "Nomenklatura"},
		{"СуммаДокумента", "SummaDokumenta"},
		{"ВерсияДанных", "VersiyaDannykh"},
		{"ПометкаУдаления", "PometkaUdaleniya"},
		{"СтавкаНДС", "StavkaNDS"},
		{"ЖКХ", "ZHKKH"},
		{"Жилье", "Zhile"},
		{"ЩукаЁжик", "ShchukaYozhik"},
		{"ОбъектЭкспорта", "ObektEksporta"},
		{"Ёлки", "Yolki"},
		{"Цена", "Tsena"},
		{"already_ok9", "already_ok9"},
		{"1Поле", "_1Pole"},
		{"", "_"},
		{"ь", "_"},
		{"a.b-c d", "a_b_c_d"},
		{"Товар №1", "Tovar__1"},
		{"日本", "__"},
		{"Її Ґанок Єва ўсё", "Yiyi_Ganok_Yeva_usyo"},
		{"\xff", "_"},
	}
	for _, tc := range tests {
		got := Name(tc.in)
		if got != tc.want {
			t.Errorf("Name(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if !avroName.MatchString(got) || !IsName(got) {
			t.Errorf("Name(%q) = %q is not a legal Avro name", tc.in, got)
		}
		if Name(tc.in) != got {
			t.Errorf("Name(%q) is not deterministic", tc.in)
		}
	}
}

func TestFullName(t *testing.T) {
	got := FullName("Документ.РеализацияТоваровУслуг.Товары")
	if got != "Dokument.RealizatsiyaTovarovUslug.Tovary" {
		t.Fatalf("FullName = %q", got)
	}
	if got := FullName("a..b"); got != "a._.b" {
		t.Fatalf("FullName(a..b) = %q", got)
	}
}

func TestTopic(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1c.Документ.РеализацияТоваровУслуг", "1c.Dokument.RealizatsiyaTovarovUslug"},
		{"my-topic_1", "my-topic_1"},
		{"a b/c", "a_b_c"},
		{"", "_"},
		{".", "_"},
		{"..", "__"},
	}
	for _, tc := range tests {
		if got := Topic(tc.in); got != tc.want {
			t.Errorf("Topic(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	long1 := strings.Repeat("Я", 200) + "1"
	long2 := strings.Repeat("Я", 200) + "2"
	a, b := Topic(long1), Topic(long2)
	if len(a) != MaxTopicLength || len(b) != MaxTopicLength || a == b {
		t.Fatalf("long topics: len %d/%d, equal=%v", len(a), len(b), a == b)
	}
	if !topicName.MatchString(a) {
		t.Fatalf("long topic %q not legal", a)
	}
}

func TestUniqueNames(t *testing.T) {
	tests := []struct {
		in, want []string
	}{
		{[]string{"Номер", "Nomer"}, []string{"Nomer_2", "Nomer"}},
		{[]string{"Е", "Э", "E_2"}, []string{"E", "E_3", "E_2"}},
		{[]string{"а", "а"}, []string{"a", "a_2"}},
		{[]string{"x", "x"}, []string{"x", "x_2"}},
		{[]string{"Цена", "Количество"}, []string{"Tsena", "Kolichestvo"}},
	}
	for _, tc := range tests {
		got := UniqueNames(tc.in)
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("UniqueNames(%q) = %q, want %q", tc.in, got, tc.want)
		}
		seen := map[string]bool{}
		for _, n := range got {
			if seen[n] || !IsName(n) {
				t.Errorf("UniqueNames(%q): %q duplicate or illegal", tc.in, n)
			}
			seen[n] = true
		}
	}
}

func FuzzName(f *testing.F) {
	for _, s := range []string{"Номенклатура", "", "1a", "ЖКХ", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Name(s)
		if !avroName.MatchString(n) {
			t.Fatalf("Name(%q) = %q", s, n)
		}
		tp := Topic(s)
		if !topicName.MatchString(tp) || len(tp) > MaxTopicLength || tp == "." || tp == ".." {
			t.Fatalf("Topic(%q) = %q", s, tp)
		}
	})
}
