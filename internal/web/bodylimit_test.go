package web_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// rawPost sends a request whose head says Content-Length n but only part of the body, on a raw
// connection (as a client announcing 1 GB would), and returns the response.
func rawPost(t *testing.T, w *world, path, contentType string, n int64, hdr ...string) *http.Response {
	t.Helper()
	u, _ := url.Parse(w.srv.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	head := "POST " + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + itoa(n) + "\r\n"
	for i := 0; i+1 < len(hdr); i += 2 {
		head += hdr[i] + ": " + hdr[i+1] + "\r\n"
	}
	io.WriteString(conn, head+"\r\n"+strings.Repeat("a", 4096))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestTooLargeBodies: a body above the limit is 413 — problem+json on the API, a Dutch page on
// the web — whether the client announces its size or sends it chunked; never a 500 or a 403
// "Formulier verlopen" (issue 20).
func TestTooLargeBodies(t *testing.T) {
	w := verzuimWorld(t)
	tok := w.token("mag-ik-dit-delen", "verzuim:vastleggen")

	// 1 GB announced to the API: refused before reading.
	res := rawPost(t, w, "/api/v1/mag-ik-dit-delen", "application/json", 1<<30, "Authorization", "Bearer "+tok)
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusRequestEntityTooLarge || res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(b), `"status":413`) {
		t.Errorf("1 GB to the API: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), b)
	}
	// A chunked JSON body above 256 kB: found while decoding.
	c := w.client()
	big := `{"actor":{"partij":"school","rol":"zorgcoordinator"},"handeling":"lezen","categorie":"verzuim","doel":"signalering","x":"` + strings.Repeat("a", 300<<10) + `"}`
	req, _ := http.NewRequest("POST", w.srv.URL+"/api/v1/mag-ik-dit-delen", io.MultiReader(strings.NewReader(big))) // no length: chunked
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	r2, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(r2.Body)
	r2.Body.Close()
	if r2.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "Te groot") {
		t.Errorf("chunked 300 kB to the API: %d %s", r2.StatusCode, b)
	}
	// The API upload takes more (64 MB), and refuses 1 GB.
	res = rawPost(t, w, "/api/v1/verzuimregistraties?doel=signalering", "text/csv", 1<<30, "Authorization", "Bearer "+tok)
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("1 GB upload to the API: %d", res.StatusCode)
	}

	// The web: a signed-in user's form of 2 MB (chunked) is a Dutch 413 page, not "Formulier verlopen".
	c.login("zc")
	page := c.get("/verzuim/registraties")
	form := "csrf=" + csrfOf(t, page.body) + "&doel=signalering&x=" + strings.Repeat("a", 2<<20)
	req, _ = http.NewRequest("POST", w.srv.URL+"/doel", io.MultiReader(strings.NewReader(form)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r3, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(r3.Body)
	r3.Body.Close()
	if r3.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "Te groot") || strings.Contains(string(b), "Formulier verlopen") || !strings.Contains(r3.Header.Get("Content-Type"), "text/html") {
		t.Errorf("2 MB form: %d %s", r3.StatusCode, b)
	}
	// An upload announcing 1 GB to the web form: a Dutch 413 page at once.
	res = rawPost(t, w, "/verzuim/registraties", "multipart/form-data; boundary=grens", 1<<30)
	b, _ = io.ReadAll(res.Body)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "Te groot") {
		t.Errorf("1 GB upload to the web: %d %s", res.StatusCode, b)
	}
	// A body within the limit still works.
	if r := c.doBody("POST", "/api/v1/mag-ik-dit-delen", `{"actor":{"partij":"school","rol":"zorgcoordinator"},"handeling":"lezen","categorie":"verzuim","doel":"signalering"}`,
		"Content-Type", "application/json", "Authorization", "Bearer "+tok); r.status != 200 {
		t.Errorf("small body: %d %s", r.status, r.body)
	}
}
