"""Survey rounds: who visits which store in which days, and how far the visits have got.

- `payloads`: the JSON the API takes, checked by pydantic;
- `coverage`: which stores a round covers (its types, its units and those below, open on a day of it);
- `planning`: creating a round and assigning its stores to inspectors, all or nothing, audited;
- `progress`: which covered stores were visited in the round, by inspector and by unit, and each
  inspector's own list.

docs/rounds.md tells the story from a Department's side.
"""
