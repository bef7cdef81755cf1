package store

import (
	"reflect"
	"testing"
)

func TestForDialect(t *testing.T) {
	q := "CREATE TABLE a (x BIGINT);\n-- dialect: sqlite\nCREATE TRIGGER s;\n-- dialect: postgres\nCREATE FUNCTION p;\n-- dialect: alle\nCREATE TABLE b (y BIGINT);\n"
	for d, want := range map[Dialect][]string{
		SQLite:   {"CREATE TABLE a (x BIGINT)", "CREATE TRIGGER s", "CREATE TABLE b (y BIGINT)"},
		Postgres: {"CREATE TABLE a (x BIGINT)", "CREATE FUNCTION p", "CREATE TABLE b (y BIGINT)"},
	} {
		if got := splitStatements(forDialect(q, d)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %q, want %q", d, got, want)
		}
	}
}

func TestSplitStatementsKeepsDollarQuotedBody(t *testing.T) {
	q := `-- a comment
CREATE TABLE t (x BIGINT);
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- inside the body
	RAISE EXCEPTION 'nee; echt niet';
END;
$$;
CREATE TRIGGER g BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'nee'); END;
CREATE INDEX i ON t (x)`
	want := []string{
		"CREATE TABLE t (x BIGINT)",
		"CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n\t-- inside the body\n\tRAISE EXCEPTION 'nee; echt niet';\nEND;\n$$",
		"CREATE TRIGGER g BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'nee'); END",
		"CREATE INDEX i ON t (x)",
	}
	if got := splitStatements(q); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
