// Package benchlimit measures the physical limit the 1C source benchmarks
// compare against, on the same machine and broker as the connector run:
//
//   - Copy: pgx reading the rows with COPY … TO STDOUT (FORMAT binary) into
//     nothing;
//   - Produce: sarama producing pre-encoded values of the records' size with
//     the worker's producer settings, every acknowledgement awaited;
//   - Pipeline: both at once, as the connector has to do them — each row of
//     the COPY stream handed to the producer as it is parsed. On a machine
//     where PostgreSQL, the broker and the worker share the cores, this is
//     the physical limit of moving the rows; with cores to spare it tends to
//     the slower of Copy and Produce.
//
// The rates are records per second from the start to the last
// acknowledgement; CPU is this process's CPU time per record (the client
// and the in-process broker; PostgreSQL runs in its own processes), and
// Machine the whole machine's (MachineCPU), PostgreSQL included.
// SteadyRate measures the connector runs they are compared with.
package benchlimit

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/IBM/sarama"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/onecconnect/onecconnect/internal/testkit"
)

// Result is one measurement.
type Result struct {
	Rate float64       // records per second
	CPU  time.Duration // this process's CPU time per record
	// Machine is the whole machine's busy CPU time per record
	// (PostgreSQL included); 0 where MachineCPU cannot tell.
	Machine time.Duration
}

// Producer is where and how the limit runs produce: the worker's producer
// configuration and a topic of the connector run's partition count.
type Producer struct {
	Brokers []string
	Config  *sarama.Config
	Topic   string
	// ValueSize is the size of every value (the connector's mean value
	// size); keys are KeySize bytes long, 1,000 distinct ones.
	ValueSize, KeySize int
}

// Sink is an open producer of the configured shape that counts its
// acknowledgements. One goroutine sends.
type Sink struct {
	p      sarama.AsyncProducer
	topic  string
	value  sarama.ByteEncoder
	keys   []sarama.Encoder
	sent   int
	acked  chan error // closed by the counter after want acks, or one error
	want   chan int   // the total, sent once all is produced
	closed bool
}

// Open starts a producer.
func (pr Producer) Open() (*Sink, error) {
	p, err := sarama.NewAsyncProducer(pr.Brokers, pr.Config)
	if err != nil {
		return nil, fmt.Errorf("producer: %w", err)
	}
	s := &Sink{p: p, topic: pr.Topic, value: make(sarama.ByteEncoder, pr.ValueSize),
		keys: make([]sarama.Encoder, 1000), acked: make(chan error, 1), want: make(chan int, 1)}
	for i := range s.value {
		s.value[i] = 'a' + byte(i%26)
	}
	for i := range s.keys {
		k := strconv.Itoa(i)
		for len(k) < pr.KeySize {
			k = "0" + k
		}
		s.keys[i] = sarama.StringEncoder(k)
	}
	go s.count()
	return s, nil
}

// count takes acknowledgements until the total is known and reached.
func (s *Sink) count() {
	got, total := 0, -1
	succ, errs := s.p.Successes(), s.p.Errors()
	for total < 0 || got < total {
		select {
		case _, ok := <-succ:
			if !ok { // closed before every record was acknowledged
				s.acked <- errors.New("producer closed")
				return
			}
			got++
		case perr, ok := <-errs:
			if !ok {
				s.acked <- errors.New("producer closed")
				return
			}
			s.acked <- perr
			return
		case total = <-s.want:
		}
	}
	close(s.acked)
}

// Send produces one record.
func (s *Sink) Send() {
	s.p.Input() <- &sarama.ProducerMessage{Topic: s.topic, Key: s.keys[s.sent%len(s.keys)], Value: s.value}
	s.sent++
}

// Wait waits for the acknowledgement of every record sent, then closes
// the producer.
func (s *Sink) Wait(ctx context.Context) error {
	s.want <- s.sent
	var err error
	select {
	case e, ok := <-s.acked:
		if ok {
			err = fmt.Errorf("produce: %w", e)
		}
	case <-ctx.Done():
		err = ctx.Err()
	}
	s.Close()
	return err
}

// Close closes the producer without waiting (after Wait it does nothing).
func (s *Sink) Close() {
	if !s.closed {
		s.closed = true
		s.p.AsyncClose()
	}
}

// Produce sends n records of the configured shape and waits for every
// acknowledgement.
func Produce(ctx context.Context, pr Producer, n int) (Result, error) {
	s, err := pr.Open()
	if err != nil {
		return Result{}, err
	}
	start, cpu0, m0 := time.Now(), testkit.ProcessCPU(), MachineCPU()
	for i := 0; i < n; i++ {
		s.Send()
	}
	if err := s.Wait(ctx); err != nil {
		return Result{}, err
	}
	return result(n, start, cpu0, m0), nil
}

// Copy reads the result of query (a SELECT) with COPY binary, discarding
// it, and checks that it had n rows.
func Copy(ctx context.Context, conn *pgconn.PgConn, query string, n int) (Result, error) {
	start, cpu0, m0 := time.Now(), testkit.ProcessCPU(), MachineCPU()
	tag, err := conn.CopyTo(ctx, io.Discard, copySQL(query))
	if err != nil {
		return Result{}, fmt.Errorf("copy: %w", err)
	}
	if tag.RowsAffected() != int64(n) {
		return Result{}, fmt.Errorf("copy read %d rows, want %d", tag.RowsAffected(), n)
	}
	return result(n, start, cpu0, m0), nil
}

// Pipeline reads the result of query with COPY binary and produces one
// record of the configured shape for each row as the stream is parsed;
// it returns when every record is acknowledged.
func Pipeline(ctx context.Context, conn *pgconn.PgConn, query string, n int, pr Producer) (Result, error) {
	s, err := pr.Open()
	if err != nil {
		return Result{}, err
	}
	defer s.Close()
	start, cpu0, m0 := time.Now(), testkit.ProcessCPU(), MachineCPU()
	w := &tupleWriter{row: s.Send}
	if _, err := conn.CopyTo(ctx, w, copySQL(query)); err != nil {
		return Result{}, fmt.Errorf("copy: %w", err)
	}
	if w.err != nil {
		return Result{}, w.err
	}
	if w.rows != n {
		return Result{}, fmt.Errorf("copy gave %d rows, want %d", w.rows, n)
	}
	if err := s.Wait(ctx); err != nil {
		return Result{}, err
	}
	return result(n, start, cpu0, m0), nil
}

func copySQL(query string) string { return "COPY (" + query + ") TO STDOUT (FORMAT binary)" }

func result(n int, start time.Time, cpu0, machine0 time.Duration) Result {
	r := Result{Rate: float64(n) / time.Since(start).Seconds(), CPU: (testkit.ProcessCPU() - cpu0) / time.Duration(n)}
	if m := MachineCPU(); m > 0 && machine0 > 0 {
		r.Machine = (m - machine0) / time.Duration(n)
	}
	return r
}

// copySignature opens a binary COPY stream.
const copySignature = "PGCOPY\n\xff\r\n\x00"

// tupleWriter parses a binary COPY stream (signature, flags, header
// extension, then tuples: a field count, each field's length and bytes;
// a count of -1 ends it) and calls row once per tuple.
type tupleWriter struct {
	buf    []byte
	header bool // the header has been read
	done   bool // the trailer has been read
	rows   int
	row    func()
	err    error
}

// errCopyFormat is a COPY stream this parser does not understand.
var errCopyFormat = errors.New("binary COPY stream malformed")

func (w *tupleWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	w.buf = append(w.buf, p...)
	b := w.buf
	if !w.header {
		if len(b) < len(copySignature)+8 {
			return len(p), nil
		}
		if string(b[:len(copySignature)]) != copySignature {
			w.err = errCopyFormat
			return 0, w.err
		}
		ext := int(binary.BigEndian.Uint32(b[len(copySignature)+4:]))
		if len(b) < len(copySignature)+8+ext {
			return len(p), nil
		}
		b = b[len(copySignature)+8+ext:]
		w.header = true
	}
	for !w.done && len(b) >= 2 {
		fields := int(int16(binary.BigEndian.Uint16(b)))
		if fields == -1 {
			w.done, b = true, b[2:]
			break
		}
		pos, complete := 2, true
		for f := 0; f < fields; f++ {
			if len(b) < pos+4 {
				complete = false
				break
			}
			size := int(int32(binary.BigEndian.Uint32(b[pos:])))
			pos += 4
			if size > 0 {
				pos += size
			}
			if len(b) < pos {
				complete = false
				break
			}
		}
		if !complete {
			break
		}
		b = b[pos:]
		w.rows++
		w.row()
	}
	w.buf = w.buf[:copy(w.buf, b)] // the incomplete tuple moves to the front
	return len(p), nil
}

// EndOffsets sums the end offsets (high-water marks) of topic's partitions.
func EndOffsets(client sarama.Client, topic string) (int64, error) {
	parts, err := client.Partitions(topic)
	if err != nil {
		return 0, fmt.Errorf("partitions of %s: %w", topic, err)
	}
	// One ListOffsets request per leader, not one per partition: the
	// polling must not load the broker the measured run produces to.
	led := map[*sarama.Broker][]int32{}
	for _, p := range parts {
		b, err := client.Leader(topic, p)
		if err != nil {
			return 0, fmt.Errorf("leader of %s-%d: %w", topic, p, err)
		}
		led[b] = append(led[b], p)
	}
	var sum int64
	for b, ps := range led {
		req := sarama.NewOffsetRequest(client.Config().Version)
		for _, p := range ps {
			req.AddBlock(topic, p, sarama.OffsetNewest, 1)
		}
		resp, err := b.GetAvailableOffsets(req)
		if err != nil {
			return 0, fmt.Errorf("end offsets of %s: %w", topic, err)
		}
		for _, p := range ps {
			blk := resp.GetBlock(topic, p)
			switch {
			case blk == nil:
				return 0, fmt.Errorf("end offset of %s-%d: %w", topic, p, sarama.ErrIncompleteResponse)
			case !errors.Is(blk.Err, sarama.ErrNoError):
				return 0, fmt.Errorf("end offset of %s-%d: %w", topic, p, blk.Err)
			case len(blk.Offsets) != 1:
				return 0, fmt.Errorf("end offset of %s-%d: %d offsets in the answer", topic, p, len(blk.Offsets))
			}
			sum += blk.Offsets[0]
		}
	}
	return sum, nil
}

// SteadyRate polls topic until it holds n records (or ctx ends) and
// returns records/s from the first record seen in the topic to the n-th —
// a connector's start-up, metadata load and first read are not
// throughput — and when the n-th was seen.
func SteadyRate(ctx context.Context, client sarama.Client, topic string, n int64) (rate float64, end time.Time, err error) {
	var first time.Time
	var atFirst, got int64
	for {
		if got, err = EndOffsets(client, topic); err != nil {
			return 0, time.Time{}, err
		}
		if got > 0 && first.IsZero() {
			first, atFirst = time.Now(), got
		}
		if got >= n {
			end = time.Now()
			return float64(n-atFirst) / end.Sub(first).Seconds(), end, nil
		}
		select {
		case <-ctx.Done():
			return 0, time.Time{}, fmt.Errorf("topic %s: %d of %d records: %w", topic, got, n, ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}
