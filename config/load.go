package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"

	"gopkg.in/yaml.v3"

	// The zone database inside the binary: time.LoadLocation works on a machine
	// (or a scratch container) without /usr/share/zoneinfo.
	_ "time/tzdata"
)

// Load reads, decodes and validates the configuration file at path. A file it
// cannot read is returned as the os error; problems in the file are returned as
// Errors, every one of them, each naming file:line and key.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	c, err := Parse(data, path)
	if err != nil {
		return nil, err
	}
	c.Path = path
	return c, nil
}

// Parse decodes and validates a configuration; name is the file name used in
// error messages. Keys the data leaves out get their defaults; ${VAR} is
// replaced from the environment; password_file and dsn_file are read (paths
// relative to the working directory).
func Parse(data []byte, name string) (*Config, error) {
	return parse(data, name, os.LookupEnv, os.ReadFile)
}

// Default returns the configuration of an empty file: every default, checked,
// with its time zones loaded and its schedules parsed.
func Default() *Config {
	c, err := Parse(nil, "default")
	if err != nil {
		panic("config: the defaults do not validate: " + err.Error())
	}
	return c
}

func parse(data []byte, name string, lookup func(string) (string, bool), readFile func(string) ([]byte, error)) (*Config, error) {
	c := new(Config)
	c.setDefaults()
	d := newDecoder(name, lookup)

	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF):
		// An empty file: every default.
	case err != nil:
		return nil, Errors{syntaxError(name, err)}
	default:
		var extra yaml.Node
		switch err := dec.Decode(&extra); {
		case errors.Is(err, io.EOF):
		case err != nil:
			return nil, Errors{syntaxError(name, err)}
		default:
			return nil, Errors{{File: name, Line: extra.Line, Msg: "a second YAML document (---); the configuration is one document"}}
		}
		root := &doc
		if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
			root = root.Content[0]
		}
		if !isNull(root) {
			if root.Kind != yaml.MappingNode {
				return nil, Errors{{File: name, Line: root.Line, Msg: "expected a mapping of keys (timezone:, database:, jobs: ...), got " + kindName(root)}}
			}
			d.decode(root, reflect.ValueOf(c).Elem(), "")
		}
	}

	v := &validator{decoder: d, readFile: readFile}
	v.config(c)
	if len(d.errs) > 0 {
		return nil, d.errs.sorted()
	}
	c.warnings = v.warnings
	c.moreWarnings = append(v.lost, v.fileModes...)
	return c, nil
}
