package onectest

import (
	"fmt"
	"strings"
)

// Kind is the kind of a 1C metadata object.
type Kind int

// The object kinds onectest can build.
const (
	Catalog Kind = iota + 1
	Document
	Enum
	Constant
	InformationRegister
	AccumulationRegister
	ExchangePlan
)

var kindInfo = map[Kind]struct {
	ru, en string
	token  string // DBNames token of the main table
	chngr  string // DBNames token of the change table
	typeID string // metadata-type UUID (first element of a type list)
}{
	Catalog:              {"Справочник", "Catalog", "Reference", "ReferenceChngR", "cf4abea6-37b2-11d4-940f-008048da11f9"},
	Document:             {"Документ", "Document", "Document", "DocumentChngR", "061d872a-5787-460e-95ac-ed74ea3a3e84"},
	Enum:                 {"Перечисление", "Enum", "Enum", "", "f6a80749-5ad7-400b-8519-39dc5dff2542"},
	Constant:             {"Константа", "Constant", "Const", "ConstChngR", "0195e80c-b157-11d4-9435-004095e12fc7"},
	InformationRegister:  {"РегистрСведений", "InformationRegister", "InfoRg", "InfoRgChngR", "13134201-f60b-11d5-a3c7-0050bae0a776"},
	AccumulationRegister: {"РегистрНакопления", "AccumulationRegister", "AccumRg", "AccumRgChngR", "b64d9a40-1642-11d6-a3c7-0050bae0a776"},
	ExchangePlan:         {"ПланОбмена", "ExchangePlan", "Node", "", "857c4a91-e5f4-4fac-86ec-787626f1c108"},
}

// String returns the Russian prefix of the kind, as in "Справочник".
func (k Kind) String() string {
	if i, ok := kindInfo[k]; ok {
		return i.ru
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// English returns the English prefix of the kind, as in "Catalog".
func (k Kind) English() string { return kindInfo[k].en }

// Token returns the DBNames token of the kind's main table ("Reference",
// "Document", "InfoRg", ...).
func (k Kind) Token() string { return kindInfo[k].token }

// isReference reports whether values of the kind can be referenced.
func (k Kind) isReference() bool {
	return k == Catalog || k == Document || k == Enum || k == ExchangePlan
}

// ParseFullName splits a full name such as "Справочник.Номенклатура" or
// "Catalog.Items" into its kind and name. Both Russian and English
// prefixes are accepted.
func ParseFullName(full string) (Kind, string, error) {
	prefix, name, ok := strings.Cut(full, ".")
	if !ok || name == "" || strings.Contains(name, ".") {
		return 0, "", fmt.Errorf("onectest: %q is not a full name like Справочник.Имя", full)
	}
	for k, i := range kindInfo {
		if strings.EqualFold(prefix, i.ru) || strings.EqualFold(prefix, i.en) {
			return k, name, nil
		}
	}
	return 0, "", fmt.Errorf("onectest: unknown object kind %q in %q", prefix, full)
}
