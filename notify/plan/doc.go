// Package plan puts a run's notices in the outbox: it gathers them per
// recipient (spilled to a temporary table as the job emits them, read back a
// recipient at a time), leaves out what each recipient already had, has
// package message render one message per recipient with what is left, and
// writes the messages with their items, all in the run's one transaction
// (store.Tx). A run is in the outbox whole or not at all.
package plan
