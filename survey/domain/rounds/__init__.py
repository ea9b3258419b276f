"""Survey rounds: who visits which store in which days, and how far the visits have got.

- `payloads`: the JSON the API takes, checked by pydantic;
- `coverage`: which stores a round covers (its types, its units and those below, open on a day of it);
- `planning`: creating and editing a round and assigning its stores to inspectors, all or nothing,
  audited;
- `progress`: which covered stores were visited in the round, by inspector and by unit, and each
  inspector's own list;
- `pace`: the stores visited week by week against the even pace, and the projected finish;
- `listing`: a round's state on a day and its counts, for the list of rounds and the dashboard;
- `spreading`: a unit's stores to one inspector, or all shared out evenly;
- `sheets` and `plan_import`: the plan and progress workbooks, and the plan uploaded again.

docs/rounds.md tells the story from a Department's side.
"""
