package serve

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// Other sites' pages cannot use the API, nor embed the page; the page's
// own requests, links followed and non-browser clients can.
func TestCrossSiteRequestsRefused(t *testing.T) {
	srv, ts := newServer(t, "")
	for _, c := range []struct {
		path    string
		headers map[string]string
		want    int
	}{
		{"/api/control?session=x", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"/api/control?session=x", map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"/api/control?session=x", map[string]string{"Origin": "http://evil.example"}, http.StatusForbidden},
		{"/api/stream", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}, http.StatusForbidden},
		{"/", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}, http.StatusForbidden},
		{"/", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}, http.StatusOK},
		{"/", map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe"}, http.StatusForbidden}, // clickjacking
		{"/api/control?session=x", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": ts.URL}, http.StatusNotFound},                    // passes the check: no such session
		{"/api/control?session=x", nil, http.StatusNotFound},
	} {
		method := "POST"
		if !strings.HasPrefix(c.path, "/api/control") {
			method = "GET"
		}
		req, _ := http.NewRequest(method, ts.URL+c.path, strings.NewReader("{}"))
		for k, v := range c.headers {
			req.Header.Set(k, v)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			if c.want == http.StatusOK {
				t.Errorf("%s: the page may be framed: %v", c.path, resp.Header)
			}
		}
		if resp.StatusCode != c.want {
			t.Errorf("%s %s %v: %d, want %d", method, c.path, c.headers, resp.StatusCode, c.want)
		}
	}
	if srv.Sessions() != 0 {
		t.Errorf("%d sessions after refused requests", srv.Sessions())
	}
}

// streamFrom runs the stream handler for a request from addr until ctx
// ends; started is closed once it answered.
func streamFrom(srv *Server, ctx context.Context, addr string) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(ctx, "GET", "/api/stream", nil)
	req.RemoteAddr = addr
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	return w
}

// With every slot taken, refused requests build nothing: 1,000 of them
// (from many addresses, 50 at a time) leave the heap where it was; one
// client cannot take more than its share.
func TestRefusedSessionsCostNothing(t *testing.T) {
	srv, _ := newServer(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	var live sync.WaitGroup
	for i := range MaxSessions {
		live.Add(1)
		go func() {
			defer live.Done()
			streamFrom(srv, ctx, fmt.Sprintf("10.0.%d.%d:4000", i/MaxSessionsPerClient, i%MaxSessionsPerClient))
		}()
	}
	for deadline := time.Now().Add(30 * time.Second); srv.Sessions() < MaxSessions; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d sessions started", srv.Sessions(), MaxSessions)
		}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	refused := 0
	var mu sync.Mutex
	for batch := range 20 {
		var wg sync.WaitGroup
		for k := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := streamFrom(srv, context.Background(), fmt.Sprintf("192.168.%d.%d:5000", batch, k))
				if w.Code == http.StatusServiceUnavailable {
					mu.Lock()
					refused++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if refused != 1000 {
		t.Errorf("%d of 1000 requests refused", refused)
	}
	// A world of this scenario takes about a megabyte: 1,000 built and
	// dropped would allocate a gigabyte (and grow the RSS, which the Go
	// runtime returns slowly); refusals allocate a few KB each.
	if grow := after.TotalAlloc - before.TotalAlloc; grow > 32<<20 {
		t.Errorf("refused requests allocated %d MB", grow>>20)
	}
	cancel()
	live.Wait()

	// One client: its 17th session is refused, with a message.
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	for range MaxSessionsPerClient {
		go streamFrom(srv, ctx2, "10.9.9.9:1")
	}
	for deadline := time.Now().Add(30 * time.Second); srv.Sessions() < MaxSessionsPerClient; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions started", srv.Sessions())
		}
	}
	w := streamFrom(srv, context.Background(), "10.9.9.9:2")
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "from 10.9.9.9") {
		t.Errorf("a client's 17th session: %d %q", w.Code, w.Body.String())
	}
}

// smallBuffers makes the server's connections fill after a few KB, as a
// client that stops reading makes them fill in the end.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(4096)
	}
	return c, err
}

// A client that opens a stream and never reads loses its session once a
// frame cannot be written in WriteTimeout, and so does one left paused
// (its pings fill the connection).
func TestClientThatNeverReadsIsDropped(t *testing.T) {
	srv, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.writeTimeout, srv.pingInterval = 300*time.Millisecond, time.Millisecond
	ts := httptest.NewUnstartedServer(srv)
	ts.Listener = smallBuffers{ts.Listener}
	ts.Start()
	defer ts.Close()
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.(*net.TCPConn).SetReadBuffer(4096)
	fmt.Fprintf(conn, "GET /api/stream HTTP/1.1\r\nHost: %s\r\n\r\n", ts.Listener.Addr())
	// Read the status line, then never again.
	if line, err := bufio.NewReader(conn).ReadString('\n'); err != nil || !strings.Contains(line, "200") {
		t.Fatalf("stream: %q %v", line, err)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if started, ended := srv.Counts(); started == 1 && ended == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a client that never reads still holds its session: %d live", srv.Sessions())
		}
	}
}
