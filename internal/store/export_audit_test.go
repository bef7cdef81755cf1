package store

// BatcherPaths reports how many region writes of the batcher went through the pipelined write
// and how many through Append in a transaction (PostgreSQL only; both 0 on SQLite).
func (b *AuditBatcher) BatcherPaths() (pipelined, viaTx int64) {
	return b.pipelined.Load(), b.viaTx.Load()
}
