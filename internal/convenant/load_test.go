package convenant

import "testing"

func TestDefaultLoads(t *testing.T) {
	c, err := Default()
	if err != nil {
		if e, ok := err.(*Error); ok {
			for _, d := range e.Diagnostics {
				t.Log(d)
			}
		}
		t.Fatal(err)
	}
	for _, w := range c.Warnings() {
		t.Errorf("waarschuwing in model: %s", w)
	}
}
