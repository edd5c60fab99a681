"""The programme record: children, carers, assessments, programmes, visits, consents,
outcomes and caseloads."""
