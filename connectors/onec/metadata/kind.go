package metadata

import (
	"strings"

	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

// Kind is the kind of a metadata object.
type Kind uint8

// Object kinds the reader models.
const (
	KindUnknown Kind = iota
	KindCatalog
	KindDocument
	KindInformationRegister
	KindAccumulationRegister
	KindEnum
	KindExchangePlan
	KindConstant
	KindChartOfCharacteristicTypes
)

type kindInfo struct {
	en, ru   string
	typeUUID uuid1c.UUID // metadata-type UUID, first element of a type list (§3.2)
	token    string      // DBNames token of the main table (§4.3)
	chngr    string      // DBNames token of the change table
}

var kinds = [...]kindInfo{
	KindUnknown:                    {en: "Unknown", ru: "Неизвестно"},
	KindCatalog:                    {"Catalog", "Справочник", uuid1c.MustParse("cf4abea6-37b2-11d4-940f-008048da11f9"), "Reference", "ReferenceChngR"},
	KindDocument:                   {"Document", "Документ", uuid1c.MustParse("061d872a-5787-460e-95ac-ed74ea3a3e84"), "Document", "DocumentChngR"},
	KindInformationRegister:        {"InformationRegister", "РегистрСведений", uuid1c.MustParse("13134201-f60b-11d5-a3c7-0050bae0a776"), "InfoRg", "InfoRgChngR"},
	KindAccumulationRegister:       {"AccumulationRegister", "РегистрНакопления", uuid1c.MustParse("b64d9a40-1642-11d6-a3c7-0050bae0a776"), "AccumRg", "AccumRgChngR"},
	KindEnum:                       {"Enum", "Перечисление", uuid1c.MustParse("f6a80749-5ad7-400b-8519-39dc5dff2542"), "Enum", ""},
	KindExchangePlan:               {"ExchangePlan", "ПланОбмена", uuid1c.MustParse("857c4a91-e5f4-4fac-86ec-787626f1c108"), "Node", ""},
	KindConstant:                   {"Constant", "Константа", uuid1c.MustParse("0195e80c-b157-11d4-9435-004095e12fc7"), "Const", "ConstChngR"},
	KindChartOfCharacteristicTypes: {"ChartOfCharacteristicTypes", "ПланВидовХарактеристик", uuid1c.MustParse("82a1b659-b220-4d94-a9bd-14d757b95a48"), "Chrc", "ChrcChngR"},
}

// definedTypeList is the metadata-type UUID of defined types (ОпределяемыйТип).
var definedTypeList = uuid1c.MustParse("c045099e-13b9-4fb6-9d50-fca00202971e")

// Kinds lists the modelled kinds in a stable order.
func Kinds() []Kind {
	return []Kind{KindCatalog, KindDocument, KindInformationRegister, KindAccumulationRegister, KindEnum,
		KindExchangePlan, KindConstant, KindChartOfCharacteristicTypes}
}

// String returns the English kind name (Catalog, Document, ...).
func (k Kind) String() string {
	if int(k) < len(kinds) {
		return kinds[k].en
	}
	return "Unknown"
}

// Russian returns the Russian kind name (Справочник, Документ, ...).
func (k Kind) Russian() string {
	if int(k) < len(kinds) {
		return kinds[k].ru
	}
	return kinds[KindUnknown].ru
}

// Token returns the DBNames token of the kind's main table (Reference,
// Document, InfoRg, ...).
func (k Kind) Token() string {
	if int(k) < len(kinds) {
		return kinds[k].token
	}
	return ""
}

// IsReference reports whether objects of this kind are referenced by
// _IDRRef values (catalogs, documents, enums, exchange plans, charts).
func (k Kind) IsReference() bool {
	switch k {
	case KindCatalog, KindDocument, KindEnum, KindExchangePlan, KindChartOfCharacteristicTypes:
		return true
	}
	return false
}

// ParseKind maps an English or Russian kind name, case-insensitively, to a
// Kind; KindUnknown if the name is not one.
func ParseKind(s string) Kind {
	for _, k := range Kinds() {
		if strings.EqualFold(s, kinds[k].en) || strings.EqualFold(s, kinds[k].ru) {
			return k
		}
	}
	return KindUnknown
}
