package main

import (
	"context"
	"errors"
)

func cmdDigest(ctx context.Context, g *globals, args []string) error {
	return errors.New("the digest is not built yet")
}
