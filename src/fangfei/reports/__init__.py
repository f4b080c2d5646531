"""Official report tables of seed 004 built from the records: Attachments 3 and 4 from the cases."""
