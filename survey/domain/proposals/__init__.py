"""Stores found in the field: an inspector proposes a store the registry lacks and surveys it at once;
the surveys wait, counting nowhere, until an admin decides.

- `payloads`: the JSON a proposal and a decision arrive as, checked by pydantic, and a proposal's
  content hash;
- `receiving`: storing a proposal once (`created`, `duplicate`, `conflict`), the waiting list and a
  proposal as JSON;
- `references`: what the sync needs of the proposals a batch's surveys name;
- `decisions`: a new store from a proposal, a merge into a registered store, or a rejection, each
  audited, with the proposal's surveys moved to the store and the figures brought up to date;
- `nearby`: the registered stores near a proposal, by distance and by name, for the admin to see.

docs/store-proposals.md tells the story.
"""
