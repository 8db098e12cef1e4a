package smtp

import (
	"bytes"
	"context"
	"net/textproto"

	"github.com/tickler-dev/tickler/notify"
)

// Stream sends first, then each message next gives, one after another on
// one connection. Where the relay offers PIPELINING, the end of a message's
// content goes out in one write with the next message's MAIL, RCPT and DATA
// (RFC 2920 lets the content be the first "command" of a group), so that a
// message costs one round trip, one write and one read on each side instead
// of two of each. A message with several recipients, or an address that
// needs SMTPUTF8, goes alone as Send sends it.
//
// next must not block: it returns nil when no message is waiting, and Stream
// then finishes the message in flight and returns. done is called once for
// first and once for each message next returned, in that order, with what
// Send would have returned for it. A message whose MAIL, RCPT and DATA went
// out behind a message whose end of DATA then broke the connection had none
// of its content sent: it is begun again on a fresh connection.
func (r *Relay) Stream(ctx context.Context, first *notify.Message, next func() *notify.Message,
	done func(m *notify.Message, sent notify.Sent, retry bool, err error)) {
	var none notify.Sent
	var (
		c      *conn
		reused bool // c came from the pool
		begun  int  // messages begun on c
		cur    *tx  // its MAIL, RCPT and DATA are written on c, their replies not read
		again  bool // m is being tried again on a fresh connection
	)
	defer func() {
		if c != nil {
			r.put(c)
		}
	}()
	var out bytes.Buffer
	drop := func() {
		r.discard(c)
		c = nil
	}
	m := first
	for {
		if cur == nil {
			if m == nil {
				return
			}
			t, err := r.newTx(m)
			if err != nil {
				done(m, none, false, err)
				m, again = next(), false
				continue
			}
			if c == nil {
				c, reused, err = r.get(ctx)
				begun = 0
				if err != nil {
					c = nil
					done(m, none, true, &notify.RelayError{Err: err})
					return
				}
			}
			if !streams(c, t) {
				// Alone, as Send sends it, on this connection.
				sent, retry, err := r.send(ctx, t, c, reused && begun == 0 && !again)
				c = nil
				done(m, sent, retry, err)
				m, again = next(), false
				continue
			}
			if t.data, err = t.content(c.eightBit); err != nil {
				done(m, none, false, err)
				m, again = next(), false
				continue
			}
			if err := c.smtp.UpdateDeadline(r.timeout); err != nil {
				drop()
				done(m, none, true, err)
				return
			}
			writeEnvelope(c.smtp.Text.W, t, c.eightBit)
			if err := c.smtp.Text.W.Flush(); err != nil {
				_, stale, retry, err := r.judge(&txError{Step: "MAIL FROM", Err: err, Broken: true})
				drop()
				if stale && reused && begun == 0 && !again {
					again = true // a pooled connection found dead: once more on a fresh one
					continue
				}
				done(m, none, retry, err)
				m, again = next(), false
				continue
			}
			cur, m = t, nil
			begun++
		}

		// The replies to cur's MAIL, RCPT and DATA.
		if err := c.smtp.UpdateDeadline(r.timeout); err != nil {
			drop()
			done(cur.m, none, true, err)
			cur = nil
			return
		}
		if te := readEnvelope(c.smtp.Text, cur.rcpts[0]); te != nil {
			t := cur
			cur = nil
			keep, stale, retry, err := r.judge(te)
			if !keep {
				drop()
			}
			if stale && reused && begun == 1 && !again {
				// The server closed an idle connection before we noticed;
				// nothing of the message reached it (c is dropped: stale is a
				// broken connection). Once more on a fresh one.
				m, again = t.m, true
				continue
			}
			done(t.m, none, retry, err)
			m, again = next(), false
			continue
		}

		// cur's content, and behind it the next message's MAIL, RCPT and
		// DATA, in one write: gathered in out first, since more than
		// bufio's 4 KiB would go in two.
		out.Reset()
		writeContent(&out, cur.data)
		var after *tx
		if m = next(); m != nil {
			if t, err := r.newTx(m); err == nil && streams(c, t) {
				if t.data, err = t.content(c.eightBit); err == nil {
					writeEnvelope(&out, t, c.eightBit)
					after, m = t, nil
					begun++
				}
			}
		}
		w := c.smtp.Text.W
		_, werr := w.Write(out.Bytes())
		if werr == nil {
			werr = w.Flush()
		}
		var te *txError
		var text string
		switch {
		case werr != nil:
			te = &txError{Step: "end of DATA", Err: werr, Broken: true}
		default:
			// The relay has the message: it may take its time to queue it.
			if err := c.smtp.UpdateDeadline(r.dataTimeout); err != nil {
				te = &txError{Step: "connection", Err: err, Broken: true}
			} else if _, text, err = c.smtp.Text.ReadResponse(250); err != nil {
				te = dataWaitErr(err)
			}
		}
		if te == nil {
			done(cur.m, notify.Sent{Reply: "250 " + text}, false, nil)
		} else {
			keep, _, retry, err := r.judge(te)
			if !keep {
				drop()
			}
			done(cur.m, none, retry, err)
		}
		cur, again = after, false
		if cur != nil && c == nil {
			// Its envelope went on a connection now dropped, and none of
			// its content: begin it again on a fresh one.
			m, cur, again = cur.m, nil, true
		}
	}
}

// streams reports whether t can be pipelined behind another message on c:
// the server pipelines, t has one recipient, and its addresses are ASCII.
func streams(c *conn, t *tx) bool {
	return len(t.rcpts) == 1 && canPipeline(c, t.from, t.rcpts)
}

// writeEnvelope buffers MAIL FROM, RCPT TO and DATA of a message with one
// recipient.
func writeEnvelope(w byteWriter, t *tx, eightBit bool) {
	w.WriteString("MAIL FROM:")
	w.WriteString(t.from)
	if eightBit {
		w.WriteString(" BODY=8BITMIME") // RFC 6152
	}
	w.WriteString("\r\nRCPT TO:")
	w.WriteString(t.rcpts[0])
	w.WriteString("\r\nDATA\r\n")
}

// readEnvelope reads the replies to what writeEnvelope wrote, as pipelined
// does for one recipient: after a refusal the transaction is reset.
func readEnvelope(t *textproto.Conn, rcpt string) *txError {
	var refused *txError
	if _, _, err := t.ReadResponse(250); err != nil {
		if refused = stepErr("MAIL FROM", err); refused.Broken || closing(refused) {
			return refused
		}
	}
	if _, _, err := t.ReadResponse(25); err != nil {
		e := stepErr("RCPT TO "+rcpt, err)
		if e.Broken || closing(e) {
			return e
		}
		e.Rcpt = rcpt
		if refused == nil {
			refused = noRecipient([]*txError{e})
		}
	}
	_, _, err := t.ReadResponse(354)
	switch {
	case err == nil && refused != nil:
		// The server would take content although it refused the envelope:
		// the only safe way out is to drop the connection.
		refused.Broken = true
		return refused
	case err != nil && refused == nil:
		if refused = stepErr("DATA", err); refused.Broken {
			return refused
		}
	}
	if refused != nil {
		return reset(t, refused)
	}
	return nil
}
