package registrytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"

	"github.com/hamba/avro/v2"
)

// Options configure a Server.
type Options struct {
	// Username and Password, when set, are required as basic auth.
	Username, Password string
	// TLS serves https with httptest's certificate (see Server.Certificate).
	TLS bool
	// Compatible decides whether schema may join subject after the versions
	// already there; nil accepts everything. A refusal answers 409.
	Compatible func(subject string, existing []string, schema string) bool
}

type version struct {
	id      int
	version int
}

// Server is the fake registry. Its methods are safe for concurrent use.
type Server struct {
	*httptest.Server
	opts Options

	mu       sync.Mutex
	ids      map[int]string
	idByText map[string]int
	subjects map[string][]version
	failNext []int
	requests map[string]int
}

// New starts a server; stop it with Close.
func New(opts Options) *Server {
	s := &Server{
		opts:     opts,
		ids:      map[int]string{},
		idByText: map[string]int{},
		subjects: map[string][]version{},
		requests: map[string]int{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /subjects/{subject}/versions", s.register)
	mux.HandleFunc("POST /subjects/{subject}", s.lookup)
	mux.HandleFunc("GET /schemas/ids/{id}", s.byID)
	mux.HandleFunc("GET /subjects/{subject}/versions/{version}", s.byVersion)
	h := s.wrap(mux)
	if opts.TLS {
		s.Server = httptest.NewTLSServer(h)
	} else {
		s.Server = httptest.NewServer(h)
	}
	return s
}

// FailNext makes the next len(statuses) requests answer with these HTTP
// statuses (and a 50001-style error body) before normal service resumes.
func (s *Server) FailNext(statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = append(s.failNext, statuses...)
}

// Requests returns how many requests reached route (e.g. "GET /schemas/ids/{id}").
func (s *Server) Requests(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[route]
}

// Register adds a schema directly (as another producer would have) and
// returns its id and version.
func (s *Server) Register(subject, schema string) (id, ver int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.add(subject, schema)
}

// Schema returns the text of a registered id.
func (s *Server) Schema(id int) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.ids[id]
	return t, ok
}

// Subjects returns the versions' ids per subject.
func (s *Server) Subjects() map[string][]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]int{}
	for sub, vs := range s.subjects {
		for _, v := range vs {
			out[sub] = append(out[sub], v.id)
		}
	}
	return out
}

func (s *Server) add(subject, schema string) (int, int) {
	id, ok := s.idByText[schema]
	if !ok {
		id = len(s.ids) + 1
		s.ids[id] = schema
		s.idByText[schema] = id
	}
	for _, v := range s.subjects[subject] {
		if v.id == id {
			return id, v.version
		}
	}
	ver := len(s.subjects[subject]) + 1
	s.subjects[subject] = append(s.subjects[subject], version{id: id, version: ver})
	return id, ver
}

func (s *Server) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.opts.Username != "" {
			u, p, ok := r.BasicAuth()
			if !ok || u != s.opts.Username || p != s.opts.Password {
				writeError(w, http.StatusUnauthorized, 401, "Unauthorized")
				return
			}
		}
		s.mu.Lock()
		if len(s.failNext) > 0 {
			status := s.failNext[0]
			s.failNext = s.failNext[1:]
			s.mu.Unlock()
			writeError(w, status, 50001, "Error in the backend data store")
			return
		}
		s.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) count(r *http.Request) {
	s.mu.Lock()
	s.requests[r.Pattern]++
	s.mu.Unlock()
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error_code": code, "message": msg})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	_ = json.NewEncoder(w).Encode(v)
}

type schemaBody struct {
	Schema     string `json:"schema"`
	SchemaType string `json:"schemaType"`
}

func readSchema(w http.ResponseWriter, r *http.Request) (string, bool) {
	var b schemaBody
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<22)).Decode(&b); err != nil {
		writeError(w, http.StatusUnprocessableEntity, 42201, "Invalid schema: "+err.Error())
		return "", false
	}
	if b.SchemaType != "" && b.SchemaType != "AVRO" {
		writeError(w, http.StatusUnprocessableEntity, 42201, "Invalid schema type "+b.SchemaType)
		return "", false
	}
	if _, err := avro.ParseWithCache(b.Schema, "", &avro.SchemaCache{}); err != nil {
		writeError(w, http.StatusUnprocessableEntity, 42201, "Invalid schema "+err.Error())
		return "", false
	}
	return b.Schema, true
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	s.count(r)
	subject := r.PathValue("subject")
	schema, ok := readSchema(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.Compatible != nil {
		var existing []string
		known := false
		for _, v := range s.subjects[subject] {
			existing = append(existing, s.ids[v.id])
			known = known || s.ids[v.id] == schema
		}
		if !known && !s.opts.Compatible(subject, existing, schema) {
			writeError(w, http.StatusConflict, 409, "Schema being registered is incompatible with an earlier schema for subject \""+subject+"\"")
			return
		}
	}
	id, _ := s.add(subject, schema)
	writeJSON(w, map[string]any{"id": id})
}

func (s *Server) lookup(w http.ResponseWriter, r *http.Request) {
	s.count(r)
	subject := r.PathValue("subject")
	schema, ok := readSchema(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	vs, found := s.subjects[subject]
	if !found {
		writeError(w, http.StatusNotFound, 40401, fmt.Sprintf("Subject '%s' not found.", subject))
		return
	}
	for _, v := range vs {
		if s.ids[v.id] == schema {
			writeJSON(w, map[string]any{"subject": subject, "id": v.id, "version": v.version, "schema": schema})
			return
		}
	}
	writeError(w, http.StatusNotFound, 40403, "Schema not found")
}

func (s *Server) byID(w http.ResponseWriter, r *http.Request) {
	s.count(r)
	id, err := strconv.Atoi(r.PathValue("id"))
	s.mu.Lock()
	text, ok := s.ids[id]
	s.mu.Unlock()
	if err != nil || !ok {
		writeError(w, http.StatusNotFound, 40403, fmt.Sprintf("Schema %s not found", r.PathValue("id")))
		return
	}
	writeJSON(w, map[string]any{"schema": text})
}

func (s *Server) byVersion(w http.ResponseWriter, r *http.Request) {
	s.count(r)
	subject, raw := r.PathValue("subject"), r.PathValue("version")
	s.mu.Lock()
	defer s.mu.Unlock()
	vs, found := s.subjects[subject]
	if !found {
		writeError(w, http.StatusNotFound, 40401, fmt.Sprintf("Subject '%s' not found.", subject))
		return
	}
	var v version
	if raw == "latest" || raw == "-1" {
		v = vs[len(vs)-1]
	} else {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			writeError(w, http.StatusUnprocessableEntity, 42202,
				"The specified version '"+raw+"' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"")
			return
		}
		if n > len(vs) {
			writeError(w, http.StatusNotFound, 40402, fmt.Sprintf("Version %d not found.", n))
			return
		}
		v = vs[n-1]
	}
	writeJSON(w, map[string]any{"subject": subject, "id": v.id, "version": v.version, "schema": s.ids[v.id]})
}
