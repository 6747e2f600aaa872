package rest

import (
	"net/http/httptest"
	"testing"

	"github.com/onecconnect/onecconnect/connect/herder"
	"github.com/onecconnect/onecconnect/connect/rest/auth"
)

// signingHerder reports a fixed signing state; other methods are not
// called by access.
type signingHerder struct {
	herder.InternalHerder
	required bool
}

func (h signingHerder) RequestSigning() herder.RequestSigning {
	return herder.RequestSigning{Required: h.required}
}

func TestAccess(t *testing.T) {
	const open = auth.Role(-1)
	for _, tc := range []struct {
		name          string
		srv           *Server
		method, route string
		signed        bool
		want          auth.Role // open: served without authentication
	}{
		{"health open", &Server{}, "GET", "/health", false, open},
		{"health closed", &Server{healthAuth: true}, "GET", "/health", false, auth.RoleReadOnly},
		{"metrics", &Server{}, "GET", "/metrics", false, auth.RoleReadOnly},
		{"metrics open", &Server{metricsOpen: true}, "GET", "/metrics", false, open},
		{"root", &Server{}, "GET", "/", false, auth.RoleReadOnly},
		{"head", &Server{}, "HEAD", "/connectors", false, auth.RoleReadOnly},
		{"config", &Server{}, "GET", "/connectors/:name/config", false, auth.RoleReadOnly},
		{"offsets read", &Server{}, "GET", "/connectors/:name/offsets", false, auth.RoleReadOnly},
		{"offsets alter", &Server{}, "PATCH", "/connectors/:name/offsets", false, auth.RoleAdmin},
		{"offsets reset", &Server{}, "DELETE", "/connectors/:name/offsets", false, auth.RoleAdmin},
		{"restart", &Server{}, "POST", "/connectors/:name/restart", false, auth.RoleAdmin},
		{"loggers read", &Server{}, "GET", "/admin/loggers", false, auth.RoleAdmin},
		{"logger set", &Server{}, "PUT", "/admin/loggers/:logger", false, auth.RoleAdmin},
		{"unknown route", &Server{}, "GET", "", false, auth.RoleReadOnly},
		{"unknown write", &Server{}, "POST", "", false, auth.RoleAdmin},
		{"preflight without CORS", &Server{}, "OPTIONS", "", false, auth.RoleAdmin},
		{"preflight with CORS", &Server{allowOrigin: "*"}, "OPTIONS", "/connectors", false, open},
		{"internal signed, sessioned", &Server{h: signingHerder{required: true}}, "POST", "/connectors/:name/tasks", true, open},
		{"fence signed, sessioned", &Server{h: signingHerder{required: true}}, "PUT", "/connectors/:name/fence", true, open},
		{"internal unsigned, sessioned", &Server{h: signingHerder{required: true}}, "POST", "/connectors/:name/tasks", false, auth.RoleAdmin},
		{"internal signed, not sessioned", &Server{h: signingHerder{required: false}}, "POST", "/connectors/:name/tasks", true, auth.RoleAdmin},
		{"signature on another route", &Server{h: signingHerder{required: true}}, "POST", "/connectors", true, auth.RoleAdmin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "/x", nil)
			if tc.signed {
				r.Header.Set(signatureHeader, "c2ln")
			}
			need, isOpen := tc.srv.access(r, tc.route)
			got := need
			if isOpen {
				got = open
			}
			if got != tc.want {
				t.Errorf("access(%s %s) = %v (open %v), want %v", tc.method, tc.route, need, isOpen, tc.want)
			}
		})
	}
}

func TestValidateConnectorName(t *testing.T) {
	long := make([]byte, MaxConnectorNameBytes)
	for i := range long {
		long[i] = 'a'
	}
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"", true}, // left to the herder
		{"orders", true},
		{"Выгрузка заказов (1С:Предприятие)", true},
		{"a.b-c_d e&f=g?h#i%j", true},
		{string(long), true},
		{string(long) + "a", false},
		{"a/b", false},
		{`a\b`, false},
		{".", false},
		{"..", false},
		{"...", true},
		{"a\tb", false},
		{"a\x7fb", false},
		{"a\u0085b", false}, // C1
		{"a\u200bb", false}, // zero-width space (Cf)
		{"a\u202eb", false}, // bidi override
		{"a\xffb", false},
	} {
		err := ValidateConnectorName(tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("ValidateConnectorName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && herder.KindOf(err) != herder.KindBadRequest {
			t.Errorf("ValidateConnectorName(%q): kind %v, want bad request", tc.name, herder.KindOf(err))
		}
	}
}

func TestCheckDepth(t *testing.T) {
	nest := func(n int) string {
		s := ""
		for range n {
			s += `{"a":[`
		}
		for range n {
			s += `]}`
		}
		return s
	}
	for _, tc := range []struct {
		name string
		body string
		ok   bool
	}{
		{"flat", `{"a":"b"}`, true},
		{"at the limit", nest(DefaultMaxJSONDepth / 2), true},
		{"over the limit", nest(DefaultMaxJSONDepth/2 + 1), false},
		{"brackets in strings", `{"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}`, true},
		{"escaped quote", `{"a":"\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}`, true},
	} {
		err := checkDepth([]byte(tc.body), DefaultMaxJSONDepth)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
