package avro

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/hamba/avro/v2"

	"github.com/onecconnect/onecconnect/converters"
	"github.com/onecconnect/onecconnect/converters/avro/internal/lru"
	"github.com/onecconnect/onecconnect/converters/avro/registry"
	"github.com/onecconnect/onecconnect/schema"
)

// magicByte starts every record in the Confluent wire format.
const magicByte = 0

// headerLen is the magic byte plus the 4-byte schema id.
const headerLen = 5

// Converter is Confluent's AvroConverter: Connect data ⇄ Avro binary in the
// Confluent wire format, schemas kept in a Schema Registry. Build it with New
// and Configure it once; then FromConnect and ToConnect may run
// concurrently.
type Converter struct {
	isKey  bool
	set    *settings
	client *registry.Client

	generated *lru.Cache[*schema.Schema, *generated]
	plans     *lru.Cache[planKey, *writePlan]
	parsed    *lru.Cache[int, avro.Schema]
	readers   *lru.Cache[int, *readerSchema]
	last      atomic.Pointer[writePlan] // the last fixed-id plan used: no lock, no hash for a run of one schema and topic
	buffers   sync.Pool                 // *[]byte scratch space of FromConnect
}

// generated is the Avro form of one Connect schema.
type generated struct {
	text string
	avro avro.Schema
	enc  *encNode
}

// planKey names a cached write plan: by schema and topic when the schema
// id is fixed once registered or looked up (the subject is a function of
// the two), by schema, subject and the latest id with use.latest.version.
type planKey struct {
	s       *schema.Schema
	topic   string
	subject string
	id      int
}

// writePlan is what FromConnect needs for one Connect schema and subject.
type writePlan struct {
	key    planKey
	header [headerLen]byte
	enc    *encNode
}

// New returns an unconfigured converter.
func New() *Converter { return &Converter{} }

// Configure applies the settings (without the key./value.converter.
// prefix) and builds the registry client.
func (c *Converter) Configure(props map[string]string, isKey bool) error {
	set, err := parseSettings(props, isKey)
	if err != nil {
		return fmt.Errorf("configure Avro converter: %w", err)
	}
	client, err := registry.New(set.registry)
	if err != nil {
		return fmt.Errorf("configure Avro converter: %w", err)
	}
	c.configure(set, client, isKey)
	return nil
}

func (c *Converter) configure(set *settings, client *registry.Client, isKey bool) {
	c.isKey, c.set, c.client = isKey, set, client
	n := set.cacheSize
	c.generated = lru.New[*schema.Schema, *generated](n)
	c.plans = lru.New[planKey, *writePlan](n)
	c.parsed = lru.New[int, avro.Schema](n)
	c.readers = lru.New[int, *readerSchema](n)
	c.last.Store(nil)
	c.buffers.New = func() any { b := make([]byte, 0, 1024); return &b }
}

// Close releases the registry client's idle connections.
func (c *Converter) Close() {
	if c.client != nil {
		c.client.Close()
	}
}

func (c *Converter) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), c.set.callTimeout)
}

// FromConnect serialises v of schema s. A nil value gives nil bytes.
// Values that do not fit the schema (wrong Go type, a null for a required
// field, a decimal with more fractional digits than its scale) are
// *converters.DataError; so are registry refusals (incompatible or invalid
// schema). Registry outages are returned as other errors: they may pass.
func (c *Converter) FromConnect(topic string, _ *converters.Headers, s *schema.Schema, v any) ([]byte, error) {
	if c.set == nil {
		return nil, errors.New("Avro converter is not configured")
	}
	if v == nil {
		return nil, nil
	}
	if s == nil {
		return nil, converters.Errorf(topic, nil, "the Avro converter needs a schema; schemaless values are not supported")
	}
	plan, err := c.plan(topic, s)
	if err != nil {
		return nil, err
	}
	buf := c.buffers.Get().(*[]byte)
	b, err := appendValue(append((*buf)[:0], plan.header[:]...), plan.enc, v)
	var out []byte
	if err == nil {
		out = append([]byte(nil), b...)
	}
	if cap(b) <= 1<<20 {
		*buf = b
		c.buffers.Put(buf)
	}
	if err != nil {
		return nil, converters.Errorf(topic, err, "value does not fit schema %s", s)
	}
	return out, nil
}

// gen returns the cached Avro form of s.
func (c *Converter) gen(topic string, s *schema.Schema) (*generated, error) {
	if g, ok := c.generated.Get(s); ok {
		return g, nil
	}
	text, err := toAvroSchema(s, c.set.gen)
	if err != nil {
		return nil, converters.Errorf(topic, err, "convert schema %s to Avro", s)
	}
	h, err := avro.ParseWithCache(text, "", &avro.SchemaCache{})
	if err != nil {
		return nil, converters.Errorf(topic, err, "derived Avro schema is invalid")
	}
	enc, err := buildEncoder(s, h)
	if err != nil {
		return nil, converters.Errorf(topic, err, "plan Avro encoding of %s", s)
	}
	g := &generated{text: text, avro: h, enc: enc}
	c.generated.Put(s, g)
	return g, nil
}

func (c *Converter) plan(topic string, s *schema.Schema) (*writePlan, error) {
	fixedID := c.set.autoRegister || !c.set.useLatest
	if fixedID {
		// The common case, one lookup: no Avro schema, no subject name.
		if p := c.last.Load(); p != nil && p.key.s == s && p.key.topic == topic {
			return p, nil
		}
		if p, ok := c.plans.Get(planKey{s: s, topic: topic}); ok {
			c.last.Store(p)
			return p, nil
		}
	}
	g, err := c.gen(topic, s)
	if err != nil {
		return nil, err
	}
	subject, err := c.set.strategy(topic, c.isKey, g.avro)
	if err != nil {
		return nil, converters.Errorf(topic, err, "subject name")
	}
	switch {
	case fixedID:
		key := planKey{s: s, topic: topic}
		ctx, cancel := c.ctx()
		defer cancel()
		var id int
		if c.set.autoRegister {
			id, err = c.client.Register(ctx, subject, g.text)
		} else {
			var info registry.Schema
			info, err = c.client.Lookup(ctx, subject, g.text)
			id = info.ID
		}
		if err != nil {
			return nil, c.registryErr(topic, fmt.Sprintf("schema for subject %s", subject), err)
		}
		p := newPlan(key, id, g.enc)
		c.plans.Put(key, p)
		c.last.Store(p)
		return p, nil
	default:
		ctx, cancel := c.ctx()
		defer cancel()
		latest, err := c.client.Latest(ctx, subject)
		if err != nil {
			return nil, c.registryErr(topic, fmt.Sprintf("latest schema of subject %s", subject), err)
		}
		key := planKey{s: s, subject: subject, id: latest.ID}
		if p, ok := c.plans.Get(key); ok {
			return p, nil
		}
		h, err := c.parse(latest.ID, latest)
		if err != nil {
			return nil, converters.Errorf(topic, err, "latest schema of subject %s (id %d)", subject, latest.ID)
		}
		enc, err := buildEncoder(s, h)
		if err != nil {
			return nil, converters.Errorf(topic, err, "%s cannot be written with the latest schema of subject %s (id %d)", s, subject, latest.ID)
		}
		p := newPlan(key, latest.ID, enc)
		c.plans.Put(key, p)
		return p, nil
	}
}

func (c *Converter) parse(id int, rs registry.Schema) (avro.Schema, error) {
	if h, ok := c.parsed.Get(id); ok {
		return h, nil
	}
	if rs.SchemaType != "" && rs.SchemaType != "AVRO" {
		return nil, fmt.Errorf("schema type %s is not Avro", rs.SchemaType)
	}
	h, err := avro.ParseWithCache(rs.Schema, "", &avro.SchemaCache{})
	if err != nil {
		return nil, err
	}
	c.parsed.Put(id, h)
	return h, nil
}

func newPlan(key planKey, id int, enc *encNode) *writePlan {
	p := &writePlan{key: key, enc: enc}
	p.header[0] = magicByte
	binary.BigEndian.PutUint32(p.header[1:], uint32(id))
	return p
}

// registryErr classifies a registry failure: answers that will not change
// (4xx) are data errors of the record; outages are returned as they are.
func (c *Converter) registryErr(topic, what string, err error) error {
	if registry.IsRetriable(err) {
		return fmt.Errorf("topic %s: %s: %w", topic, what, err)
	}
	return converters.Errorf(topic, err, "%s", what)
}

// ToConnect deserialises Confluent wire-format Avro. nil data gives a nil
// schema and value. Malformed bytes and unknown schema ids are
// *converters.DataError; registry outages are other errors.
func (c *Converter) ToConnect(topic string, _ converters.Headers, data []byte) (*schema.Schema, any, error) {
	if c.set == nil {
		return nil, nil, errors.New("Avro converter is not configured")
	}
	if data == nil {
		return nil, nil, nil
	}
	if len(data) < headerLen || data[0] != magicByte {
		return nil, nil, converters.Errorf(topic, nil, "unknown magic byte: not Confluent Avro wire format")
	}
	id := int(int32(binary.BigEndian.Uint32(data[1:headerLen])))
	if id <= 0 {
		return nil, nil, converters.Errorf(topic, nil, "invalid schema id %d", id)
	}
	rs, err := c.reader(topic, id)
	if err != nil {
		return nil, nil, err
	}
	v, err := newDecoder(data[headerLen:]).read(rs.dec)
	if err != nil {
		return nil, nil, converters.Errorf(topic, err, "malformed Avro data for schema id %d", id)
	}
	return rs.connect, v, nil
}

func (c *Converter) reader(topic string, id int) (*readerSchema, error) {
	if rs, ok := c.readers.Get(id); ok {
		return rs, nil
	}
	ctx, cancel := c.ctx()
	defer cancel()
	s, err := c.client.SchemaByID(ctx, id)
	if err != nil {
		return nil, c.registryErr(topic, fmt.Sprintf("schema id %d", id), err)
	}
	if s.SchemaType != "AVRO" {
		return nil, converters.Errorf(topic, nil, "schema id %d is %s, not Avro", id, s.SchemaType)
	}
	rs, err := toConnectSchema(s.Schema, c.set.gen.meta)
	if err != nil {
		return nil, converters.Errorf(topic, err, "schema id %d", id)
	}
	finalizePlan(rs.dec)
	c.readers.Put(id, rs)
	return rs, nil
}

var _ converters.Converter = (*Converter)(nil)
