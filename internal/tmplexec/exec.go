// Package tmplexec executes text/template parse trees compiled into Go
// closures, without the reflection text/template pays at every field, method
// and function of every action.
//
// It is a fast path, not a second template language: the parse trees are
// text/template's (html/template's once escaped), and a Program handles only
// what it knows to do exactly as text/template does. For anything else (a
// value of a type it has no accessor for, a nil where text/template would
// print "<no value>", a map, a comparison of mixed types) Execute returns
// ErrFallback and the caller runs the template itself. Compile refuses, with
// an error, what a Program never handles (break, continue, unknown functions),
// and the caller then always runs the template itself.
//
// Values are plain interfaces. The caller names how to read the fields and
// call the methods of its own types (Env.Members) and supplies its functions
// (Env.Funcs); a struct field of any other type is read through reflection.
package tmplexec

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"text/template/parse"
)

// ErrFallback reports that a Program met a case it does not handle exactly as
// text/template does: the caller discards the output and runs the template.
var ErrFallback = errors.New("tmplexec: case left to text/template")

// Func is a template function: it gets the evaluated arguments (the piped
// value last) and returns ErrFallback for arguments it does not take. args
// is the Program's until the call returns: a Func must not keep it.
type Func func(args []any) (any, error)

// Member reads field name of recv, or calls its method name with args (the
// Program's, as a Func's, not to be kept). It
// returns handled=false for a receiver it does not know. It must not return
// a nil of an interface type with methods (a nil error) as a plain nil:
// text/template prints that "<nil>", a plain nil "<no value>".
type Member func(recv any, args []any) (v any, handled bool, err error)

// Env is what a Program may call besides text/template's builtins.
type Env struct {
	Funcs   map[string]Func
	Members map[string]Member
	// Slice, when set, gives the length and elements of a value ranged over
	// (ok=false: not one of its types); other slices are read by reflection.
	Slice func(v any) (n int, at func(i int) any, ok bool)
}

// Program is a compiled template. It is safe for concurrent use.
type Program struct {
	run *execFn
	env *Env
}

type execFn func(s *state, dot any) error
type evalFn func(s *state, dot any) (any, error)
type cmdFn func(s *state, dot any, final any, hasFinal bool) (any, error)

type variable struct {
	name  string
	value any
}

type state struct {
	w     *bytes.Buffer
	vars  []variable
	args  []any // the arguments of the calls being made, a stack (evalArgs)
	base  int   // the first variable of the running template ($)
	depth int
	env   *Env
}

// states keeps states between executions, with their stacks.
var states = sync.Pool{New: func() any { return &state{vars: make([]variable, 0, 16), args: make([]any, 0, 32)} }}

// maxDepth bounds template calls, as text/template's maxExecDepth does.
const maxDepth = 10000

// Compile compiles template name and those it calls, found with lookup (nil:
// no such template).
func Compile(lookup func(name string) *parse.Tree, name string, env Env) (*Program, error) {
	c := &compiler{lookup: lookup, env: &env, tmpls: map[string]*execFn{}}
	e, err := c.template(name)
	if err != nil {
		return nil, err
	}
	return &Program{run: e, env: c.env}, nil
}

// Execute writes the template's output for dot to w. On an error, what it
// wrote to w is to be discarded.
func (p *Program) Execute(w *bytes.Buffer, dot any) error {
	s := states.Get().(*state)
	s.w, s.env, s.base, s.depth = w, p.env, 0, 0
	s.vars = append(s.vars[:0], variable{"$", dot})
	err := (*p.run)(s, dot)
	clear(s.vars[:cap(s.vars)]) // nothing of this execution kept alive
	clear(s.args[:cap(s.args)])
	s.vars, s.args, s.w, s.env = s.vars[:0], s.args[:0], nil, nil
	if cap(s.vars) <= 1024 && cap(s.args) <= 1024 { // a deep recursion's stacks are let go
		states.Put(s)
	}
	return err
}

type compiler struct {
	lookup func(string) *parse.Tree
	env    *Env
	tmpls  map[string]*execFn
}

func unsupported(n parse.Node) error {
	return fmt.Errorf("tmplexec: %s not compiled", strings.TrimSpace(n.String()))
}

func (c *compiler) template(name string) (*execFn, error) {
	if e, ok := c.tmpls[name]; ok {
		return e, nil
	}
	tr := c.lookup(name)
	if tr == nil || tr.Root == nil {
		return nil, fmt.Errorf("tmplexec: no template %q", name)
	}
	e := new(execFn)
	c.tmpls[name] = e // before the body: a template may call itself
	body, err := c.list(tr.Root)
	if err != nil {
		return nil, err
	}
	*e = body
	return e, nil
}

func (c *compiler) list(l *parse.ListNode) (execFn, error) {
	if l == nil {
		return func(*state, any) error { return nil }, nil
	}
	var steps []execFn
	for _, n := range l.Nodes {
		e, err := c.node(n)
		if err != nil {
			return nil, err
		}
		if e != nil {
			steps = append(steps, e)
		}
	}
	switch len(steps) {
	case 0:
		return func(*state, any) error { return nil }, nil
	case 1:
		return steps[0], nil
	}
	return func(s *state, dot any) error {
		for _, e := range steps {
			if err := e(s, dot); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

func (c *compiler) node(n parse.Node) (execFn, error) {
	switch n := n.(type) {
	case *parse.ListNode:
		return c.list(n)
	case *parse.TextNode:
		text := n.Text
		return func(s *state, _ any) error { s.w.Write(text); return nil }, nil
	case *parse.CommentNode:
		return nil, nil
	case *parse.ActionNode:
		pipe, err := c.pipe(n.Pipe)
		if err != nil {
			return nil, err
		}
		if len(n.Pipe.Decl) > 0 { // a declaration prints nothing; its variables live to the next end
			return func(s *state, dot any) error { _, err := pipe(s, dot); return err }, nil
		}
		return func(s *state, dot any) error {
			v, err := pipe(s, dot)
			if err != nil {
				return err
			}
			return s.print(v)
		}, nil
	case *parse.IfNode:
		return c.branch(&n.BranchNode, false)
	case *parse.WithNode:
		return c.branch(&n.BranchNode, true)
	case *parse.RangeNode:
		return c.rangeNode(n)
	case *parse.TemplateNode:
		return c.call(n)
	}
	return nil, unsupported(n)
}

func (c *compiler) branch(b *parse.BranchNode, with bool) (execFn, error) {
	pipe, err := c.pipe(b.Pipe)
	if err != nil {
		return nil, err
	}
	then, err := c.list(b.List)
	if err != nil {
		return nil, err
	}
	var els execFn
	if b.ElseList != nil {
		if els, err = c.list(b.ElseList); err != nil {
			return nil, err
		}
	}
	return func(s *state, dot any) error {
		mark := len(s.vars)
		v, err := pipe(s, dot)
		if err == nil {
			var truth bool
			if truth, err = isTrue(v); err == nil {
				switch {
				case truth && with:
					err = then(s, v)
				case truth:
					err = then(s, dot)
				case els != nil:
					err = els(s, dot)
				}
			}
		}
		s.vars = s.vars[:mark]
		return err
	}, nil
}

func (c *compiler) rangeNode(r *parse.RangeNode) (execFn, error) {
	pipe, err := c.pipe(r.Pipe)
	if err != nil {
		return nil, err
	}
	body, err := c.list(r.List)
	if err != nil {
		return nil, err
	}
	var els execFn
	if r.ElseList != nil {
		if els, err = c.list(r.ElseList); err != nil {
			return nil, err
		}
	}
	decl := r.Pipe.Decl
	var names []string
	for _, d := range decl {
		names = append(names, d.Ident[0])
	}
	assign := r.Pipe.IsAssign
	return func(s *state, dot any) error {
		mark := len(s.vars)
		defer func() { s.vars = s.vars[:mark] }()
		v, err := pipe(s, dot)
		if err != nil {
			return err
		}
		n, at, err := s.elements(v)
		if err != nil {
			return err
		}
		if n == 0 {
			if els != nil {
				return els(s, dot)
			}
			return nil
		}
		inner := len(s.vars)
		for i := 0; i < n; i++ {
			elem := at(i)
			switch {
			case len(names) == 0:
			case assign && len(names) > 1:
				if err := s.setVar(names[0], i); err != nil {
					return err
				}
				if err := s.setVar(names[1], elem); err != nil {
					return err
				}
			case assign:
				if err := s.setVar(names[0], elem); err != nil {
					return err
				}
			default: // the last declared is the element, the one before it the index
				s.vars[len(s.vars)-1].value = elem
				if len(names) > 1 {
					s.vars[len(s.vars)-2].value = i
				}
			}
			err := body(s, elem)
			s.vars = s.vars[:inner]
			if err != nil {
				return err
			}
		}
		return nil
	}, nil
}

func (c *compiler) call(t *parse.TemplateNode) (execFn, error) {
	target, err := c.template(t.Name)
	if err != nil {
		return nil, err
	}
	var pipe evalFn
	if t.Pipe != nil {
		if pipe, err = c.pipe(t.Pipe); err != nil {
			return nil, err
		}
	}
	return func(s *state, dot any) error {
		var v any
		if pipe != nil {
			var err error
			if v, err = pipe(s, dot); err != nil {
				return err
			}
		}
		if s.depth >= maxDepth {
			return ErrFallback
		}
		mark, base := len(s.vars), s.base
		s.vars = append(s.vars, variable{"$", v})
		s.base = mark
		s.depth++
		err := (*target)(s, v)
		s.depth--
		s.vars, s.base = s.vars[:mark], base
		return err
	}, nil
}

func (c *compiler) pipe(p *parse.PipeNode) (evalFn, error) {
	if p == nil {
		return func(*state, any) (any, error) { return nil, nil }, nil
	}
	cmds := make([]cmdFn, len(p.Cmds))
	for i, cmd := range p.Cmds {
		f, err := c.command(cmd)
		if err != nil {
			return nil, err
		}
		cmds[i] = f
	}
	var names []string
	for _, d := range p.Decl {
		names = append(names, d.Ident[0])
	}
	assign := p.IsAssign
	if len(cmds) == 1 && len(names) == 0 {
		cmd := cmds[0]
		return func(s *state, dot any) (any, error) { return cmd(s, dot, nil, false) }, nil
	}
	return func(s *state, dot any) (any, error) {
		var v any
		for i, cmd := range cmds {
			var err error
			if v, err = cmd(s, dot, v, i > 0); err != nil {
				return nil, err
			}
		}
		for _, name := range names {
			if assign {
				if err := s.setVar(name, v); err != nil {
					return nil, err
				}
			} else {
				s.vars = append(s.vars, variable{name, v})
			}
		}
		return v, nil
	}, nil
}

func (c *compiler) command(cmd *parse.CommandNode) (cmdFn, error) {
	switch n := cmd.Args[0].(type) {
	case *parse.FieldNode:
		return c.chain(func(_ *state, dot any) (any, error) { return dot, nil }, n.Ident, cmd.Args[1:])
	case *parse.ChainNode:
		recv, err := c.arg(n.Node)
		if err != nil {
			return nil, err
		}
		return c.chain(recv, n.Field, cmd.Args[1:])
	case *parse.VariableNode:
		name := n.Ident[0]
		recv := func(s *state, _ any) (any, error) { return s.varValue(name) }
		if len(n.Ident) == 1 {
			if len(cmd.Args) > 1 {
				return nil, unsupported(cmd)
			}
			return literal(recv), nil
		}
		return c.chain(recv, n.Ident[1:], cmd.Args[1:])
	case *parse.IdentifierNode:
		return c.function(n.Ident, cmd.Args[1:])
	case *parse.PipeNode:
		if len(cmd.Args) > 1 {
			return nil, unsupported(cmd)
		}
		pipe, err := c.pipe(n)
		if err != nil {
			return nil, err
		}
		return literal(pipe), nil
	}
	if len(cmd.Args) > 1 {
		return nil, unsupported(cmd)
	}
	v, err := c.arg(cmd.Args[0])
	if err != nil {
		return nil, err
	}
	return literal(v), nil
}

// literal is a command that takes no arguments: a piped value is an error in
// text/template, left to it.
func literal(v evalFn) cmdFn {
	return func(s *state, dot any, _ any, hasFinal bool) (any, error) {
		if hasFinal {
			return nil, ErrFallback
		}
		return v(s, dot)
	}
}

// chain evaluates the fields (or methods) idents of what recv gives, the last
// one with args and the piped value.
func (c *compiler) chain(recv evalFn, idents []string, args []parse.Node) (cmdFn, error) {
	members := make([]Member, len(idents))
	for i, name := range idents {
		members[i] = c.env.Members[name] // nil: read by reflection, if a struct field
	}
	argv, err := c.args(args)
	if err != nil {
		return nil, err
	}
	last := len(idents) - 1
	return func(s *state, dot any, final any, hasFinal bool) (any, error) {
		v, err := recv(s, dot)
		if err != nil {
			return nil, err
		}
		for i := range last {
			if v, err = member(members[i], idents[i], v, nil); err != nil {
				return nil, err
			}
		}
		if len(argv) == 0 && !hasFinal {
			return member(members[last], idents[last], v, nil)
		}
		vals, mark, err := s.evalArgs(dot, argv, final, hasFinal)
		if err != nil {
			return nil, err
		}
		v, err = member(members[last], idents[last], v, vals)
		s.popArgs(mark)
		return v, err
	}, nil
}

func member(m Member, name string, recv any, args []any) (any, error) {
	if recv == nil {
		return nil, ErrFallback
	}
	if m != nil {
		v, ok, err := m(recv, args)
		if ok || err != nil {
			return v, err
		}
	}
	if len(args) > 0 {
		return nil, ErrFallback
	}
	return structField(recv, name)
}

func (c *compiler) args(nodes []parse.Node) ([]evalFn, error) {
	out := make([]evalFn, len(nodes))
	for i, n := range nodes {
		f, err := c.arg(n)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

// evalArgs evaluates the arguments of a call, the piped value last, on the
// state's stack (no slice made per call): the caller pops them (popArgs at
// mark) once the call returns. Arguments that make calls of their own push
// theirs above and pop them before this returns.
func (s *state) evalArgs(dot any, argv []evalFn, final any, hasFinal bool) (vals []any, mark int, err error) {
	n := len(argv)
	if hasFinal {
		n++
	}
	mark = len(s.args)
	s.args = append(s.args, make([]any, n)...)
	vals = s.args[mark : mark+n : mark+n] // an argument's calls may move s.args: vals stays put
	for i, a := range argv {
		v, err := a(s, dot)
		if err != nil {
			s.popArgs(mark)
			return nil, mark, err
		}
		vals[i] = v
	}
	if hasFinal {
		vals[n-1] = final
	}
	return vals, mark, nil
}

// popArgs drops the arguments pushed from mark on.
func (s *state) popArgs(mark int) {
	clear(s.args[mark:])
	s.args = s.args[:mark]
}

// arg compiles an argument of a command.
func (c *compiler) arg(n parse.Node) (evalFn, error) {
	switch n := n.(type) {
	case *parse.DotNode:
		return func(_ *state, dot any) (any, error) { return dot, nil }, nil
	case *parse.StringNode:
		v := any(n.Text)
		return func(*state, any) (any, error) { return v, nil }, nil
	case *parse.BoolNode:
		v := any(n.True)
		return func(*state, any) (any, error) { return v, nil }, nil
	case *parse.NumberNode:
		v, err := ideal(n)
		if err != nil {
			return nil, err
		}
		return func(*state, any) (any, error) { return v, nil }, nil
	case *parse.PipeNode:
		return c.pipe(n)
	case *parse.FieldNode, *parse.ChainNode, *parse.VariableNode:
		cmd, err := c.command(&parse.CommandNode{NodeType: parse.NodeCommand, Args: []parse.Node{n}})
		if err != nil {
			return nil, err
		}
		return func(s *state, dot any) (any, error) { return cmd(s, dot, nil, false) }, nil
	case *parse.IdentifierNode: // a function called with no arguments
		f, err := c.function(n.Ident, nil)
		if err != nil {
			return nil, err
		}
		return func(s *state, dot any) (any, error) { return f(s, dot, nil, false) }, nil
	}
	return nil, unsupported(n)
}

// ideal gives a number constant the type text/template gives it when it
// knows no better: float64 when written as one, else int.
func ideal(n *parse.NumberNode) (any, error) {
	switch {
	case n.IsComplex:
		return nil, unsupported(n)
	case n.IsFloat && !isHexInt(n.Text) && !strings.HasPrefix(n.Text, "'") && strings.ContainsAny(n.Text, ".eEpP"):
		return n.Float64, nil
	case n.IsInt && int64(int(n.Int64)) == n.Int64:
		return int(n.Int64), nil
	}
	return nil, unsupported(n)
}

// isHexInt is text/template's: a hexadecimal integer, not a hexadecimal
// float (0x1p4).
func isHexInt(s string) bool {
	return len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && !strings.ContainsAny(s, "pP")
}

func (s *state) varValue(name string) (any, error) {
	for i := len(s.vars) - 1; i >= s.base; i-- {
		if s.vars[i].name == name {
			return s.vars[i].value, nil
		}
	}
	return nil, ErrFallback
}

func (s *state) setVar(name string, v any) error {
	for i := len(s.vars) - 1; i >= s.base; i-- {
		if s.vars[i].name == name {
			s.vars[i].value = v
			return nil
		}
	}
	return ErrFallback
}
