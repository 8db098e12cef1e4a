package notify

import "context"

// Sender hands one message to its transport. A nil error means the transport
// accepted the message, for one recipient at least (sent says what it
// answered and which recipients it refused). On failure, retry says whether
// trying again later may succeed (a 4xx reply, a network error, a timeout) or
// not (a 5xx reply, a refused address). An error wrapping a *RelayError says
// the transport itself is unusable for now.
type Sender interface {
	Send(ctx context.Context, m *Message) (sent Sent, retry bool, err error)
}

// Sent is what the transport answered for a message it accepted.
type Sent struct {
	Reply string // the server's answer, if any ("250 2.0.0 Ok: queued as 4XyZ")
	// Refused are the recipients the relay refused while it accepted the
	// message for the others (a Cc whose mailbox is gone): the message left
	// for everyone else, and each of these becomes a delivery of its own.
	Refused []Refusal
}

// Refusal is one recipient the relay refused.
type Refusal struct {
	Email string
	Err   error // the relay's answer
	Retry bool  // a temporary refusal (4xx): that recipient may accept it later
}

// RelayError is a failure of the transport rather than of one message: the
// relay cannot be reached, refuses TLS or our login, or refuses our sender
// address. Every message would fail the same way, so the Deliverer gives the
// messages it holds this outcome without trying each one (a wrong password is
// not tried a hundred times), and claims nothing more until the retry time.
type RelayError struct{ Err error }

func (e *RelayError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *RelayError) Unwrap() error { return e.Err }
