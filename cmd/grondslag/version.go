package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise the module version.
var version = ""

func runVersion(_ context.Context, e env) error {
	v := version
	if v == "" {
		v = "ontwikkelversie"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	fmt.Fprintf(e.stdout, "grondslag %s\n", v)
	return nil
}
