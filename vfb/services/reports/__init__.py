"""The manager's reports, computed by the database in one indexed pass (never by loading every row
into Python), with the same SQL on SQLite and PostgreSQL, one module per report:

- `statement3`: the QS133 statement 3 measure for a period, whole and broken down
  (docs/domain.md), and its CSV export;
- `fidelity_list`: the team fidelity list, each programme with its verdict and failing criteria;
- `alerts`: alerts for active programmes;
- `outcome_changes`: carer scores and placement breakdowns for the measure's children;
- `scope`: who may see which team, and the periods a report may cover.

A CSV export of the measure and every reading of the fidelity list (which names children) are
in the audit trail, once per request.

The rules are vfb/programme/measure.py's and vfb/programme/fidelity.py's; the counts read the
fields vfb/services/infra/derived.py keeps beside each child and programme.
"""
