package onectest

import (
	"sort"
	"strconv"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata/brace"
)

// tmplMain is the main configuration file (1c-layout.md §3), shaped as the
// real one in the test configuration of zhichkin/dajet-metadata. The type
// lists are appended to the component lists after filling.
const tmplMain = `{2,
{$MAIN},6,
{9cd510cd-abfc-11d4-9434-004095e12fc7,
{1,
{56,
{0,{2,{1,0,$CFGUUID},$NAME,$SYN,"",0,2,$C1,3,$C2,3,Z}},"",1,
{0},{0},{0},{0},{0},Z,$LANG,Z,Z,0,"","1.0","",1,
{0,0},1,
{0,0},1,Z,Z,Z,Z,$COMPAT,
{0,0},0,0,Z,Z,Z,
{1,{"#",1708fdaa-cbce-4289-b373-07a5a74bee91,1}},Z,Z,2,Z,3,
{0,0},
{0},2,"",$COMPAT,1,0,Z,Z,Z,1,Z,
{0,0}
},$COMMONCOUNT}
},
{9fcd25a0-4822-11d4-9414-008048da11f9,
{6,
{1,
{{1,0,$OPSUUID},Z},$OPSCOUNT}
}
},
{e3687481-0a87-462c-a166-9f34594f9bba,
{1,{0,{1,0,$ACCUUID}},2,
{238e7e88-3c5f-48b2-8a3b-81ebbecb20ed,0},
{2deed9b8-0056-4ffe-a473-c20a6c32a0bc,0}
}
},
{9de14907-ec23-4a07-96f0-85521cb6b53b,
{1,{{1,0,$CALCUUID}},2,
{30b100d6-b29f-47ac-aec7-cb8ca8a54767,0},
{f2de87a8-64e5-45eb-a22d-b3aedab050e7,0}
}
},
{51f2d5d8-ea4d-4064-8892-82951750031e,
{1,{0,{1,0,$BPUUID}},2,
{3e63355c-1378-4953-be9b-1deb5fb6bec5,0},
{fcd3404e-1523-48ce-9bc0-ecdb822684a1,0}
}
},
{e68182ea-4237-4383-967f-90c1e3370bc7,
{1,{{1,0,$E6UUID}},1,
{5274d9fc-9c3a-4a71-8f5e-a0db8ab23de5,0}
}
},
{{0,"",""}}
}`

// Type lists of the Common component (sorted by metadata-type UUID, present
// even when empty, as in real files). Exchange plans and languages live here.
var commonTypeLists = []string{
	"09736b02-9cac-4e3f-b4f7-d3e9576ab948", "0c89c792-16c3-11d5-b96b-0050bae0a95d", "0fe48980-252d-11d6-a3c7-0050bae0a776",
	"0fffc09c-8f4c-47cc-b41c-8d5c5a221d79", "11bdaf85-d5ad-4d91-bb24-aa0eee139052", "15794563-ccec-41f6-a83c-ec5f7b9a5bc1",
	"24c43748-c938-45d0-8d14-01424a72b11e", "30d554db-541e-4f62-8970-a1c6dcfeb2bc", "37f2fa9a-b276-11d4-9435-004095e12fc7",
	"39bddf6a-0c3c-452b-921c-d99cfa1c2f1b", "3e5404af-6ef8-4c73-ad11-91bd2dfac4c8", "3e7bfcc0-067d-11d6-a3c7-0050bae0a776",
	"46b4cd97-fd13-4eaa-aba2-3bddd7699218", "4e828da6-0f44-4b5b-b1c0-a2b3cfe7bdcc", "58848766-36ea-4076-8800-e91eb49590d7",
	"7dcd43d9-aca5-4926-b549-1842e6a4e8cf", "857c4a91-e5f4-4fac-86ec-787626f1c108", "8657032e-7740-4e1d-a3ba-5dd6e8afb78f",
	languageTypeUUID, "af547940-3268-434f-a3e7-e47d6d2638c3", "c045099e-13b9-4fb6-9d50-fca00202971e",
	"cc9df798-7c94-4616-97d2-7aa0b7bc515e", "d26096fb-7a5d-4df9-af63-47d04771fa9b",
}

// Type lists of the Operations component.
var operationsTypeLists = []string{
	"0195e80c-b157-11d4-9435-004095e12fc7", "061d872a-5787-460e-95ac-ed74ea3a3e84", "07ee8426-87f1-11d5-b99c-0050bae0a95d",
	"13134201-f60b-11d5-a3c7-0050bae0a776", "1c57eabe-7349-44b3-b1de-ebfeab67b47d", "2f1a5187-fb0e-4b05-9489-dc5dd6412348",
	"36a8e346-9aaa-4af9-bdbd-83be3c177977", "4612bd75-71b7-4a5c-8cc5-2b0b65f9fa0d", "631b75a0-29e2-11d6-a3c7-0050bae0a776",
	"82a1b659-b220-4d94-a9bd-14d757b95a48", "b64d9a40-1642-11d6-a3c7-0050bae0a776", "bc587f20-35d9-11d6-a3c7-0050bae0a776",
	"bf845118-327b-4682-b5c6-285d2a0eb296", "cf4abea6-37b2-11d4-940f-008048da11f9", "f6a80749-5ad7-400b-8519-39dc5dff2542",
}

const languageTypeUUID = "9cd510ce-abfc-11d4-9434-004095e12fc7"

const tmplLanguage = `{1,{0,{2,{1,0,$UUID},"Русский",{1,"ru","Русский"},"",0,0,Z},"ru"},0}`

func (l *Layout) languageUUID() string { return nameUUID(l.Config.Name, "language", "ru") }

// mainFile builds the main configuration file.
func (l *Layout) mainFile() (*brace.Node, error) {
	cfg := l.Config
	byType := map[string][]string{}
	for _, ol := range l.objects {
		tu := kindInfo[ol.Object.Kind].typeID
		byType[tu] = append(byType[tu], ol.UUID)
	}
	byType[languageTypeUUID] = []string{l.languageUUID()}
	lists := func(types []string) []*brace.Node {
		sorted := append([]string(nil), types...)
		sort.Strings(sorted)
		var out []*brace.Node
		for _, t := range sorted {
			items := []*brace.Node{brace.B(t), brace.N(len(byType[t]))}
			for _, u := range byType[t] {
				items = append(items, brace.B(u))
			}
			out = append(out, brace.L(items...))
		}
		return out
	}
	u := func(what string) *brace.Node { return brace.B(nameUUID(cfg.Name, what)) }
	m, err := fill(tmplMain, map[string]*brace.Node{
		"MAIN": brace.B(l.mainUUID), "CFGUUID": brace.B(l.configUUID), "NAME": brace.S(cfg.Name), "SYN": synonym(cfg.Synonym),
		"C1": u("c1"), "C2": u("c2"), "LANG": brace.B(l.languageUUID()), "COMPAT": brace.N(l.Compatibility),
		"COMMONCOUNT": brace.N(len(commonTypeLists)), "OPSCOUNT": brace.N(len(operationsTypeLists)),
		"OPSUUID": u("operations"), "ACCUUID": u("accounting"), "CALCUUID": u("calculation"), "BPUUID": u("bp"), "E6UUID": u("e6"),
	})
	if err != nil {
		return nil, err
	}
	common := m.List[3].List[1] // M[4][2]
	common.List = append(common.List, lists(commonTypeLists)...)
	ops := m.List[4].List[1].List[1] // M[5][2][2]
	ops.List = append(ops.List, lists(operationsTypeLists)...)
	return m, nil
}

// rootFile is {2,<main uuid>,} (the platform writes a base64 blob last).
func (l *Layout) rootFile() *brace.Node {
	return brace.L(brace.N(2), brace.B(l.mainUUID), brace.B(""))
}

// versionFile is {{216,0,{<platform>,0}}}.
func (l *Layout) versionFile() *brace.Node {
	return brace.L(brace.L(brace.N(216), brace.N(0), brace.L(brace.N(l.Compatibility), brace.N(0))))
}

// versionsFile is {1,count,"",<v>,"file",<v>,…}: a version UUID per file.
func (l *Layout) versionsFile(names []string) *brace.Node {
	items := []*brace.Node{brace.N(1), brace.N(len(names) + 1), brace.S(""), brace.B(nameUUID(l.Config.Name, "versions"))}
	for _, n := range names {
		items = append(items, brace.S(n), brace.B(nameUUID(l.Config.Name, "version", n)))
	}
	return brace.L(items...)
}

// ConfigFile is one row of the Config or Params table before encoding.
type ConfigFile struct {
	Name string
	Body *brace.Node
}

// Files returns every Config file of the layout (root, version, versions,
// the main file, the language, object descriptors and exchange-plan
// contents) and every Params file (DBNames, DBNamesVersion-DBNames).
func (l *Layout) Files() (config, params []ConfigFile, err error) {
	main, err := l.mainFile()
	if err != nil {
		return nil, nil, err
	}
	lang, err := fill(tmplLanguage, map[string]*brace.Node{"UUID": brace.B(l.languageUUID())})
	if err != nil {
		return nil, nil, err
	}
	config = append(config, ConfigFile{"root", l.rootFile()}, ConfigFile{"version", l.versionFile()},
		ConfigFile{l.mainUUID, main}, ConfigFile{l.languageUUID(), lang})
	for _, ol := range l.objects {
		d, err := l.descriptor(ol)
		if err != nil {
			return nil, nil, err
		}
		config = append(config, ConfigFile{ol.UUID, d})
		if ol.Object.Kind == ExchangePlan {
			c, err := l.exchangeContent(ol)
			if err != nil {
				return nil, nil, err
			}
			config = append(config, ConfigFile{ol.UUID + ".1", c})
		}
	}
	var names []string
	for _, f := range config {
		names = append(names, f.Name)
	}
	config = append(config, ConfigFile{"versions", l.versionsFile(names)})
	params = append(params, ConfigFile{"DBNames", l.dbNames()},
		ConfigFile{"DBNamesVersion-DBNames", brace.L(brace.N(0), brace.B(nameUUID(l.Config.Name, "dbnames", strconv.Itoa(len(l.DBNames)))))})
	return config, params, nil
}
