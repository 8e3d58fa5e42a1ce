"""The stages, in the order data flows: each reads the store and writes its output back.

`ingest` (files, pastes -> stories, turns, fragments), `lemmatise` (fragments -> lemmas),
`embed` (fragments -> vectors), `cluster` (vectors -> a run of scenarios), `assign` (new
fragments -> the latest run's scenarios), `describe` (a run -> labels, kinds, quotes, tone,
companies). Each stage keys its output by content hash and component id, so it re-runs alone
and computes only what is missing (`_base.py`: the shared pending/batch/commit loop). The
swappable components they run live in one sub-package per family: `lemmatisers`, `embedders`,
`representations`, `clusterers`, `describers`.
"""
