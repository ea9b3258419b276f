"""Provinces on one deployment: each province sees only its own rows, the Ministry sees them all.

- `tenancy`: the scoping rule, written once: every query of a scoped table, in a session scoped to a
  province, keeps that province's rows (a `do_orm_execute` hook adding `with_loader_criteria`);
- `places`: the provinces a deployment holds (a province is a top unit of level `province`), a
  province by its code, the province above a unit;
- `rows`: every new or moved row given its province, whichever channel writes it;
- `moving`: an existing one-province database moved over (`init-db`);
- `national`: the Ministry's figures, the nation and each province beside it, each store judged by
  its own province's rule.

docs/provinces.md tells the story.
"""
