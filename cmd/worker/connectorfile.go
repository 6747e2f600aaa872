package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/onecconnect/onecconnect/config"
)

// connectorFile is one connector given on the command line.
type connectorFile struct {
	path   string
	name   string
	config map[string]string
}

// readConnectorFile reads a .properties file (name= inside) or a .json
// file holding either {"name": ..., "config": {...}} (the POST /connectors
// body) or a flat config map with "name". JSON values may be strings,
// numbers or booleans.
func readConnectorFile(path string) (connectorFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return connectorFile{}, err
	}
	cf := connectorFile{path: path}
	if strings.EqualFold(filepath.Ext(path), ".json") {
		cf.config, cf.name, err = parseConnectorJSON(b)
	} else {
		cf.config, err = config.ParseProperties(bytes.NewReader(b))
		cf.name = strings.TrimSpace(cf.config["name"])
	}
	if err != nil {
		return connectorFile{}, err
	}
	if cf.name == "" {
		return connectorFile{}, fmt.Errorf("name: missing (every connector config needs a name)")
	}
	return cf, nil
}

func parseConnectorJSON(b []byte) (map[string]string, string, error) {
	var top map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&top); err != nil {
		return nil, "", fmt.Errorf("not a JSON object: %w", err)
	}
	name := ""
	flat := top
	if rawCfg, ok := top["config"]; ok {
		flat = nil
		if err := json.Unmarshal(rawCfg, &flat); err != nil {
			return nil, "", fmt.Errorf("config: not a JSON object: %w", err)
		}
		if rawName, ok := top["name"]; ok {
			if err := json.Unmarshal(rawName, &name); err != nil {
				return nil, "", fmt.Errorf("name: not a string: %w", err)
			}
		}
	}
	props := make(map[string]string, len(flat))
	for k, raw := range flat {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			return nil, "", fmt.Errorf("%s: %w", k, err)
		}
		switch x := v.(type) {
		case string:
			props[k] = x
		case json.Number:
			props[k] = x.String()
		case bool:
			props[k] = fmt.Sprint(x)
		default:
			return nil, "", fmt.Errorf("%s: value must be a string, number or boolean", k)
		}
	}
	if name == "" {
		name = strings.TrimSpace(props["name"])
	}
	return props, strings.TrimSpace(name), nil
}
