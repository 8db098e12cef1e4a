// Package deliver works the outbox off: a Deliverer claims due rows with a
// lease, hands each to a notify.Sender (NewSender builds the configured one:
// notify/smtp or notify/emlfolder), and records what became of it: sent,
// retried later with backoff, or failed with the relay's reply, which HR
// sees (FailedBetween).
package deliver
