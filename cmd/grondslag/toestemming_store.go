package main

import "context"

// toestemmingStoreCommands are the register commands that work on a store (--db).
func toestemmingStoreCommands() []struct {
	name, summary string
	run           func(context.Context, env) error
} {
	return nil
}
