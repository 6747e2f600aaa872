package config

import "strings"

import "encoding/json"

// ConfigInfos is the body of Kafka Connect's
// PUT /connector-plugins/{plugin}/config/validate response, field for field.
// Name is the connector class as given; ErrorCount the total number of
// error messages; Groups the group names in order; Configs one entry per key.
type ConfigInfos struct {
	Name       string       `json:"name"`
	ErrorCount int          `json:"error_count"`
	Groups     []string     `json:"groups"`
	Configs    []ConfigInfo `json:"configs"`
}

// ConfigInfo pairs a key's definition with its validated value.
type ConfigInfo struct {
	Definition ConfigKeyInfo   `json:"definition"`
	Value      ConfigValueInfo `json:"value"`
}

// ConfigKeyInfo describes a key as Kafka's REST API does; GET
// /connector-plugins/{plugin}/config returns a list of them. The order in
// the group is written as "order" (Kafka's output name); "order_in_group" is
// also accepted when decoding, as Kafka does.
type ConfigKeyInfo struct {
	Name          string   `json:"name"`
	Type          string   `json:"type"`
	Required      bool     `json:"required"`
	DefaultValue  *string  `json:"default_value"`
	Importance    string   `json:"importance"`
	Documentation string   `json:"documentation"`
	Group         *string  `json:"group"`
	Order         int      `json:"order"`
	Width         string   `json:"width"`
	DisplayName   string   `json:"display_name"`
	Dependents    []string `json:"dependents"`
}

// UnmarshalJSON accepts both "order" and Kafka's input alias
// "order_in_group".
func (k *ConfigKeyInfo) UnmarshalJSON(b []byte) error {
	type plain ConfigKeyInfo
	var aux struct {
		plain
		OrderInGroup *int `json:"order_in_group"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*k = ConfigKeyInfo(aux.plain)
	if aux.OrderInGroup != nil {
		k.Order = *aux.OrderInGroup
	}
	return nil
}

// ConfigValueInfo is a key's validated value. Value is the string form
// (null when absent; "[hidden]" for a password that is set);
// RecommendedValues comes from a [Recommender] validator; Errors holds the
// key's messages; Visible is always true (no recommenders hide keys).
type ConfigValueInfo struct {
	Name              string   `json:"name"`
	Value             *string  `json:"value"`
	RecommendedValues []string `json:"recommended_values"`
	Errors            []string `json:"errors"`
	Visible           bool     `json:"visible"`
}

// Messages returns every error message in config order, the lines of
// Kafka's "Connector configuration is invalid and contains the following
// N error(s)" response. A message that does not name its key (a
// connector's own check may say just "no 1C object …") is prefixed with
// "<key>: ", so every line of the response says which key is wrong.
func (c ConfigInfos) Messages() []string {
	var out []string
	for _, ci := range c.Configs {
		for _, msg := range ci.Value.Errors {
			if name := ci.Value.Name; name != "" && !strings.Contains(msg, name) {
				msg = name + ": " + msg
			}
			out = append(out, msg)
		}
	}
	return out
}

// AddPrefixed appends other's entries with prefix put before their names
// (as Kafka merges converter and client-override results:
// "key.converter.schemas.enable", "producer.override.acks"), adds its new
// groups, and — Kafka's rule for these merged parts — adds to ErrorCount the
// number of entries that have errors.
func (c *ConfigInfos) AddPrefixed(prefix string, other ConfigInfos) {
	for _, g := range other.Groups {
		if !contains(c.Groups, g) {
			c.Groups = append(c.Groups, g)
		}
	}
	for _, ci := range other.Configs {
		ci.Definition.Name = prefix + ci.Definition.Name
		ci.Value.Name = prefix + ci.Value.Name
		if len(ci.Value.Errors) > 0 {
			c.ErrorCount++
		}
		c.Configs = append(c.Configs, ci)
	}
}
